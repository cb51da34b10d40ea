#pragma once
// Writes GGUF v3 files. Tensors are added with a callback that fills their bytes,
// so a 13 GB model is written one tensor at a time. The file is written to
// PATH.tmp and renamed into place, so a failed write never leaves a half file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/gguf_value.h"
#include "kernels/tensor_type.h"

namespace podium {

class GgufWriter {
public:
    using FillFunction = std::function<void(std::span<std::uint8_t> out)>;

    // Sets (or replaces, keeping its position) a metadata key. general.alignment is honoured.
    void set(const std::string& key, GgufValue value);
    // `shape` in ggml order; shape[0] must be a multiple of the type's block size.
    void add_tensor(const std::string& name, TensorType type, std::vector<std::uint64_t> shape,
                    FillFunction fill);
    // Throws FileError when the file cannot be written.
    void write(const std::filesystem::path& path) const;

private:
    struct PendingTensor {
        std::string name;
        TensorType type;
        std::vector<std::uint64_t> shape;
        FillFunction fill;
    };
    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::vector<PendingTensor> tensors_;
};

}  // namespace podium
