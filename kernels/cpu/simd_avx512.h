#pragma once
// 16-lane AVX-512 vector operations for the generic kernels in matmul_simd.h.
// Include only from files compiled with -mavx512f -mavx512bw (plus AVX2/F16C).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace podium {

struct Avx512 {
    using Vec = __m512;
    static constexpr int lanes = 16;
    // Register tile of the prefill kernel: accumulators for tile_rows x tile_tokens outputs.
    static constexpr int tile_rows = 4;
    static constexpr int tile_tokens = 6;

    static Vec zero() { return _mm512_setzero_ps(); }
    static Vec load(const float* p) { return _mm512_loadu_ps(p); }
    static Vec set1(float v) { return _mm512_set1_ps(v); }
    static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
    static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
    // A fixed tree: 16 -> 8 -> 4 -> 2 -> 1 (never a library reduction whose order could change).
    static float reduce(Vec v) {
        const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v),
                                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        return _mm_cvtss_f32(s);
    }
    static void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

    static Vec load_f16(const std::uint8_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static Vec load_bf16(const std::uint8_t* p) {
        const __m512i v = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        return _mm512_castsi512_ps(_mm512_slli_epi32(v, 16));
    }
    static Vec q8_group(const std::uint8_t* block, int g) {
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2 + 16 * g));
        return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q));
    }
    // g = 0: values 0..15 (low nibbles of qs[0..15]); g = 1: values 16..31 (high nibbles).
    static Vec q4_group(const std::uint8_t* block, int g) {
        __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2));
        if (g == 1) q = _mm_srli_epi16(q, 4);
        q = _mm_and_si128(q, _mm_set1_epi8(0x0F));
        return _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(q), _mm512_set1_epi32(8)));
    }
    static float load_scale(const std::uint8_t* block) {
        std::uint16_t h;
        std::memcpy(&h, block, 2);
        return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
    }
};

}  // namespace podium
