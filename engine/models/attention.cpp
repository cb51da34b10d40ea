#include "engine/models/attention.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/ops.h"

namespace podium {

void causal_attention(const float* q, const float* k, const float* v, std::size_t n_tokens, KvCache& cache,
                      std::size_t layer, std::size_t n_past, const AttentionShape& shape, float* out,
                      ThreadPool& pool) {
    const std::size_t kv_dim = shape.n_head_kv * shape.head_dim;
    float* keys = cache.keys(layer);
    float* values = cache.values(layer);
    std::memcpy(keys + n_past * kv_dim, k, n_tokens * kv_dim * sizeof(float));
    std::memcpy(values + n_past * kv_dim, v, n_tokens * kv_dim * sizeof(float));

    const std::size_t group = shape.n_head / shape.n_head_kv;
    const std::size_t q_dim = shape.n_head * shape.head_dim;
    pool.parallel_for(n_tokens * shape.n_head, [&](std::size_t begin, std::size_t end) {
        std::vector<float> scores(n_past + n_tokens);
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t t = i / shape.n_head, h = i % shape.n_head;
            const std::size_t kv_offset = (h / group) * shape.head_dim;
            attend_one(q + t * q_dim + h * shape.head_dim, keys + kv_offset, values + kv_offset, kv_dim,
                       n_past + t + 1, shape.head_dim, scores.data(), out + t * q_dim + h * shape.head_dim);
        }
    });
}

}  // namespace podium
