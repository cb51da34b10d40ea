#pragma once
// Causal self-attention for a batch of segments, shared by the architectures.
// Query head h reads KV head h / (n_head / n_head_kv) (GQA/MQA).
#include <cstddef>
#include <span>

#include "engine/models/batch_layout.h"
#include "kernels/cpu/thread_pool.h"

namespace podium {

struct AttentionShape {
    std::size_t n_head;
    std::size_t n_head_kv;
    std::size_t head_dim;
};

// q: rows x (n_head*head_dim), already rotated; k, v: rows x kv_dim. Stores each row's
// k and v in its segment's cache of `layer` (at its position), then writes
// rows x (n_head*head_dim) to out; each row attends to its own sequence up to itself.
void causal_attention(const float* q, const float* k, const float* v, const BatchLayout& layout,
                      std::span<const ForwardSegment> segments, std::size_t layer, const AttentionShape& shape,
                      float* out, ThreadPool& pool);

}  // namespace podium
