// Falcon family. Attention and MLP run in parallel off LayerNorm'd input:
//   7B style:       a = LN(x);                       out = x + Wo.Attn(a) + MLP(a)
//   40B/180B style: out = x + Wo.Attn(LN_attn(x)) + MLP(LN_mlp(x))
// MLP(a) = Wdown . GELU_erf(Wup . a). Multi-query / grouped KV heads; RoPE pairs
// (i, i + d/2); output tied to the embedding unless output.weight exists.
#include <string>
#include <vector>

#include "engine/models/attention.h"
#include "engine/models/batch_layout.h"
#include "engine/models/transformer.h"
#include "engine/models/weight_loader.h"
#include "kernels/cpu/ops.h"

namespace podium {

namespace {

struct FalconLayer {
    std::vector<float> mlp_norm_w, mlp_norm_b;    // attn_norm (the only norm in 7B style)
    std::vector<float> attn_norm_w, attn_norm_b;  // attn_norm_2 (40B style only)
    WeightMatrix qkv, wo, up, down;
};

class Falcon final : public Transformer {
public:
    explicit Falcon(const ModelFile& file) : Transformer(file.config) {
        const WeightLoader w(file);
        const auto& c = config_;
        const std::size_t d = c.n_embd, q_dim = c.n_head * c.head_dim(), kv = kv_dim();
        embeddings_ = w.matrix("token_embd.weight", d, c.n_vocab);
        output_norm_w_ = w.vector("output_norm.weight", d);
        output_norm_b_ = w.vector("output_norm.bias", d);
        output_ = w.has("output.weight") ? w.matrix("output.weight", d, c.n_vocab) : embeddings_;
        for (std::uint32_t l = 0; l < c.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            FalconLayer L;
            L.mlp_norm_w = w.vector(p + "attn_norm.weight", d);
            L.mlp_norm_b = w.vector(p + "attn_norm.bias", d);
            if (c.falcon_two_norms) {
                L.attn_norm_w = w.vector(p + "attn_norm_2.weight", d);
                L.attn_norm_b = w.vector(p + "attn_norm_2.bias", d);
            }
            L.qkv = w.matrix(p + "attn_qkv.weight", d, q_dim + 2 * kv);
            L.wo = w.matrix(p + "attn_output.weight", q_dim, d);
            L.up = w.matrix(p + "ffn_up.weight", d, c.n_ff);
            L.down = w.matrix(p + "ffn_down.weight", c.n_ff, d);
            layers_.push_back(std::move(L));
        }
        w.check_all_used("Falcon");
    }

    void forward(std::span<const ForwardSegment> segments, float* logits, ThreadPool& pool) const override {
        const BatchLayout layout(segments);
        const auto& c = config_;
        const std::size_t n = layout.size(), d = c.n_embd, hd = c.head_dim(), q_dim = c.n_head * hd;
        const std::size_t kv = kv_dim(), qkv_dim = q_dim + 2 * kv;
        const AttentionShape shape{c.n_head, c.n_head_kv, hd};

        std::vector<float> x(n * d), mlp_in(n * d), attn_in(n * d), qkv(n * qkv_dim);
        std::vector<float> q(n * q_dim), k(n * kv), v(n * kv), attn(n * q_dim), proj(n * d), hidden(n * c.n_ff);
        std::vector<float> mlp_out(n * d);
        embed_tokens(embeddings_, layout.tokens.data(), n, x.data());
        const RopeAngles angles(layout.positions, c.n_rot, c.rope_freq_base);

        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const FalconLayer& L = layers_[l];
            for (std::size_t t = 0; t < n; ++t) {
                layer_norm(&x[t * d], L.mlp_norm_w.data(), L.mlp_norm_b.data(), d, c.norm_eps, &mlp_in[t * d]);
                if (c.falcon_two_norms)
                    layer_norm(&x[t * d], L.attn_norm_w.data(), L.attn_norm_b.data(), d, c.norm_eps, &attn_in[t * d]);
            }
            const float* a = c.falcon_two_norms ? attn_in.data() : mlp_in.data();
            matmul(L.qkv, a, n, qkv.data(), pool);
            for (std::size_t t = 0; t < n; ++t) {
                split_qkv(&qkv[t * qkv_dim], &q[t * q_dim], &k[t * kv], &v[t * kv]);
                rope(&q[t * q_dim], c.n_head, hd, angles, t, true);
                rope(&k[t * kv], c.n_head_kv, hd, angles, t, true);
            }
            causal_attention(q.data(), k.data(), v.data(), layout, segments, l, shape, attn.data(), pool);
            matmul(L.wo, attn.data(), n, proj.data(), pool);

            matmul(L.up, mlp_in.data(), n, hidden.data(), pool);
            gelu_erf(hidden.data(), n * c.n_ff);
            // x + attention + mlp, added in the order HF does: (mlp + attn) + residual.
            matmul(L.down, hidden.data(), n, mlp_out.data(), pool);
            for (std::size_t i = 0; i < n * d; ++i) x[i] = (mlp_out[i] + proj[i]) + x[i];
        }
        for (const ForwardSegment& seg : segments) seg.cache->append(seg.tokens.data(), seg.tokens.size());

        const auto& logit_rows = layout.logit_rows;
        std::vector<float> final_rows(logit_rows.size() * d);
        for (std::size_t r = 0; r < logit_rows.size(); ++r)
            layer_norm(&x[logit_rows[r] * d], output_norm_w_.data(), output_norm_b_.data(), d, c.norm_eps,
                       &final_rows[r * d]);
        matmul(output_, final_rows.data(), logit_rows.size(), logits, pool);
    }

private:
    // Splits one token's fused qkv row into q (all heads), k and v (all KV heads).
    void split_qkv(const float* row, float* q, float* k, float* v) const {
        const auto& c = config_;
        const std::size_t hd = c.head_dim(), q_dim = c.n_head * hd, kv = kv_dim();
        if (c.qkv_layout != QkvLayout::InterleavedByGroup) {  // [Q | K | V]
            std::copy(row, row + q_dim, q);
            std::copy(row + q_dim, row + q_dim + kv, k);
            std::copy(row + q_dim + kv, row + q_dim + 2 * kv, v);
            return;
        }
        // HF new-decoder layout: per KV group g, [q x (n_head/n_kv), k, v].
        const std::size_t per_group = c.n_head / c.n_head_kv;
        for (std::size_t g = 0; g < c.n_head_kv; ++g) {
            const float* src = row + g * (per_group + 2) * hd;
            std::copy(src, src + per_group * hd, q + g * per_group * hd);
            std::copy(src + per_group * hd, src + (per_group + 1) * hd, k + g * hd);
            std::copy(src + (per_group + 1) * hd, src + (per_group + 2) * hd, v + g * hd);
        }
    }

    WeightMatrix embeddings_, output_;
    std::vector<float> output_norm_w_, output_norm_b_;
    std::vector<FalconLayer> layers_;
};

}  // namespace

std::unique_ptr<Transformer> make_falcon(const ModelFile& file) { return std::make_unique<Falcon>(file); }

}  // namespace podium
