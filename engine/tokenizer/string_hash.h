#pragma once
// A fast 64-bit hash for the short strings tokenizers look up (tokens, words).
// Deterministic across runs and platforms, unlike std::hash.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace podium {

inline std::uint64_t hash_string(std::string_view s) {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = 0x243F6A8885A308D3ull ^ (s.size() * kMul);
    std::size_t i = 0;
    // Eight bytes at a time, then the tail; each step mixes with a multiply and a rotate.
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = (h ^ w) * kMul;
        h ^= h >> 29;
    }
    if (i < s.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, s.size() - i);
        h = (h ^ w) * kMul;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

}  // namespace podium
