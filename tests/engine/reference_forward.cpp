#include "tests/engine/reference_forward.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/cpu/dequantize.h"

namespace podium::test {

namespace {

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;  // rows

// Whole tensor as double rows of shape[0] values each.
Mat load(const ModelFile& m, const std::string& name) {
    const TensorView* t = m.find(name);
    if (!t) throw std::runtime_error("reference: missing " + name);
    const std::size_t cols = t->shape[0];
    const std::size_t rows = t->shape.size() > 1 ? t->shape[1] : 1;
    const std::size_t row_bytes = tensor_bytes(t->type, cols);
    Mat out(rows, Vec(cols));
    std::vector<float> tmp(cols);
    for (std::size_t r = 0; r < rows; ++r) {
        dequantize_row_reference(t->type, t->data + r * row_bytes, tmp.data(), cols);
        for (std::size_t c = 0; c < cols; ++c) out[r][c] = tmp[c];
    }
    return out;
}

Vec load_vec(const ModelFile& m, const std::string& name) { return load(m, name)[0]; }

Vec mat_vec(const Mat& w, const Vec& x) {  // w: [out][in]
    Vec y(w.size(), 0.0);
    for (std::size_t o = 0; o < w.size(); ++o)
        for (std::size_t i = 0; i < x.size(); ++i) y[o] += w[o][i] * x[i];
    return y;
}

Vec rms_norm(const Vec& x, const Vec& w, double eps) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double s = 1.0 / std::sqrt(ss / x.size() + eps);
    Vec y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * s * w[i];
    return y;
}

Vec layer_norm(const Vec& x, const Vec& w, const Vec& b, double eps) {
    double mean = 0;
    for (double v : x) mean += v;
    mean /= x.size();
    double var = 0;
    for (double v : x) var += (v - mean) * (v - mean);
    var /= x.size();
    Vec y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = (x[i] - mean) / std::sqrt(var + eps) * w[i] + b[i];
    return y;
}

void rotate(Vec& x, std::size_t heads, std::size_t hd, std::size_t n_rot, std::size_t pos, double base, bool half) {
    for (std::size_t h = 0; h < heads; ++h)
        for (std::size_t i = 0; i < n_rot / 2; ++i) {
            const double theta = pos * std::pow(base, -2.0 * i / n_rot);
            const std::size_t a = h * hd + (half ? i : 2 * i);
            const std::size_t b = h * hd + (half ? i + n_rot / 2 : 2 * i + 1);
            const double x0 = x[a], x1 = x[b];
            x[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
            x[b] = x1 * std::cos(theta) + x0 * std::sin(theta);
        }
}

// Causal attention over all positions; q[t]: n_head*hd, k[t], v[t]: n_kv*hd.
Mat attention(const Mat& q, const Mat& k, const Mat& v, std::size_t n_head, std::size_t n_kv, std::size_t hd) {
    Mat out(q.size(), Vec(n_head * hd, 0.0));
    for (std::size_t t = 0; t < q.size(); ++t)
        for (std::size_t h = 0; h < n_head; ++h) {
            const std::size_t g = h / (n_head / n_kv);
            Vec s(t + 1);
            double mx = -1e300;
            for (std::size_t j = 0; j <= t; ++j) {
                double d = 0;
                for (std::size_t e = 0; e < hd; ++e) d += q[t][h * hd + e] * k[j][g * hd + e];
                s[j] = d / std::sqrt(static_cast<double>(hd));
                mx = std::max(mx, s[j]);
            }
            double z = 0;
            for (auto& e : s) z += (e = std::exp(e - mx));
            for (std::size_t j = 0; j <= t; ++j)
                for (std::size_t e = 0; e < hd; ++e) out[t][h * hd + e] += s[j] / z * v[j][g * hd + e];
        }
    return out;
}

}  // namespace

ReferenceOutput reference_forward(const ModelFile& m, const std::vector<std::int32_t>& tokens) {
    const ModelConfig& c = m.config;
    const std::size_t n = tokens.size(), d = c.n_embd, hd = c.head_dim(), kv = c.n_head_kv * hd;
    const bool falcon = c.arch == Architecture::Falcon;
    const bool half = c.rope_pairing == RopePairing::HalfSplit;
    const Mat embd = load(m, "token_embd.weight");
    Mat x(n);
    for (std::size_t t = 0; t < n; ++t) x[t] = embd[tokens[t]];

    for (std::size_t l = 0; l < c.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        Mat q(n), k(n), v(n);
        Mat mlp_in(n);
        if (!falcon) {
            const Vec w = load_vec(m, p + "attn_norm.weight");
            const Mat wq = load(m, p + "attn_q.weight"), wk = load(m, p + "attn_k.weight"),
                      wv = load(m, p + "attn_v.weight");
            for (std::size_t t = 0; t < n; ++t) {
                const Vec a = rms_norm(x[t], w, c.norm_eps);
                q[t] = mat_vec(wq, a);
                k[t] = mat_vec(wk, a);
                v[t] = mat_vec(wv, a);
            }
        } else {
            const Vec w = load_vec(m, p + "attn_norm.weight"), b = load_vec(m, p + "attn_norm.bias");
            Vec w2 = w, b2 = b;
            if (c.falcon_two_norms) {
                w2 = load_vec(m, p + "attn_norm_2.weight");
                b2 = load_vec(m, p + "attn_norm_2.bias");
            }
            const Mat wqkv = load(m, p + "attn_qkv.weight");
            const std::size_t per_group = c.n_head / c.n_head_kv;
            for (std::size_t t = 0; t < n; ++t) {
                mlp_in[t] = layer_norm(x[t], w, b, c.norm_eps);
                const Vec qkv = mat_vec(wqkv, layer_norm(x[t], w2, b2, c.norm_eps));
                q[t].assign(c.n_head * hd, 0);
                k[t].assign(kv, 0);
                v[t].assign(kv, 0);
                for (std::size_t h = 0; h < c.n_head; ++h)
                    for (std::size_t e = 0; e < hd; ++e) {
                        const std::size_t g = h / per_group, j = h % per_group;
                        q[t][h * hd + e] = c.qkv_layout == QkvLayout::InterleavedByGroup
                                               ? qkv[(g * (per_group + 2) + j) * hd + e]
                                               : qkv[h * hd + e];
                    }
                for (std::size_t g = 0; g < c.n_head_kv; ++g)
                    for (std::size_t e = 0; e < hd; ++e) {
                        const bool inter = c.qkv_layout == QkvLayout::InterleavedByGroup;
                        k[t][g * hd + e] = inter ? qkv[(g * (per_group + 2) + per_group) * hd + e]
                                                 : qkv[c.n_head * hd + g * hd + e];
                        v[t][g * hd + e] = inter ? qkv[(g * (per_group + 2) + per_group + 1) * hd + e]
                                                 : qkv[c.n_head * hd + kv + g * hd + e];
                    }
            }
        }
        for (std::size_t t = 0; t < n; ++t) {
            rotate(q[t], c.n_head, hd, c.n_rot, t, c.rope_freq_base, half);
            rotate(k[t], c.n_head_kv, hd, c.n_rot, t, c.rope_freq_base, half);
        }
        const Mat att = attention(q, k, v, c.n_head, c.n_head_kv, hd);
        const Mat wo = load(m, p + "attn_output.weight");
        if (!falcon) {
            const Vec fw = load_vec(m, p + "ffn_norm.weight");
            const Mat wg = load(m, p + "ffn_gate.weight"), wu = load(m, p + "ffn_up.weight"),
                      wd = load(m, p + "ffn_down.weight");
            for (std::size_t t = 0; t < n; ++t) {
                const Vec o = mat_vec(wo, att[t]);
                for (std::size_t i = 0; i < d; ++i) x[t][i] += o[i];
                const Vec a = rms_norm(x[t], fw, c.norm_eps);
                Vec g = mat_vec(wg, a);
                const Vec u = mat_vec(wu, a);
                for (std::size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1 + std::exp(-g[i])) * u[i];
                const Vec dn = mat_vec(wd, g);
                for (std::size_t i = 0; i < d; ++i) x[t][i] += dn[i];
            }
        } else {
            const Mat wu = load(m, p + "ffn_up.weight"), wd = load(m, p + "ffn_down.weight");
            for (std::size_t t = 0; t < n; ++t) {
                const Vec o = mat_vec(wo, att[t]);
                Vec h = mat_vec(wu, mlp_in[t]);
                for (auto& e : h) e = 0.5 * e * (1 + std::erf(e / std::sqrt(2.0)));
                const Vec mlp = mat_vec(wd, h);
                for (std::size_t i = 0; i < d; ++i) x[t][i] += o[i] + mlp[i];
            }
        }
    }

    const Mat out_w = load(m, m.find("output.weight") ? "output.weight" : "token_embd.weight");
    const Vec nw = load_vec(m, "output_norm.weight");
    const Vec nb = falcon ? load_vec(m, "output_norm.bias") : Vec();
    ReferenceOutput r;
    for (std::size_t t = 0; t + 1 < n; ++t) {
        const Vec h = falcon ? layer_norm(x[t], nw, nb, c.norm_eps) : rms_norm(x[t], nw, c.norm_eps);
        const Vec logits = mat_vec(out_w, h);
        std::size_t best = 0;
        for (std::size_t i = 1; i < logits.size(); ++i)
            if (logits[i] > logits[best]) best = i;
        double z = 0;
        for (double e : logits) z += std::exp(e - logits[best]);
        r.logprobs.push_back(logits[tokens[t + 1]] - logits[best] - std::log(z));
        r.argmax.push_back(static_cast<int>(best));
    }
    return r;
}

}  // namespace podium::test
