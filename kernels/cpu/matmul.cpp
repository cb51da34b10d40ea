#include "kernels/cpu/matmul.h"

#include <vector>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/dequantize.h"
#include "kernels/cpu/matmul_avx2.h"

namespace podium {

namespace {

float portable_dot(const float* a, const float* b, std::size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) acc[k] += a[i + k] * b[i + k];
    float tail = 0.0f;
    for (; i < n; ++i) tail += a[i] * b[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

}  // namespace

float dot_f32(const float* a, const float* b, std::size_t n) {
    if (active_simd_level() != SimdLevel::Portable) return avx2::dot(a, b, n);
    return portable_dot(a, b, n);
}

void matmul_rows_at(SimdLevel level, const WeightMatrix& w, std::size_t row_begin, std::size_t row_end,
                    const float* x, std::size_t n_tokens, float* y, ThreadPool& pool) {
    if (level == SimdLevel::Avx512) return avx512::matmul_rows(w, row_begin, row_end, x, n_tokens, y, pool);
    if (level == SimdLevel::Avx2) return avx2::matmul_rows(w, row_begin, row_end, x, n_tokens, y, pool);
    const std::size_t n_rows = row_end - row_begin;
    pool.parallel_for(
        n_rows,
        [&](std::size_t begin, std::size_t end) {
            std::vector<float> row_f32(w.f32_in_place() ? 0 : w.n_in);
            for (std::size_t r = begin; r < end; ++r) {
                const std::size_t j = row_begin + r;
                const float* row;
                if (w.f32_in_place()) {
                    row = reinterpret_cast<const float*>(w.row(j));
                } else {
                    dequantize_row_reference(w.type, w.row(j), row_f32.data(), w.n_in);
                    row = row_f32.data();
                }
                for (std::size_t t = 0; t < n_tokens; ++t) y[t * n_rows + r] = portable_dot(row, x + t * w.n_in, w.n_in);
            }
        },
        16);
}

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool) {
    matmul_rows_at(active_simd_level(), w, row_begin, row_end, x, n_tokens, y, pool);
}

void matmul(const WeightMatrix& w, const float* x, std::size_t n_tokens, float* y, ThreadPool& pool) {
    matmul_rows(w, 0, w.n_out, x, n_tokens, y, pool);
}

}  // namespace podium
