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

// Packs `n` f32 values into `type` (F32, F16, BF16, Q8_0, Q4_0; Q4_K and Q6_K too),
// rounding as ggml's reference quantizers do. `dst` holds tensor_bytes(type, n) bytes.
void quantize_row_reference(TensorType type, const float* src, std::uint8_t* dst, std::size_t n);

}  // namespace podium
