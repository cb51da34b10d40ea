#include "kernels/cpu/matmul_avx2.h"

#include <immintrin.h>

#include <cstring>
#include <vector>

#include "kernels/cpu/dequantize.h"
#include "kernels/half.h"

namespace podium::avx2 {

namespace {

constexpr std::size_t kRowBlock = 4;     // weight rows dequantized together
constexpr std::size_t kTokenTile = 3;    // tokens per register tile (4 x 3 accumulators)
constexpr std::size_t kTokenChunk = 64;  // tokens whose activations stay in L2 per pass

// The block scale, converted with F16C (exact, like fp16_to_f32, but one instruction).
inline float load_scale(const std::uint8_t* block) {
    std::uint16_t h;
    std::memcpy(&h, block, 2);
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}

inline float reduce(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

inline float tail_dot(const float* a, const float* b, std::size_t k0, std::size_t n) {
    float t = 0.0f;
    for (std::size_t k = k0; k < n; ++k) t += a[k] * b[k];
    return t;
}

// out[r][t] for NR weight rows (stride n) and NT token rows (stride n).
template <int NR, int NT>
inline void tile(const float* w, const float* x, std::size_t n, float* y, std::size_t y_stride) {
    __m256 acc[NR][NT];
    for (int r = 0; r < NR; ++r)
        for (int t = 0; t < NT; ++t) acc[r][t] = _mm256_setzero_ps();
    const std::size_t n8 = n & ~std::size_t{7};
    for (std::size_t k = 0; k < n8; k += 8) {
        __m256 xv[NT];
        for (int t = 0; t < NT; ++t) xv[t] = _mm256_loadu_ps(x + t * n + k);
        for (int r = 0; r < NR; ++r) {
            const __m256 wv = _mm256_loadu_ps(w + r * n + k);
            for (int t = 0; t < NT; ++t) acc[r][t] = _mm256_fmadd_ps(wv, xv[t], acc[r][t]);
        }
    }
    for (int r = 0; r < NR; ++r)
        for (int t = 0; t < NT; ++t) y[t * y_stride + r] = reduce(acc[r][t]) + tail_dot(w + r * n, x + t * n, n8, n);
}

template <int NR>
void rows_times_tokens(const float* w, const float* x, std::size_t n, std::size_t n_tokens, float* y,
                       std::size_t y_stride) {
    std::size_t t = 0;
    for (; t + kTokenTile <= n_tokens; t += kTokenTile)
        tile<NR, kTokenTile>(w, x + t * n, n, y + t * y_stride, y_stride);
    for (; t < n_tokens; ++t) tile<NR, 1>(w, x + t * n, n, y + t * y_stride, y_stride);
}

void dequantize_q8_0(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += 34, dst += 32) {
        const __m256 d = _mm256_set1_ps(load_scale(src));
        for (int g = 0; g < 4; ++g) {
            const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + 2 + 8 * g));
            _mm256_storeu_ps(dst + 8 * g, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
        }
    }
}

void dequantize_q4_0(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    const __m128i low_mask = _mm_set1_epi8(0x0F);
    const __m256i eight = _mm256_set1_epi32(8);
    for (std::size_t b = 0; b < n_blocks; ++b, src += 18, dst += 32) {
        const __m256 d = _mm256_set1_ps(load_scale(src));
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2));
        const __m128i lo = _mm_and_si128(packed, low_mask);                     // values 0..15
        const __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), low_mask);  // values 16..31
        const __m128i halves[2] = {lo, hi};
        for (int part = 0; part < 2; ++part) {
            const __m128i q = halves[part];
            const __m256i a = _mm256_sub_epi32(_mm256_cvtepu8_epi32(q), eight);
            const __m256i c = _mm256_sub_epi32(_mm256_cvtepu8_epi32(_mm_srli_si128(q, 8)), eight);
            _mm256_storeu_ps(dst + 16 * part, _mm256_mul_ps(_mm256_cvtepi32_ps(a), d));
            _mm256_storeu_ps(dst + 16 * part + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(c), d));
        }
    }
}

