#pragma once
// Element-wise and per-row operations of the transformer blocks, in f32.
// Each follows the Hugging Face implementation's arithmetic (lm-eval's numbers
// are defined by it): statistics in f32, weight applied after normalizing.
#include <cstddef>
#include <span>
#include <vector>

namespace podium {

// out = x / sqrt(mean(x^2) + eps) * w          (Llama RMSNorm)
void rms_norm(const float* x, const float* w, std::size_t n, float eps, float* out);
// out = (x - mean) / sqrt(var + eps) * w + b    (Falcon LayerNorm, biased variance)
void layer_norm(const float* x, const float* w, const float* b, std::size_t n, float eps, float* out);

// cos and sin of the RoPE angles of each row's position (n_rot / 2 per row),
// computed once per forward pass and shared by q and k of every layer.
class RopeAngles {
public:
    RopeAngles(std::span<const std::size_t> positions, std::size_t n_rot, float freq_base);
    std::size_t half() const { return half_; }
    const float* cos(std::size_t row) const { return cos_.data() + row * half_; }
    const float* sin(std::size_t row) const { return sin_.data() + row * half_; }

private:
    std::size_t half_;
    std::vector<float> cos_, sin_;
};

// Rotates the first n_rot dims of each of n_heads vectors of head_dim by row `row`'s angles.
// half_split: pairs (i, i + n_rot/2) (HF rotate_half, NEOX); else adjacent pairs (2i, 2i+1).
void rope(float* x, std::size_t n_heads, std::size_t head_dim, const RopeAngles& angles, std::size_t row,
          bool half_split);

// gate[i] = silu(gate[i]) * up[i]               (SwiGLU)
void silu_mul(float* gate, const float* up, std::size_t n);
// x[i] = 0.5 x (1 + erf(x / sqrt 2))            (exact GELU, HF "gelu")
void gelu_erf(float* x, std::size_t n);

// x[i] += y[i]
void add_in_place(float* x, const float* y, std::size_t n);

// Consecutive cached keys and values (rows `stride` floats apart), e.g. a shared
// prefix in one cache and a sequence's own tokens in another.
struct KvRange {
    const float* keys;
    const float* values;
    std::size_t n;
};

// Attention of one query head over the keys of `ranges`, in order:
// out = softmax(q.k / sqrt(head_dim)) . v. `scores` holds as many floats as keys.
// Splitting the same keys into ranges differently gives bit-identical results.
void attend(const float* q, std::span<const KvRange> ranges, std::size_t stride, std::size_t head_dim, float* scores,
            float* out);

// Index of the largest value; the first among ties, as torch.argmax gives it.
int argmax(const float* values, std::size_t n);

// log-softmax of `logits` evaluated at `token`, plus whether `token` is the argmax
// (first index among ties, as torch.argmax does).
struct TokenLogprob {
    double logprob;
    bool is_argmax;
    int argmax;
};
TokenLogprob token_logprob(const float* logits, std::size_t n_vocab, int token);

}  // namespace podium
