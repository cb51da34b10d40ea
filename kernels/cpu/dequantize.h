#pragma once
// Plain reference conversions between packed weight rows and f32. These define
// the numbers; fast SIMD kernels and the CUDA kernels are tested against them.
#include <cstddef>
#include <cstdint>

#include "kernels/tensor_type.h"

namespace podium {

// Expands `n` values of `type` starting at `src` into `dst`. `n` must be a
// multiple of the type's block size.
void dequantize_row_reference(TensorType type, const std::uint8_t* src, float* dst, std::size_t n);

// Packs `n` f32 values into `type`. F16/BF16 round to nearest even; Q8_0 and Q4_0
// follow ggml's reference quantizers; Q4_K and Q6_K use a simpler scale search than
// ggml's (valid blocks, slightly larger error). `dst` holds tensor_bytes(type, n) bytes.
void quantize_row_reference(TensorType type, const float* src, std::uint8_t* dst, std::size_t n);

}  // namespace podium
