#include "engine/models/attention.h"

#include <cstring>
#include <vector>

#include "kernels/cpu/ops.h"

namespace podium {

void causal_attention(const float* q, const float* k, const float* v, const BatchLayout& layout,
                      std::span<const ForwardSegment> segments, std::size_t layer, const AttentionShape& shape,
                      float* out, ThreadPool& pool) {
    const std::size_t kv_dim = shape.n_head_kv * shape.head_dim;
    const std::size_t n_rows = layout.size();
    for (std::size_t row = 0; row < n_rows; ++row) {
        KvCache& cache = *segments[layout.segment_of[row]].cache;
        const std::size_t pos = layout.positions[row];
        std::memcpy(cache.keys(layer) + pos * kv_dim, k + row * kv_dim, kv_dim * sizeof(float));
        std::memcpy(cache.values(layer) + pos * kv_dim, v + row * kv_dim, kv_dim * sizeof(float));
    }

    const std::size_t group = shape.n_head / shape.n_head_kv;
    const std::size_t q_dim = shape.n_head * shape.head_dim;
    pool.parallel_for(n_rows * shape.n_head, [&](std::size_t begin, std::size_t end) {
        std::vector<float> scores;
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t row = i / shape.n_head, h = i % shape.n_head;
            KvCache& cache = *segments[layout.segment_of[row]].cache;
            const std::size_t n_keys = layout.positions[row] + 1;
            scores.resize(n_keys);
            const std::size_t kv_offset = (h / group) * shape.head_dim;
            attend_one(q + row * q_dim + h * shape.head_dim, cache.keys(layer) + kv_offset,
                       cache.values(layer) + kv_offset, kv_dim, n_keys, shape.head_dim, scores.data(),
                       out + row * q_dim + h * shape.head_dim);
        }
    });
}

}  // namespace podium
