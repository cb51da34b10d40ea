#pragma once
// 8-lane AVX2 + FMA + F16C vector operations for the generic kernels in
// matmul_simd.h. Include only from files compiled with -mavx2 -mfma -mf16c.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace podium {

struct Avx2 {
    using Vec = __m256;
    static constexpr int lanes = 8;
    // Register tile of the prefill kernel: accumulators for tile_rows x tile_tokens outputs.
    static constexpr int tile_rows = 4;
    static constexpr int tile_tokens = 3;

    static Vec zero() { return _mm256_setzero_ps(); }
    static Vec load(const float* p) { return _mm256_loadu_ps(p); }
    static Vec set1(float v) { return _mm256_set1_ps(v); }
    static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
    static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
    static float reduce(Vec v) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        return _mm_cvtss_f32(s);
    }
    static void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

    // `lanes` packed 16-bit floats at p.
    static Vec load_f16(const std::uint8_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static Vec load_bf16(const std::uint8_t* p) {
        const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
    }
    // Group g of a Q8_0 block's 32 int8 values (qs at block + 2), as f32, unscaled.
    static Vec q8_group(const std::uint8_t* block, int g) {
        const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * g));
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
    }
    // Group g of a Q4_0 block's 32 values (q - 8), unscaled. Values 0..15 are the low
    // nibbles of qs[0..15], values 16..31 the high nibbles.
    static Vec q4_group(const std::uint8_t* block, int g) {
        __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * (g % 2)));
        if (g >= 2) q = _mm_srli_epi16(q, 4);
        q = _mm_and_si128(q, _mm_set1_epi8(0x0F));
        return _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_cvtepu8_epi32(q), _mm256_set1_epi32(8)));
    }
    // An fp16 block scale, converted exactly (as fp16_to_f32 does).
    static float load_scale(const std::uint8_t* block) {
        std::uint16_t h;
        std::memcpy(&h, block, 2);
        return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
    }
};

}  // namespace podium
