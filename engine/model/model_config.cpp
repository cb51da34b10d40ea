#include "engine/model/model_config.h"

#include <cmath>

namespace podium {

std::string_view architecture_name(Architecture arch) {
    switch (arch) {
        case Architecture::Llama: return "llama";
        case Architecture::Falcon: return "falcon";
    }
    return "unknown";
}

std::optional<std::string> find_config_problem(const ModelConfig& c) {
    const auto n = [](std::uint32_t v) { return std::to_string(v); };
    if (c.n_vocab == 0) return "vocabulary size is 0";
    if (c.n_ctx == 0) return "context length is 0";
    if (c.n_embd == 0) return "embedding width is 0";
    if (c.n_layer == 0) return "layer count is 0";
    if (c.n_ff == 0) return "feed-forward width is 0";
    if (c.n_head == 0) return "head count is 0";
    if (c.n_embd % c.n_head != 0)
        return "embedding width " + n(c.n_embd) + " is not a multiple of the head count " + n(c.n_head);
    if (c.n_head_kv == 0 || c.n_head % c.n_head_kv != 0)
        return "KV head count " + n(c.n_head_kv) + " does not divide the head count " + n(c.n_head);
    if (c.n_rot == 0 || c.n_rot % 2 != 0 || c.n_rot > c.head_dim())
        return "RoPE dimension count " + n(c.n_rot) + " must be even and at most the head size " +
               n(c.head_dim());
    if (!(c.norm_eps > 0.0f) || !std::isfinite(c.norm_eps))
        return "norm epsilon " + std::to_string(c.norm_eps) + " must be a positive number";
    if (!(c.rope_freq_base > 0.0f) || !std::isfinite(c.rope_freq_base))
        return "RoPE frequency base " + std::to_string(c.rope_freq_base) + " must be a positive number";
    if (c.arch == Architecture::Llama && (c.qkv_layout != QkvLayout::Separate || c.falcon_two_norms))
        return "llama models have separate q/k/v and one norm per sub-block";
    if (c.arch == Architecture::Falcon && c.qkv_layout == QkvLayout::Separate)
        return "falcon models have a fused query_key_value weight";
    return std::nullopt;
}

}  // namespace podium
