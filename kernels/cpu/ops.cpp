#include "kernels/cpu/ops.h"

#include <cmath>
#include <vector>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/matmul.h"

namespace podium {

void rms_norm(const float* x, const float* w, std::size_t n, float eps, float* out) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += x[i] * x[i];
    const float scale = 1.0f / std::sqrt(sum / static_cast<float>(n) + eps);
    for (std::size_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * w[i];
}

void layer_norm(const float* x, const float* w, const float* b, std::size_t n, float eps, float* out) {
    float mean = 0.0f;
    for (std::size_t i = 0; i < n; ++i) mean += x[i];
    mean /= static_cast<float>(n);
    float var = 0.0f;
    for (std::size_t i = 0; i < n; ++i) var += (x[i] - mean) * (x[i] - mean);
    var /= static_cast<float>(n);
    const float scale = 1.0f / std::sqrt(var + eps);
    for (std::size_t i = 0; i < n; ++i) out[i] = ((x[i] - mean) * scale) * w[i] + b[i];
}

void rope(float* x, std::size_t n_heads, std::size_t head_dim, std::size_t n_rot, std::size_t pos, float freq_base,
          bool half_split) {
    const std::size_t half = n_rot / 2;
    // As HF: inv_freq in f32, angle = pos * inv_freq in f32, then cos/sin.
    float cos_buf[512], sin_buf[512];
    std::vector<float> heap_cos, heap_sin;
    float* cs = cos_buf;
    float* sn = sin_buf;
    if (half > 512) {
        heap_cos.resize(half);
        heap_sin.resize(half);
        cs = heap_cos.data();
        sn = heap_sin.data();
    }
    for (std::size_t i = 0; i < half; ++i) {
        const float inv_freq =
            1.0f / std::pow(freq_base, static_cast<float>(2 * i) / static_cast<float>(n_rot));
        const float angle = static_cast<float>(pos) * inv_freq;
        cs[i] = std::cos(angle);
        sn[i] = std::sin(angle);
    }
    for (std::size_t h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (std::size_t i = 0; i < half; ++i) {
            const std::size_t a = half_split ? i : 2 * i;
            const std::size_t b = half_split ? i + half : 2 * i + 1;
            const float x0 = v[a], x1 = v[b];
            v[a] = x0 * cs[i] - x1 * sn[i];
            v[b] = x1 * cs[i] + x0 * sn[i];
        }
    }
}

void silu_mul(float* gate, const float* up, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = (g / (1.0f + std::exp(-g))) * up[i];
    }
}

void gelu_erf(float* x, std::size_t n) {
    constexpr float kInvSqrt2 = 0.70710678118654752440f;
    for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}

void add_in_place(float* x, const float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] += y[i];
}

namespace avx2 {
double sum_exp_shifted(const float* x, std::size_t n, float shift);
void attend(const float* q, std::span<const KvRange> ranges, std::size_t stride, std::size_t head_dim, float* scores,
            float* out);
}

void attend(const float* q, std::span<const KvRange> ranges, std::size_t stride, std::size_t head_dim, float* scores,
            float* out) {
    if (active_simd_level() != SimdLevel::Portable) return avx2::attend(q, ranges, stride, head_dim, scores, out);
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    std::size_t n_keys = 0;
    float max_score = -INFINITY;
    for (const KvRange& range : ranges)
        for (std::size_t k = 0; k < range.n; ++k, ++n_keys) {
            scores[n_keys] = dot_f32(q, range.keys + k * stride, head_dim) * scale;
            if (scores[n_keys] > max_score) max_score = scores[n_keys];
        }
    float sum = 0.0f;
    for (std::size_t k = 0; k < n_keys; ++k) {
        scores[k] = std::exp(scores[k] - max_score);
        sum += scores[k];
    }
    const float inv = 1.0f / sum;
    for (std::size_t d = 0; d < head_dim; ++d) out[d] = 0.0f;
    const float* p_next = scores;
    for (const KvRange& range : ranges)
        for (std::size_t k = 0; k < range.n; ++k) {
            const float p = *p_next++ * inv;
            const float* v = range.values + k * stride;
            for (std::size_t d = 0; d < head_dim; ++d) out[d] += p * v[d];
        }
}

TokenLogprob token_logprob(const float* logits, std::size_t n_vocab, int token) {
    int argmax = 0;
    for (std::size_t i = 1; i < n_vocab; ++i)
        if (logits[i] > logits[argmax]) argmax = static_cast<int>(i);
    const double max_logit = logits[argmax];
    double sum = 0.0;
    if (active_simd_level() != SimdLevel::Portable) {
        sum = avx2::sum_exp_shifted(logits, n_vocab, logits[argmax]);
    } else {
        for (std::size_t i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max_logit);
    }
    const double lse = max_logit + std::log(sum);
    return {static_cast<double>(logits[token]) - lse, argmax == token, argmax};
}

}  // namespace podium
