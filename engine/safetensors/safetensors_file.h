#pragma once
// Reader for one Hugging Face .safetensors file: an 8-byte little-endian header
// length, a JSON header mapping tensor names to {dtype, shape, data_offsets}
// (plus an optional "__metadata__" object of strings), then the raw tensor bytes.
// The file is mmap'd and tensors point into the map. Every length, shape and
// offset is checked against the file before use; a bad file gives one FileError
// naming the file (and the tensor) and what was expected.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/mapped_file.h"
#include "kernels/tensor_type.h"

namespace podium {

struct SafetensorsTensor {
    std::string name;                  // as stored, e.g. "model.layers.0.self_attn.q_proj.weight"
    TensorType type = TensorType::F32;  // F32, F16 or BF16
    std::vector<std::uint64_t> shape;  // PyTorch order (slowest first), as stored
    const std::uint8_t* data = nullptr;  // into the map; aligned only as the writer aligned it
    std::uint64_t n_bytes = 0;
    std::uint64_t n_elements = 0;
};

class SafetensorsFile {
public:
    // Throws FileError on a missing, truncated or malformed file, or a tensor whose
    // dtype podium does not read (anything but F32, F16, BF16).
    static SafetensorsFile open(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return file_->path(); }
    std::uint64_t file_size() const { return file_->size(); }
    std::uint64_t header_size() const { return header_size_; }  // JSON bytes

    // In file order of their data (ascending offsets).
    const std::vector<SafetensorsTensor>& tensors() const { return tensors_; }
    const SafetensorsTensor* find(std::string_view name) const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

private:
    std::shared_ptr<MappedFile> file_;
    std::uint64_t header_size_ = 0;
    std::vector<SafetensorsTensor> tensors_;
    std::map<std::string, std::string> metadata_;
    std::unordered_map<std::string, std::size_t> index_;  // name -> position in tensors_
};

// "F32" -> TensorType::F32 etc.; nullopt for dtypes podium does not read.
std::optional<TensorType> safetensors_dtype(std::string_view dtype);

}  // namespace podium