// Eight weights of a row as f32, exactly as dequantize_row would give them.
template <TensorType T>
inline __m256 load8(const std::uint8_t* row, std::size_t k);

template <>
inline __m256 load8<TensorType::F16>(const std::uint8_t* row, std::size_t k) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k)));
}

template <>
inline __m256 load8<TensorType::BF16>(const std::uint8_t* row, std::size_t k) {
    const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

// The 8-value group g (0..3) of a 32-value block, unscaled, as f32.
template <TensorType T>
inline __m256 block_group(const std::uint8_t* block, int g);

template <>
inline __m256 block_group<TensorType::Q8_0>(const std::uint8_t* block, int g) {
    const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * g));
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
}

template <>
inline __m256 block_group<TensorType::Q4_0>(const std::uint8_t* block, int g) {
    __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * (g % 2)));
    if (g >= 2) q = _mm_srli_epi16(q, 4);  // values 16..31 are the high nibbles
    q = _mm_and_si128(q, _mm_set1_epi8(0x0F));
    return _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_cvtepu8_epi32(q), _mm256_set1_epi32(8)));
}

constexpr std::size_t block_bytes_of(TensorType t) { return t == TensorType::Q8_0 ? 34 : 18; }

// Rows [r0, r0 + NR) times one token, reading packed weights directly. Same
// arithmetic as dequantize_row followed by tile<NR, 1>: the dequantized values are
// exact (q * d), and the FMA order along k is the same.
template <TensorType T, int NR>
inline void fused_rows(const WeightMatrix& w, std::size_t r0, const float* x, float* y, std::size_t y_stride) {
    const std::size_t n = w.n_in, n8 = n & ~std::size_t{7};
    __m256 acc[NR];
    const std::uint8_t* rows[NR];
    for (int r = 0; r < NR; ++r) {
        acc[r] = _mm256_setzero_ps();
        rows[r] = w.row(r0 + r);
    }
    if constexpr (T == TensorType::Q8_0 || T == TensorType::Q4_0) {
        constexpr std::size_t bytes = block_bytes_of(T);
        for (std::size_t b = 0; b < n / 32; ++b) {
            __m256 d[NR];
            for (int r = 0; r < NR; ++r) {
                // Four interleaved row streams defeat the hardware prefetcher's reach; help it.
                _mm_prefetch(reinterpret_cast<const char*>(rows[r] + b * bytes + 1024), _MM_HINT_T0);
                d[r] = _mm256_set1_ps(load_scale(rows[r] + b * bytes));
            }
            for (int g = 0; g < 4; ++g) {
                const __m256 xv = _mm256_loadu_ps(x + 32 * b + 8 * g);
                for (int r = 0; r < NR; ++r)
                    acc[r] = _mm256_fmadd_ps(_mm256_mul_ps(block_group<T>(rows[r] + b * bytes, g), d[r]), xv, acc[r]);
            }
        }
    } else {
        for (std::size_t k = 0; k < n8; k += 8) {
            const __m256 xv = _mm256_loadu_ps(x + k);
            if ((k & 31) == 0)  // once per 64-byte line of 2-byte weights
                for (int r = 0; r < NR; ++r)
                    _mm_prefetch(reinterpret_cast<const char*>(rows[r] + 2 * k + 1024), _MM_HINT_T0);
            for (int r = 0; r < NR; ++r) acc[r] = _mm256_fmadd_ps(load8<T>(rows[r], k), xv, acc[r]);
        }
    }
    for (int r = 0; r < NR; ++r) {
        float tail = 0.0f;
        if (n8 < n) {  // only F16/BF16 rows can have a tail (block types hold whole blocks of 32)
            float w_tail[8];
            dequantize_row_reference(T, rows[r] + 2 * n8, w_tail, n - n8);
            tail = tail_dot(w_tail, x + n8, 0, n - n8);
        }
        y[r * y_stride] = reduce(acc[r]) + tail;
    }
}

