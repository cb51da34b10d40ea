#pragma once
// Element types of weight tensors, numbered as ggml numbers them (GGUF stores
// these ids). Quantized types pack `block_elems` values into `block_bytes`.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace podium {

enum class TensorType : std::uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q8_0 = 8,
    Q4_K = 12,
    Q6_K = 14,
    BF16 = 30,
};

struct TensorTypeTraits {
    TensorType type;
    std::string_view name;  // lower-case, as `podium model inspect` and the CLI spell it
    std::size_t block_elems;
    std::size_t block_bytes;
};

// Traits of a supported type; nullopt for ids podium does not read.
std::optional<TensorTypeTraits> tensor_type_traits(std::uint32_t ggml_type_id);
const TensorTypeTraits& traits(TensorType type);
std::string_view tensor_type_name(TensorType type);
// Parses "f32", "q8_0", ... (case-insensitive).
std::optional<TensorType> parse_tensor_type(std::string_view name);

// Bytes of `n_elements` values; n_elements must be a multiple of the block size.
std::size_t tensor_bytes(TensorType type, std::uint64_t n_elements);

}  // namespace podium
