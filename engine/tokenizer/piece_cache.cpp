#include "engine/tokenizer/piece_cache.h"

namespace podium {

bool PieceCache::lookup(std::string_view piece, std::vector<std::int32_t>& out) const {
    if (piece.size() > kMaxPieceBytes) return false;
    std::lock_guard lock(mutex_);
    const auto it = map_.find(piece);
    if (it == map_.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
}

void PieceCache::insert(std::string_view piece, std::span<const std::int32_t> ids) const {
    if (piece.size() > kMaxPieceBytes) return;
    std::lock_guard lock(mutex_);
    if (map_.size() >= kMaxEntries) return;
    map_.emplace(std::string(piece), std::vector<std::int32_t>(ids.begin(), ids.end()));
}

}  // namespace podium
