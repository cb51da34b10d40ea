// Llama family (Llama 1/2/3 shapes, GQA): pre-RMSNorm blocks, RoPE, SwiGLU.
//   h   = x + Wo . Attn(RoPE(Wq n1), RoPE(Wk n1), Wv n1),  n1 = RMSNorm(x)
//   out = h + Wdown (SiLU(Wgate n2) * Wup n2),              n2 = RMSNorm(h)
#include <string>
#include <vector>

#include "engine/models/attention.h"
#include "engine/models/batch_layout.h"
#include "engine/models/transformer.h"
#include "engine/models/weight_loader.h"
#include "kernels/cpu/ops.h"

namespace podium {

namespace {

struct LlamaLayer {
    std::vector<float> attn_norm, ffn_norm;
    WeightMatrix wq, wk, wv, wo, gate, up, down;
};

class Llama final : public Transformer {
public:
    explicit Llama(const ModelFile& file) : Transformer(file.config) {
        const WeightLoader w(file);
        const auto& c = config_;
        const std::size_t d = c.n_embd, q_dim = c.n_head * c.head_dim(), kv = kv_dim();
        embeddings_ = w.matrix("token_embd.weight", d, c.n_vocab);
        output_norm_ = w.vector("output_norm.weight", d);
        output_ = w.has("output.weight") ? w.matrix("output.weight", d, c.n_vocab) : embeddings_;
        for (std::uint32_t l = 0; l < c.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            layers_.push_back({w.vector(p + "attn_norm.weight", d), w.vector(p + "ffn_norm.weight", d),
                               w.matrix(p + "attn_q.weight", d, q_dim), w.matrix(p + "attn_k.weight", d, kv),
                               w.matrix(p + "attn_v.weight", d, kv), w.matrix(p + "attn_output.weight", q_dim, d),
                               w.matrix(p + "ffn_gate.weight", d, c.n_ff), w.matrix(p + "ffn_up.weight", d, c.n_ff),
                               w.matrix(p + "ffn_down.weight", c.n_ff, d)});
        }
        w.check_all_used("Llama");
    }

    void forward(std::span<const ForwardSegment> segments, float* logits, ThreadPool& pool) const override {
        const BatchLayout layout(segments);
        const auto& c = config_;
        const std::size_t n = layout.size(), d = c.n_embd, hd = c.head_dim(), q_dim = c.n_head * hd;
        const std::size_t kv = kv_dim();
        const bool half_split = c.rope_pairing == RopePairing::HalfSplit;
        const AttentionShape shape{c.n_head, c.n_head_kv, hd};

        std::vector<float> x(n * d), normed(n * d), q(n * q_dim), k(n * kv), v(n * kv), attn(n * q_dim);
        std::vector<float> proj(n * d), gate(n * c.n_ff), up(n * c.n_ff);
        embed_tokens(embeddings_, layout.tokens.data(), n, x.data());
        const RopeAngles angles(layout.positions, c.n_rot, c.rope_freq_base);

        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const LlamaLayer& L = layers_[l];
            for (std::size_t t = 0; t < n; ++t)
                rms_norm(&x[t * d], L.attn_norm.data(), d, c.norm_eps, &normed[t * d]);
            matmul(L.wq, normed.data(), n, q.data(), pool);
            matmul(L.wk, normed.data(), n, k.data(), pool);
            matmul(L.wv, normed.data(), n, v.data(), pool);
            for (std::size_t t = 0; t < n; ++t) {
                rope(&q[t * q_dim], c.n_head, hd, angles, t, half_split);
                rope(&k[t * kv], c.n_head_kv, hd, angles, t, half_split);
            }
            causal_attention(q.data(), k.data(), v.data(), layout, segments, l, shape, attn.data(), pool);
            matmul(L.wo, attn.data(), n, proj.data(), pool);
            add_in_place(x.data(), proj.data(), n * d);

            for (std::size_t t = 0; t < n; ++t)
                rms_norm(&x[t * d], L.ffn_norm.data(), d, c.norm_eps, &normed[t * d]);
            matmul(L.gate, normed.data(), n, gate.data(), pool);
            matmul(L.up, normed.data(), n, up.data(), pool);
            silu_mul(gate.data(), up.data(), n * c.n_ff);
            matmul(L.down, gate.data(), n, proj.data(), pool);
            add_in_place(x.data(), proj.data(), n * d);
        }
        for (const ForwardSegment& seg : segments) seg.cache->append(seg.tokens.data(), seg.tokens.size());

        const auto& logit_rows = layout.logit_rows;
        std::vector<float> final_rows(logit_rows.size() * d);
        for (std::size_t r = 0; r < logit_rows.size(); ++r)
            rms_norm(&x[logit_rows[r] * d], output_norm_.data(), d, c.norm_eps, &final_rows[r * d]);
        matmul(output_, final_rows.data(), logit_rows.size(), logits, pool);
    }

private:
    WeightMatrix embeddings_, output_;
    std::vector<float> output_norm_;
    std::vector<LlamaLayer> layers_;
};

}  // namespace

std::unique_ptr<Transformer> make_llama(const ModelFile& file) { return std::make_unique<Llama>(file); }

}  // namespace podium
