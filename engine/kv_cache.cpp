#include "engine/kv_cache.h"

#include <algorithm>
#include <stdexcept>

namespace podium {

KvCache::KvCache(std::size_t n_layer, std::size_t kv_dim, std::size_t capacity, const KvCache* parent)
    : parent_(parent),
      prefix_(parent ? parent->length() : 0),
      kv_dim_(kv_dim),
      capacity_(capacity),
      keys_(n_layer),
      values_(n_layer) {
    if (parent) tokens_ = parent->tokens();
    for (std::size_t l = 0; l < n_layer; ++l) {
        keys_[l].resize(capacity * kv_dim);
        values_[l].resize(capacity * kv_dim);
    }
}

void KvCache::ranges(std::size_t layer, std::size_t n, std::size_t offset, std::vector<KvRange>& out) const {
    if (parent_ && prefix_ > 0) parent_->ranges(layer, std::min(n, prefix_), offset, out);
    if (n > prefix_)
        out.push_back({keys_[layer].data() + offset, values_[layer].data() + offset, n - prefix_});
}

void KvCache::append(const std::int32_t* new_tokens, std::size_t n) {
    if (own_length_ + n > capacity_) throw std::logic_error("KvCache::append beyond capacity");
    tokens_.insert(tokens_.end(), new_tokens, new_tokens + n);
    own_length_ += n;
}

void KvCache::truncate(std::size_t n) {
    n = std::max(n, prefix_);
    if (n < length()) {
        own_length_ = n - prefix_;
        tokens_.resize(n);
    }
}

}  // namespace podium
