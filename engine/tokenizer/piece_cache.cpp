#include "engine/tokenizer/piece_cache.h"

#include "engine/tokenizer/string_hash.h"

namespace podium {

std::size_t PieceCache::probe(std::string_view piece, std::uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
        const Slot& slot = slots_[s];
        if (slot.entry < 0) return s;
        if (slot.tag != tag) continue;
        const Entry& e = entries_[static_cast<std::size_t>(slot.entry)];
        if (std::string_view(keys_.data() + e.key_offset, e.key_size) == piece) return s;
    }
}

bool PieceCache::lookup(std::string_view piece, std::vector<std::int32_t>& out) const {
    if (piece.size() > kMaxPieceBytes) return false;
    const std::uint64_t hash = hash_string(piece);
    std::lock_guard lock(mutex_);
    if (slots_.empty()) return false;
    const Slot& slot = slots_[probe(piece, hash)];
    if (slot.entry < 0) return false;
    const Entry& e = entries_[static_cast<std::size_t>(slot.entry)];
    out.insert(out.end(), ids_.begin() + e.ids_offset, ids_.begin() + e.ids_offset + e.ids_size);
    return true;
}

void PieceCache::grow() const {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 4096 : old.size() * 2, Slot{0, -1});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& o : old) {
        if (o.entry < 0) continue;
        const Entry& e = entries_[static_cast<std::size_t>(o.entry)];
        std::size_t s = hash_string(std::string_view(keys_.data() + e.key_offset, e.key_size)) & mask;
        while (slots_[s].entry >= 0) s = (s + 1) & mask;
        slots_[s] = o;
    }
}

void PieceCache::insert(std::string_view piece, std::span<const std::int32_t> ids) const {
    if (piece.size() > kMaxPieceBytes) return;
    const std::uint64_t hash = hash_string(piece);
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries) return;
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t s = probe(piece, hash);
    if (slots_[s].entry >= 0) return;  // another thread got there first
    slots_[s] = {static_cast<std::uint32_t>(hash >> 32), static_cast<std::int32_t>(entries_.size())};
    entries_.push_back({static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(piece.size()),
                        static_cast<std::uint32_t>(ids_.size()), static_cast<std::uint32_t>(ids.size())});
    keys_.append(piece);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
}

}  // namespace podium
