#include "kernels/tensor_type.h"

#include <array>
#include <cctype>
#include <stdexcept>

namespace podium {

namespace {

constexpr std::array<TensorTypeTraits, 7> kTraits{{
    {TensorType::F32, "f32", 1, 4},
    {TensorType::F16, "f16", 1, 2},
    {TensorType::Q4_0, "q4_0", 32, 18},
    {TensorType::Q8_0, "q8_0", 32, 34},
    {TensorType::Q4_K, "q4_k", 256, 144},
    {TensorType::Q6_K, "q6_k", 256, 210},
    {TensorType::BF16, "bf16", 1, 2},
}};

}  // namespace

std::optional<TensorTypeTraits> tensor_type_traits(std::uint32_t ggml_type_id) {
    for (const auto& t : kTraits)
        if (static_cast<std::uint32_t>(t.type) == ggml_type_id) return t;
    return std::nullopt;
}

const TensorTypeTraits& traits(TensorType type) {
    for (const auto& t : kTraits)
        if (t.type == type) return t;
    throw std::logic_error("unknown TensorType");
}

std::string_view tensor_type_name(TensorType type) { return traits(type).name; }

std::optional<TensorType> parse_tensor_type(std::string_view name) {
    for (const auto& t : kTraits) {
        if (t.name.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(name[i])) != t.name[i]) same = false;
        if (same) return t.type;
    }
    return std::nullopt;
}

std::size_t tensor_bytes(TensorType type, std::uint64_t n_elements) {
    const auto& t = traits(type);
    return static_cast<std::size_t>(n_elements / t.block_elems * t.block_bytes);
}

}  // namespace podium
