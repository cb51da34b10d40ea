// AVX2 + FMA version of attend (see ops.h), selected at run time.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

#include "kernels/cpu/ops.h"

namespace podium::avx2 {

namespace {

inline float reduce(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// e^x for x <= 0 (softmax arguments): 2^(x log2 e) split into 2^n * 2^f, with a
// degree-6 polynomial for 2^f on [-0.5, 0.5]; relative error about 2e-7.
inline __m256 exp_nonpositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
    const __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f));
    const __m256 n = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 f = _mm256_sub_ps(t, n);
    __m256 p = _mm256_set1_ps(1.535336188319500e-4f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.339887440266574e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(9.618437357674640e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.550332471162809e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.402264791363012e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(6.931472028550421e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
    const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
}

inline float dot(const float* a, const float* b, std::size_t n) {
    __m256 acc = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float tail = 0.0f;
    for (; i < n; ++i) tail += a[i] * b[i];
    return reduce(acc) + tail;
}

// out[d0, d0 + 8V) = sum over keys of (score * inv) * v[d0, d0 + 8V).
template <int V>
void weighted_values(const float* scores, float inv, std::span<const KvRange> ranges, std::size_t stride,
                     std::size_t d0, float* out) {
    __m256 acc[V];
    for (int j = 0; j < V; ++j) acc[j] = _mm256_setzero_ps();
    const float* p_next = scores;
    for (const KvRange& range : ranges)
        for (std::size_t key = 0; key < range.n; ++key) {
            const __m256 p = _mm256_set1_ps(*p_next++ * inv);
            const float* v = range.values + key * stride + d0;
            for (int j = 0; j < V; ++j) acc[j] = _mm256_fmadd_ps(p, _mm256_loadu_ps(v + 8 * j), acc[j]);
        }
    for (int j = 0; j < V; ++j) _mm256_storeu_ps(out + d0 + 8 * j, acc[j]);
}

}  // namespace

void attend(const float* q, std::span<const KvRange> ranges, std::size_t stride, std::size_t head_dim,
            float* scores, float* out) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    std::size_t n_keys = 0;
    for (const KvRange& range : ranges) {
        float* range_scores = scores + n_keys;
        const float* keys = range.keys;
        std::size_t key = 0;
        if ((head_dim & 7) == 0) {
            // Four keys at a time: four independent FMA chains instead of one. Each
            // key's dot product is still summed in the same order as dot().
            for (; key + 4 <= range.n; key += 4) {
                __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
                for (std::size_t d = 0; d < head_dim; d += 8) {
                    const __m256 qv = _mm256_loadu_ps(q + d);
                    for (int j = 0; j < 4; ++j)
                        acc[j] = _mm256_fmadd_ps(qv, _mm256_loadu_ps(keys + (key + j) * stride + d), acc[j]);
                }
                for (int j = 0; j < 4; ++j) range_scores[key + j] = (reduce(acc[j]) + 0.0f) * scale;
            }
        }
        for (; key < range.n; ++key) range_scores[key] = dot(q, keys + key * stride, head_dim) * scale;
        n_keys += range.n;
    }
    float max_score = -INFINITY;
    for (std::size_t k = 0; k < n_keys; ++k) max_score = scores[k] > max_score ? scores[k] : max_score;
    const __m256 vmax = _mm256_set1_ps(max_score);
    __m256 vsum = _mm256_setzero_ps();
    std::size_t k = 0;
    for (; k + 8 <= n_keys; k += 8) {
        const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + k), vmax));
        _mm256_storeu_ps(scores + k, e);
        vsum = _mm256_add_ps(vsum, e);
    }
    float sum = reduce(vsum);
    for (; k < n_keys; ++k) {
        scores[k] = std::exp(scores[k] - max_score);
        sum += scores[k];
    }
    const float inv = 1.0f / sum;
    if ((head_dim & 7) == 0) {
        // Up to 64 dims at a time so the accumulators stay in registers; each output
        // still sums p * v over the keys in order.
        for (std::size_t d0 = 0; d0 < head_dim; d0 += 64) {
            switch (std::min<std::size_t>(8, (head_dim - d0) / 8)) {
                case 8: weighted_values<8>(scores, inv, ranges, stride, d0, out); break;
                case 7: weighted_values<7>(scores, inv, ranges, stride, d0, out); break;
                case 6: weighted_values<6>(scores, inv, ranges, stride, d0, out); break;
                case 5: weighted_values<5>(scores, inv, ranges, stride, d0, out); break;
                case 4: weighted_values<4>(scores, inv, ranges, stride, d0, out); break;
                case 3: weighted_values<3>(scores, inv, ranges, stride, d0, out); break;
                case 2: weighted_values<2>(scores, inv, ranges, stride, d0, out); break;
                default: weighted_values<1>(scores, inv, ranges, stride, d0, out); break;
            }
        }
        return;
    }
    for (std::size_t d = 0; d < head_dim; ++d) out[d] = 0.0f;
    const float* p_next = scores;
    for (const KvRange& range : ranges)
        for (std::size_t key = 0; key < range.n; ++key) {
            const float p = *p_next++ * inv;
            const float* v = range.values + key * stride;
            for (std::size_t d = 0; d < head_dim; ++d) out[d] += p * v[d];
        }
}

double sum_exp_shifted(const float* x, std::size_t n, float shift) {
    // exp in f32 (relative error ~2e-7 per term), accumulated in f64 so the sum over a
    // 65k-token vocabulary keeps that accuracy.
    const __m256 vshift = _mm256_set1_ps(shift);
    __m256d acc_lo = _mm256_setzero_pd(), acc_hi = _mm256_setzero_pd();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(x + i), vshift));
        acc_lo = _mm256_add_pd(acc_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        acc_hi = _mm256_add_pd(acc_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(acc_lo, acc_hi));
    double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; ++i) sum += std::exp(static_cast<double>(x[i]) - shift);
    return sum;
}

}  // namespace podium::avx2
