#include "engine/kv_cache.h"

#include <stdexcept>

namespace podium {

KvCache::KvCache(std::size_t n_layer, std::size_t kv_dim, std::size_t capacity)
    : kv_dim_(kv_dim), capacity_(capacity), keys_(n_layer), values_(n_layer) {
    for (std::size_t l = 0; l < n_layer; ++l) {
        keys_[l].resize(capacity * kv_dim);
        values_[l].resize(capacity * kv_dim);
    }
}

void KvCache::append(const std::int32_t* new_tokens, std::size_t n) {
    if (length_ + n > capacity_) throw std::logic_error("KvCache::append beyond capacity");
    tokens_.insert(tokens_.end(), new_tokens, new_tokens + n);
    length_ += n;
}

void KvCache::truncate(std::size_t n) {
    if (n < length_) {
        length_ = n;
        tokens_.resize(n);
    }
}

}  // namespace podium
