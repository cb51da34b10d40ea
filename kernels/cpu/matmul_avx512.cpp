#include "kernels/cpu/matmul_avx2.h"
#include "kernels/cpu/matmul_simd.h"
#include "kernels/cpu/simd_avx512.h"

namespace podium::avx512 {

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool) {
    // The prefill tile is filled by the AVX2 dequantizer: its values are exact either way.
    simd::matmul_rows<Avx512>(w, row_begin, row_end, x, n_tokens, y, pool, &avx2::dequantize_row);
}

}  // namespace podium::avx512
