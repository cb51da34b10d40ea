#pragma once
// Causal self-attention of a chunk of tokens against the cache, shared by the
// architectures. Query head h reads KV head h / (n_head / n_head_kv) (GQA/MQA).
#include <cstddef>

#include "engine/kv_cache.h"
#include "kernels/cpu/thread_pool.h"

namespace podium {

struct AttentionShape {
    std::size_t n_head;
    std::size_t n_head_kv;
    std::size_t head_dim;
};

// q: n_tokens x (n_head*head_dim), already rotated; k, v: n_tokens x kv_dim. Stores k and
// v in the cache's rows n_past.. of `layer`, then writes n_tokens x (n_head*head_dim) to out.
void causal_attention(const float* q, const float* k, const float* v, std::size_t n_tokens, KvCache& cache,
                      std::size_t layer, std::size_t n_past, const AttentionShape& shape, float* out,
                      ThreadPool& pool);

}  // namespace podium
