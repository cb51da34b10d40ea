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

RopeAngles::RopeAngles(std::span<const std::size_t> positions, std::size_t n_rot, float freq_base)
    : half_(n_rot / 2), cos_(positions.size() * half_), sin_(positions.size() * half_) {
    // As HF: inv_freq in f32, angle = pos * inv_freq in f32, then cos/sin.
    std::vector<float> inv_freq(half_);
    for (std::size_t i = 0; i < half_; ++i)
        inv_freq[i] = 1.0f / std::pow(freq_base, static_cast<float>(2 * i) / static_cast<float>(n_rot));
    for (std::size_t r = 0; r < positions.size(); ++r)
        for (std::size_t i = 0; i < half_; ++i) {
            const float angle = static_cast<float>(positions[r]) * inv_freq[i];
            cos_[r * half_ + i] = std::cos(angle);
            sin_[r * half_ + i] = std::sin(angle);
        }
}

void rope(float* x, std::size_t n_heads, std::size_t head_dim, const RopeAngles& angles, std::size_t row,
          bool half_split) {
    const std::size_t half = angles.half();
    const float* cs = angles.cos(row);
    const float* sn = angles.sin(row);
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

int argmax(const float* values, std::size_t n) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < n; ++i)
        if (values[i] > values[best]) best = i;
    return static_cast<int>(best);
}

TokenLogprob token_logprob(const float* logits, std::size_t n_vocab, int token) {
    const int best = argmax(logits, n_vocab);
    const double max_logit = logits[best];
    double sum = 0.0;
    if (active_simd_level() != SimdLevel::Portable) {
        sum = avx2::sum_exp_shifted(logits, n_vocab, logits[best]);
    } else {
        for (std::size_t i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max_logit);
    }
    const double lse = max_logit + std::log(sum);
    return {static_cast<double>(logits[token]) - lse, best == token, best};
}

}  // namespace podium
