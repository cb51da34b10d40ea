#pragma once
// The AVX2 + FMA + F16C and AVX-512 instantiations of the SIMD matrix product
// (matmul_simd.h), each compiled with its own flags and called only when the CPU
// has the instructions.
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

namespace podium::avx512 {

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool);

}  // namespace podium::avx512
