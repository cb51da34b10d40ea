#pragma once
// The SIMD matrix product, written once over a vector-traits type S (simd_avx2.h,
// simd_avx512.h) and instantiated in one file per instruction set.
//
// Every output is sum_k w*x accumulated in S::lanes lanes with FMA in k order, the
// lanes reduced by S::reduce, then the k % lanes tail added in scalar. The prefill
// tile (dequantized rows x several tokens) and the decode path (packed rows x one
// token) do exactly this, so a result never depends on how many tokens share a call.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cpu/dequantize.h"
#include "kernels/cpu/matmul.h"

namespace podium::simd {

// Row dequantizer used to fill the prefill tile (exactly the reference's values).
using DequantizeRow = void (*)(TensorType, const std::uint8_t*, float*, std::size_t);

inline float tail_dot(const float* a, const float* b, std::size_t k0, std::size_t n) {
    float t = 0.0f;
    for (std::size_t k = k0; k < n; ++k) t += a[k] * b[k];
    return t;
}

// Tokens whose activations stay in L2 while all weight rows stream past: 32 tiles
// (192 tokens x 768 floats = 576 KiB with AVX-512). Larger chunks re-read the weights
// fewer times.
template <class S>
constexpr std::size_t token_chunk = 32 * S::tile_tokens;

// y[t * y_stride + r] for NR dequantized weight rows and NT token rows (both stride n).
template <class S, int NR, int NT>
inline void tile(const float* w, const float* x, std::size_t n, float* y, std::size_t y_stride) {
    typename S::Vec acc[NR][NT];
    for (int r = 0; r < NR; ++r)
        for (int t = 0; t < NT; ++t) acc[r][t] = S::zero();
    const std::size_t nv = n - n % S::lanes;
    for (std::size_t k = 0; k < nv; k += S::lanes) {
        typename S::Vec xv[NT];
        for (int t = 0; t < NT; ++t) xv[t] = S::load(x + t * n + k);
        for (int r = 0; r < NR; ++r) {
            const typename S::Vec wv = S::load(w + r * n + k);
            for (int t = 0; t < NT; ++t) acc[r][t] = S::fma(wv, xv[t], acc[r][t]);
        }
    }
    for (int r = 0; r < NR; ++r)
        for (int t = 0; t < NT; ++t) y[t * y_stride + r] = S::reduce(acc[r][t]) + tail_dot(w + r * n, x + t * n, nv, n);
}

// The last tile of a chunk, with fewer tokens (1 .. tile_tokens - 1) than a full one.
template <class S, int NR, int NT = S::tile_tokens - 1>
inline void partial_tile(const float* w, const float* x, std::size_t n, std::size_t n_tokens, float* y,
                         std::size_t y_stride) {
    if constexpr (NT >= 1) {
        if (n_tokens == NT) return tile<S, NR, NT>(w, x, n, y, y_stride);
        partial_tile<S, NR, NT - 1>(w, x, n, n_tokens, y, y_stride);
    }
}

template <class S, int NR>
void rows_times_tokens(const float* w, const float* x, std::size_t n, std::size_t n_tokens, float* y,
                       std::size_t y_stride) {
    constexpr std::size_t nt = S::tile_tokens;
    std::size_t t = 0;
    for (; t + nt <= n_tokens; t += nt) tile<S, NR, nt>(w, x + t * n, n, y + t * y_stride, y_stride);
    if (t < n_tokens) partial_tile<S, NR>(w, x + t * n, n, n_tokens - t, y + t * y_stride, y_stride);
}

// Rows [r0, r0 + NR) times one token, reading packed weights directly. Same arithmetic
// as dequantizing then tile<S, NR, 1>: dequantized values are exact (q * d, or the
// widened 16-bit float), and the FMA order along k is the same.
template <class S, TensorType T, int NR>
inline void fused_rows(const WeightMatrix& w, std::size_t r0, const float* x, float* y) {
    using Vec = typename S::Vec;
    const std::size_t n = w.n_in, nv = n - n % S::lanes;
    Vec acc[NR];
    const std::uint8_t* rows[NR];
    for (int r = 0; r < NR; ++r) {
        acc[r] = S::zero();
        rows[r] = w.row(r0 + r);
    }
    if constexpr (T == TensorType::Q8_0 || T == TensorType::Q4_0) {
        constexpr std::size_t bytes = T == TensorType::Q8_0 ? 34 : 18;
        constexpr int groups = 32 / S::lanes;
        for (std::size_t b = 0; b < n / 32; ++b) {
            Vec d[NR];
            for (int r = 0; r < NR; ++r) {
                // Interleaved row streams outrun the hardware prefetcher; help it.
                S::prefetch(rows[r] + b * bytes + 1024);
                d[r] = S::set1(S::load_scale(rows[r] + b * bytes));
            }
            for (int g = 0; g < groups; ++g) {
                const Vec xv = S::load(x + 32 * b + S::lanes * g);
                for (int r = 0; r < NR; ++r) {
                    const std::uint8_t* block = rows[r] + b * bytes;
                    const Vec q = T == TensorType::Q8_0 ? S::q8_group(block, g) : S::q4_group(block, g);
                    acc[r] = S::fma(S::mul(q, d[r]), xv, acc[r]);
                }
            }
        }
    } else {
        for (std::size_t k = 0; k < nv; k += S::lanes) {
            const Vec xv = S::load(x + k);
            if (k % 32 == 0)  // once per 64-byte line of 16-bit weights
                for (int r = 0; r < NR; ++r) S::prefetch(rows[r] + 2 * k + 1024);
            for (int r = 0; r < NR; ++r)
                acc[r] = S::fma(T == TensorType::F16 ? S::load_f16(rows[r] + 2 * k) : S::load_bf16(rows[r] + 2 * k),
                                xv, acc[r]);
        }
    }
    for (int r = 0; r < NR; ++r) {
        float tail = 0.0f;
        if (nv < n) {  // only 16-bit float rows can have a tail (block types hold whole blocks)
            float w_tail[S::lanes];
            dequantize_row_reference(T, rows[r] + 2 * nv, w_tail, n - nv);
            tail = tail_dot(w_tail, x + nv, 0, n - nv);
        }
        y[r] = S::reduce(acc[r]) + tail;
    }
}

template <class S, TensorType T>
void fused_matmul(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                  std::size_t n_tokens, float* y, ThreadPool& pool) {
    constexpr std::size_t block_rows = S::tile_rows;
    const std::size_t n_rows = row_end - row_begin;
    const std::size_t n_blocks = (n_rows + block_rows - 1) / block_rows;
    pool.parallel_for(n_blocks, [&](std::size_t block_begin, std::size_t block_end) {
        for (std::size_t t = 0; t < n_tokens; ++t) {
            const float* xt = x + t * w.n_in;
            float* yt = y + t * n_rows;
            for (std::size_t b = block_begin; b < block_end; ++b) {
                const std::size_t r0 = b * block_rows, nr = std::min(block_rows, n_rows - r0);
                if (nr == block_rows) {
                    fused_rows<S, T, S::tile_rows>(w, row_begin + r0, xt, yt + r0);
                } else {
                    for (std::size_t r = 0; r < nr; ++r) fused_rows<S, T, 1>(w, row_begin + r0 + r, xt, yt + r0 + r);
                }
            }
        }
    }, 1);
}

template <class S>
void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool, DequantizeRow dequantize_row) {
    // Fewer tokens than a tile (decoding): read the packed weights directly.
    if (n_tokens < static_cast<std::size_t>(S::tile_tokens)) {
        switch (w.type) {
            case TensorType::F16: return fused_matmul<S, TensorType::F16>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::BF16: return fused_matmul<S, TensorType::BF16>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::Q8_0: return fused_matmul<S, TensorType::Q8_0>(w, row_begin, row_end, x, n_tokens, y, pool);
            case TensorType::Q4_0: return fused_matmul<S, TensorType::Q4_0>(w, row_begin, row_end, x, n_tokens, y, pool);
            default: break;
        }
    }
    constexpr std::size_t block_rows = S::tile_rows;
    const std::size_t n = w.n_in, n_rows = row_end - row_begin;
    const std::size_t n_blocks = (n_rows + block_rows - 1) / block_rows;
    pool.parallel_for(n_blocks, [&](std::size_t block_begin, std::size_t block_end) {
        std::vector<float> rows(block_rows * n);
        const bool in_place = w.f32_in_place();
        for (std::size_t t0 = 0; t0 < n_tokens; t0 += token_chunk<S>) {
            const std::size_t nt = std::min(token_chunk<S>, n_tokens - t0);
            for (std::size_t b = block_begin; b < block_end; ++b) {
                const std::size_t r0 = b * block_rows, nr = std::min(block_rows, n_rows - r0);
                const float* wp = rows.data();
                if (in_place) {
                    wp = reinterpret_cast<const float*>(w.row(row_begin + r0));
                } else {
                    for (std::size_t r = 0; r < nr; ++r)
                        dequantize_row(w.type, w.row(row_begin + r0 + r), rows.data() + r * n, n);
                }
                float* yp = y + t0 * n_rows + r0;
                const float* xp = x + t0 * n;
                if (nr == block_rows) {
                    rows_times_tokens<S, S::tile_rows>(wp, xp, n, nt, yp, n_rows);
                } else {
                    for (std::size_t r = 0; r < nr; ++r) rows_times_tokens<S, 1>(wp + r * n, xp, n, nt, yp + r, n_rows);
                }
            }
        }
    }, 1);
}

}  // namespace podium::simd
