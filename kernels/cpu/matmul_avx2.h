#pragma once
// AVX2 + FMA + F16C matrix products (compiled with those flags; called only when
// the CPU has them). Every output is sum over k of w*x accumulated in 8 lanes with
// FMA in k order, lanes reduced in a fixed tree, then the k % 8 tail added: the same
// arithmetic for one token (decode) as for many (prefill), so batch size never
// changes a result.
#include <cstddef>
#include <cstdint>

#include "kernels/cpu/matmul.h"

namespace podium::avx2 {

// SIMD dequantization for F16, BF16, Q8_0, Q4_0 (exactly the reference's values);
// other types go through the reference.
void dequantize_row(TensorType type, const std::uint8_t* src, float* dst, std::size_t n);

float dot(const float* a, const float* b, std::size_t n);

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool);

}  // namespace podium::avx2
