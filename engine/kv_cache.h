#pragma once
// Keys and values of one sequence's processed tokens, per layer, in f32.
// Layout per layer: [position][n_head_kv * head_dim].
//
// A cache may extend a parent: its first parent->length() positions are the
// parent's, shared read-only, so several continuations of one context attend to a
// single copy of it (a prefix tree). The parent must not change while children live.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cpu/ops.h"

namespace podium {

class KvCache {
public:
    KvCache(std::size_t n_layer, std::size_t kv_dim, std::size_t capacity, const KvCache* parent = nullptr);

    std::size_t length() const { return prefix_ + own_length_; }
    std::size_t capacity() const { return prefix_ + capacity_; }
    std::size_t kv_dim() const { return kv_dim_; }
    // Tokens whose keys and values are cached (the parent's first), in order.
    const std::vector<std::int32_t>& tokens() const { return tokens_; }

    // Row of position `pos` (at least the parent's length) of `layer`.
    float* keys_at(std::size_t layer, std::size_t pos) { return keys_[layer].data() + (pos - prefix_) * kv_dim_; }
    float* values_at(std::size_t layer, std::size_t pos) { return values_[layer].data() + (pos - prefix_) * kv_dim_; }

    // Appends to `out` the ranges holding positions [0, n) of `layer`, each starting
    // `offset` floats into its rows (the KV head's slice), parent's ranges first.
    void ranges(std::size_t layer, std::size_t n, std::size_t offset, std::vector<KvRange>& out) const;

    // Marks `new_tokens` as appended (their rows are written by the model).
    void append(const std::int32_t* new_tokens, std::size_t n);
    // Forgets everything after the first `n` tokens (never the parent's).
    void truncate(std::size_t n);

private:
    const KvCache* parent_;
    std::size_t prefix_;  // positions held by the parent
    std::size_t kv_dim_;
    std::size_t capacity_;
    std::size_t own_length_ = 0;
    std::vector<std::int32_t> tokens_;
    std::vector<std::vector<float>> keys_;
    std::vector<std::vector<float>> values_;
};

}  // namespace podium
