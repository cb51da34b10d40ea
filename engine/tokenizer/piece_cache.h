#pragma once
// A bounded, thread-safe map from a pre-token's bytes to its token ids. Words repeat a
// lot in real text, so most pieces skip the merge loop. The cache never changes a
// result: a hit returns exactly what the merge loop gave for the same bytes.
// Keys and ids live in two arenas; the table is open addressing over entry indices.
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace podium {

class PieceCache {
public:
    static constexpr std::size_t kMaxPieceBytes = 64;
    static constexpr std::size_t kMaxEntries = 1 << 19;

    // Appends the cached ids of `piece` to `out` and returns true on a hit.
    bool lookup(std::string_view piece, std::vector<std::int32_t>& out) const;
    void insert(std::string_view piece, std::span<const std::int32_t> ids) const;

private:
    struct Entry {
        std::uint32_t key_offset;
        std::uint32_t key_size;
        std::uint32_t ids_offset;
        std::uint32_t ids_size;
    };
    struct Slot {
        std::uint32_t tag;
        std::int32_t entry;  // -1: empty
    };
    // Index of the slot holding `piece`, or of the empty slot where it would go.
    std::size_t probe(std::string_view piece, std::uint64_t hash) const;
    void grow() const;

    mutable std::mutex mutex_;
    mutable std::vector<Slot> slots_;
    mutable std::vector<Entry> entries_;
    mutable std::string keys_;
    mutable std::vector<std::int32_t> ids_;
};

}  // namespace podium
