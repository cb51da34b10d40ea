#pragma once
// Token text -> id: an open-addressing table of ids, compared against the vocabulary's
// own strings, so a lookup touches one table slot and one string (no copies, no nodes).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/string_hash.h"

namespace podium {

class TokenIndex {
public:
    explicit TokenIndex(const std::vector<std::string>& tokens) : tokens_(tokens) {
        std::size_t capacity = 16;
        while (capacity < tokens.size() * 2) capacity *= 2;
        slots_.assign(capacity, Slot{0, -1});
        mask_ = capacity - 1;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (tokens[i].empty() || find(tokens[i]) >= 0) continue;  // the first of duplicates wins
            const std::uint64_t h = hash_string(tokens[i]);
            std::size_t s = h & mask_;
            while (slots_[s].id >= 0) s = (s + 1) & mask_;
            slots_[s] = {static_cast<std::uint32_t>(h >> 32), static_cast<std::int32_t>(i)};
        }
    }
    // -1 when `text` is not a token.
    std::int32_t find(std::string_view text) const {
        const std::uint64_t h = hash_string(text);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t s = h & mask_;; s = (s + 1) & mask_) {
            const Slot& slot = slots_[s];
            if (slot.id < 0) return -1;
            if (slot.tag == tag && tokens_[static_cast<std::size_t>(slot.id)] == text) return slot.id;
        }
    }

private:
    struct Slot {
        std::uint32_t tag;  // high hash bits, to skip most string compares
        std::int32_t id;    // -1: empty
    };
    const std::vector<std::string>& tokens_;
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

}  // namespace podium
