#pragma once
// Reader for GGUF v2/v3 files (ggml's docs/gguf.md). The file is mmap'd; tensor
// data is served from the map. Every size and offset read from the file is
// checked against the file's length before use: a bad file gives a FileError
// naming the file and the problem, never an out-of-bounds read.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/mapped_file.h"
#include "engine/gguf/gguf_value.h"
#include "kernels/tensor_type.h"

namespace podium {

struct GgufTensorInfo {
    std::string name;
    std::vector<std::uint64_t> shape;  // ggml order: shape[0] is the fastest-varying dimension
    TensorType type = TensorType::F32;
    std::uint64_t offset = 0;       // relative to the start of the tensor data section
    std::uint64_t n_elements = 0;
    std::uint64_t n_bytes = 0;
    const std::uint8_t* data = nullptr;  // into the map
};

class GgufFile {
public:
    // Throws FileError on a missing, truncated or malformed file.
    static GgufFile open(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return file_->path(); }
    std::uint32_t version() const { return version_; }
    std::uint32_t alignment() const { return alignment_; }
    std::uint64_t data_offset() const { return data_offset_; }  // start of tensor data in the file
    std::uint64_t file_size() const { return file_->size(); }

    const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
    const GgufValue* find(std::string_view key) const;

    // Typed lookups. The `require_*` forms throw FileError("missing required key K" or
    // "key K has type T, expected ...") naming this file. Integer getters accept every
    // integer type whose value fits; real getters accept f32, f64 and integers.
    std::optional<std::uint64_t> get_uint(std::string_view key) const;
    std::optional<double> get_real(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    std::uint64_t require_uint(std::string_view key) const;
    double require_real(std::string_view key) const;
    std::string require_string(std::string_view key) const;
    // An array value; throws when `key` is missing or not an array.
    const GgufValue& require_array(std::string_view key) const;

    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    const GgufTensorInfo* find_tensor(std::string_view name) const;

private:
    std::shared_ptr<MappedFile> file_;
    std::uint32_t version_ = 0;
    std::uint32_t alignment_ = 32;
    std::uint64_t data_offset_ = 0;
    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::vector<GgufTensorInfo> tensors_;

    friend class GgufParser;
};

}  // namespace podium
