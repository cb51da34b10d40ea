#pragma once
// A bounded, thread-safe map from a pre-token's bytes to its token ids. Words repeat a
// lot in real text, so most pieces skip the merge loop. The cache never changes a
// result: a hit returns exactly what the merge loop gave for the same bytes.
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace podium {

class PieceCache {
public:
    static constexpr std::size_t kMaxPieceBytes = 64;
    static constexpr std::size_t kMaxEntries = 1 << 18;

    // Appends the cached ids of `piece` to `out` and returns true on a hit.
    bool lookup(std::string_view piece, std::vector<std::int32_t>& out) const;
    void insert(std::string_view piece, std::span<const std::int32_t> ids) const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, std::vector<std::int32_t>, Hash, std::equal_to<>> map_;
};

}  // namespace podium
