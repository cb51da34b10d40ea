#pragma once
// Keys and values of one sequence's processed tokens, per layer, in f32.
// Layout per layer: [position][n_head_kv * head_dim].
#include <cstddef>
#include <cstdint>
#include <vector>

namespace podium {

class KvCache {
public:
    KvCache(std::size_t n_layer, std::size_t kv_dim, std::size_t capacity);

    std::size_t length() const { return length_; }
    std::size_t capacity() const { return capacity_; }
    std::size_t kv_dim() const { return kv_dim_; }
    // Tokens whose keys and values are cached, in order (for prefix reuse).
    const std::vector<std::int32_t>& tokens() const { return tokens_; }

    float* keys(std::size_t layer) { return keys_[layer].data(); }
    float* values(std::size_t layer) { return values_[layer].data(); }

    // Marks `new_tokens` as appended (their rows are written by the model).
    void append(const std::int32_t* new_tokens, std::size_t n);
    // Forgets everything after the first `n` tokens.
    void truncate(std::size_t n);

private:
    std::size_t kv_dim_;
    std::size_t capacity_;
    std::size_t length_ = 0;
    std::vector<std::int32_t> tokens_;
    std::vector<std::vector<float>> keys_;
    std::vector<std::vector<float>> values_;
};

}  // namespace podium
