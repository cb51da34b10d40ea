#pragma once
// The AVX2 + FMA + F16C and AVX-512 instantiations of the SIMD matrix product
// (matmul_simd.h), each compiled with its own flags and called only when the CPU
// has the instructions.
#include <cstddef>
#include <cstdint>

#include "kernels/cpu/matmul.h"

namespace podium::avx2 {

// SIMD dequantization of every type, giving exactly the reference's values.
void dequantize_row(TensorType type, const std::uint8_t* src, float* dst, std::size_t n);

float dot(const float* a, const float* b, std::size_t n);

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool);

}  // namespace podium::avx2

namespace podium::avx512 {

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool);

}  // namespace podium::avx512
