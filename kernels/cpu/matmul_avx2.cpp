#include "kernels/cpu/matmul_avx2.h"

#include <cstring>

#include "kernels/cpu/dequantize.h"
#include "kernels/cpu/matmul_simd.h"
#include "kernels/cpu/simd_avx2.h"

namespace podium::avx2 {

void dequantize_row(TensorType type, const std::uint8_t* src, float* dst, std::size_t n) {
    using S = Avx2;
    switch (type) {
        case TensorType::F32: std::memcpy(dst, src, n * sizeof(float)); return;
        case TensorType::F16:
        case TensorType::BF16: {
            const std::size_t nv = n - n % S::lanes;
            for (std::size_t i = 0; i < nv; i += S::lanes)
                _mm256_storeu_ps(dst + i, type == TensorType::F16 ? S::load_f16(src + 2 * i) : S::load_bf16(src + 2 * i));
            if (nv < n) dequantize_row_reference(type, src + 2 * nv, dst + nv, n - nv);
            return;
        }
        case TensorType::Q8_0:
        case TensorType::Q4_0: {
            const std::size_t bytes = type == TensorType::Q8_0 ? 34 : 18;
            for (std::size_t b = 0; b < n / 32; ++b, src += bytes, dst += 32) {
                const S::Vec d = S::set1(S::load_scale(src));
                for (int g = 0; g < 4; ++g)
                    _mm256_storeu_ps(dst + 8 * g,
                                     S::mul(type == TensorType::Q8_0 ? S::q8_group(src, g) : S::q4_group(src, g), d));
            }
            return;
        }
        default: return dequantize_row_reference(type, src, dst, n);
    }
}

float dot(const float* a, const float* b, std::size_t n) {
    float out;
    simd::tile<Avx2, 1, 1>(a, b, n, &out, 1);
    return out;
}

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool) {
    simd::matmul_rows<Avx2>(w, row_begin, row_end, x, n_tokens, y, pool, &dequantize_row);
}

}  // namespace podium::avx2
