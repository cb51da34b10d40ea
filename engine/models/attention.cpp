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
        std::memcpy(cache.keys_at(layer, pos), k + row * kv_dim, kv_dim * sizeof(float));
        std::memcpy(cache.values_at(layer, pos), v + row * kv_dim, kv_dim * sizeof(float));
    }

    const std::size_t group = shape.n_head / shape.n_head_kv;
    const std::size_t q_dim = shape.n_head * shape.head_dim;
    pool.parallel_for(n_rows * shape.n_head, [&](std::size_t begin, std::size_t end) {
        std::vector<float> scores;
        std::vector<KvRange> ranges;
        for (std::size_t i = begin; i < end; ++i) {
            // Head-major order: consecutive items read the same head's keys and values,
            // which then stay in cache (all heads' together would not).
            const std::size_t h = i / n_rows, row = i % n_rows;
            const KvCache& cache = *segments[layout.segment_of[row]].cache;
            const std::size_t n_keys = layout.positions[row] + 1;
            scores.resize(n_keys);
            ranges.clear();
            cache.ranges(layer, n_keys, (h / group) * shape.head_dim, ranges);
            attend(q + row * q_dim + h * shape.head_dim, ranges, kv_dim, shape.head_dim, scores.data(),
                   out + row * q_dim + h * shape.head_dim);
        }
    });
}

}  // namespace podium