template <TensorType T>
void fused_matmul(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                  std::size_t n_tokens, float* y, ThreadPool& pool) {
    const std::size_t n_rows = row_end - row_begin;
    const std::size_t n_blocks = (n_rows + kRowBlock - 1) / kRowBlock;
    pool.parallel_for(n_blocks, [&](std::size_t block_begin, std::size_t block_end) {
        for (std::size_t t = 0; t < n_tokens; ++t) {
            const float* xt = x + t * w.n_in;
            float* yt = y + t * n_rows;
            for (std::size_t b = block_begin; b < block_end; ++b) {
                const std::size_t r0 = b * kRowBlock, nr = std::min(kRowBlock, n_rows - r0);
                if (nr == kRowBlock) {
                    fused_rows<T, kRowBlock>(w, row_begin + r0, xt, yt + r0, 1);
                } else {
                    for (std::size_t r = 0; r < nr; ++r) fused_rows<T, 1>(w, row_begin + r0 + r, xt, yt + r0 + r, 1);
                }
            }
        }
    }, 1);
}

}  // namespace

void dequantize_row(TensorType type, const std::uint8_t* src, float* dst, std::size_t n) {
    switch (type) {
        case TensorType::F32: std::memcpy(dst, src, n * sizeof(float)); return;
        case TensorType::F16: {
            std::size_t i = 0;
            for (; i + 8 <= n; i += 8)
                _mm256_storeu_ps(dst + i,
                                 _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
            for (; i < n; ++i) {
                std::uint16_t h;
                std::memcpy(&h, src + 2 * i, 2);
                dst[i] = fp16_to_f32(h);
            }
            return;
        }
        case TensorType::BF16: {
            std::size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i)));
                _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)));
            }
            for (; i < n; ++i) {
                std::uint16_t h;
                std::memcpy(&h, src + 2 * i, 2);
                dst[i] = bf16_to_f32(h);
            }
            return;
        }
        case TensorType::Q8_0: return dequantize_q8_0(src, dst, n / 32);
        case TensorType::Q4_0: return dequantize_q4_0(src, dst, n / 32);
        default: return dequantize_row_reference(type, src, dst, n);
    }
}

float dot(const float* a, const float* b, std::size_t n) {
    float out;
    tile<1, 1>(a, b, n, &out, 1);
    return out;
}

void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool) {
    // Few tokens (decoding): read the packed weights directly, no dequantized copy.
    if (n_tokens < kTokenTile) {
        switch (w.type) {
            case TensorType::F16: return fused_matmul<TensorType::F16>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::BF16: return fused_matmul<TensorType::BF16>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::Q8_0: return fused_matmul<TensorType::Q8_0>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::Q4_0: return fused_matmul<TensorType::Q4_0>(w, row_begin, row_end, x, n_tokens, y, pool);
            default: break;
        }
    }
    const std::size_t n = w.n_in, n_rows = row_end - row_begin;
    const std::size_t n_blocks = (n_rows + kRowBlock - 1) / kRowBlock;
    pool.parallel_for(n_blocks, [&](std::size_t block_begin, std::size_t block_end) {
        std::vector<float> rows(kRowBlock * n);
        const bool in_place = w.f32_in_place();
        for (std::size_t t0 = 0; t0 < n_tokens; t0 += kTokenChunk) {
            const std::size_t nt = std::min(kTokenChunk, n_tokens - t0);
            for (std::size_t b = block_begin; b < block_end; ++b) {
                const std::size_t r0 = b * kRowBlock;
                const std::size_t nr = std::min(kRowBlock, n_rows - r0);
                const float* wp = rows.data();
                if (in_place) {
                    wp = reinterpret_cast<const float*>(w.row(row_begin + r0));
                } else {
                    for (std::size_t r = 0; r < nr; ++r)
                        dequantize_row(w.type, w.row(row_begin + r0 + r), rows.data() + r * n, n);
                }
                float* yp = y + t0 * n_rows + r0;
                const float* xp = x + t0 * n;
                if (nr == kRowBlock) {
                    rows_times_tokens<kRowBlock>(wp, xp, n, nt, yp, n_rows);
                } else {
                    for (std::size_t r = 0; r < nr; ++r) rows_times_tokens<1>(wp + r * n, xp, n, nt, yp + r, n_rows);
                }
            }
        }
    }, 1);
}

}  // namespace podium::avx2
