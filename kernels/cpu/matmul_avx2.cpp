#include "kernels/cpu/matmul_avx2.h"

#include <cstring>

#include "kernels/cpu/dequantize.h"
#include "kernels/cpu/matmul_simd.h"
#include "kernels/cpu/simd_avx2.h"

namespace podium::avx2 {

namespace {

// 8 bytes at p widened to 32-bit lanes.
inline __m256i widen8(const std::uint8_t* p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// As the reference: y = (d * sc) * q - (dmin * m), a multiply then a subtract.
void dequantize_q4_k(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    const __m256i low = _mm256_set1_epi32(0xF);
    for (std::size_t b = 0; b < n_blocks; ++b, src += 144) {
        const float d = Avx2::load_scale(src), dmin = Avx2::load_scale(src + 2);
        const std::uint8_t* s = src + 4;
        const std::uint8_t* qs = src + 16;
        for (int c = 0; c < 4; ++c, qs += 32, dst += 64) {
            for (int half = 0; half < 2; ++half) {
                const int j = 2 * c + half;  // sub-block: 6-bit scale and min packed in 12 bytes
                const int sc = j < 4 ? (s[j] & 63) : ((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
                const int m = j < 4 ? (s[j + 4] & 63) : ((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
                const __m256 dv = _mm256_set1_ps(d * static_cast<float>(sc));
                const __m256 mv = _mm256_set1_ps(dmin * static_cast<float>(m));
                for (int l = 0; l < 32; l += 8) {
                    __m256i q = widen8(qs + l);
                    q = half ? _mm256_srli_epi32(q, 4) : _mm256_and_si256(q, low);
                    _mm256_storeu_ps(dst + 32 * half + l, _mm256_sub_ps(_mm256_mul_ps(dv, _mm256_cvtepi32_ps(q)), mv));
                }
            }
        }
    }
}

// As the reference: y = (d * sc) * (q - 32) with 6-bit q from 4 low bits in ql and 2 in qh.
void dequantize_q6_k(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    const __m256i low = _mm256_set1_epi32(0xF), two = _mm256_set1_epi32(3), bias = _mm256_set1_epi32(32);
    for (std::size_t b = 0; b < n_blocks; ++b, src += 210) {
        const std::uint8_t* ql = src;
        const std::uint8_t* qh = src + 128;
        const auto* sc = reinterpret_cast<const std::int8_t*>(src + 192);
        const float d = Avx2::load_scale(src + 208);
        for (int part = 0; part < 2; ++part, ql += 64, qh += 32, sc += 8, dst += 128) {
            for (int l = 0; l < 32; l += 8) {
                const int is = l / 16;
                const __m256i a = widen8(ql + l), c = widen8(ql + l + 32), h = widen8(qh + l);
                const __m256i q[4] = {
                    _mm256_or_si256(_mm256_and_si256(a, low), _mm256_slli_epi32(_mm256_and_si256(h, two), 4)),
                    _mm256_or_si256(_mm256_and_si256(c, low),
                                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2), two), 4)),
                    _mm256_or_si256(_mm256_srli_epi32(a, 4),
                                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 4), two), 4)),
                    _mm256_or_si256(_mm256_srli_epi32(c, 4),
                                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 6), two), 4)),
                };
                for (int k = 0; k < 4; ++k) {
                    const __m256 s = _mm256_set1_ps(d * static_cast<float>(sc[is + 2 * k]));
                    const __m256 v = _mm256_cvtepi32_ps(_mm256_sub_epi32(q[k], bias));
                    _mm256_storeu_ps(dst + 32 * k + l, _mm256_mul_ps(s, v));
                }
            }
        }
    }
}

}  // namespace

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
        case TensorType::Q4_K: return dequantize_q4_k(src, dst, n / 256);
        case TensorType::Q6_K: return dequantize_q6_k(src, dst, n / 256);
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
