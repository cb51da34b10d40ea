#pragma once
// Byte-level BPE as GPT-2 and Falcon use it: the text is split by the vocabulary's
// pre-tokenizer, each piece's bytes become bytes-to-unicode symbols, and adjacent
// symbols merge by lowest merge rank (ties: leftmost) until none can.
#include <array>

#include "engine/tokenizer/pair_merger.h"
#include "engine/tokenizer/piece_cache.h"
#include "engine/tokenizer/special_token_splitter.h"
#include "engine/tokenizer/token_index.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

class BpeTokenizer final : public Tokenizer {
public:
    explicit BpeTokenizer(Vocabulary vocab);
    std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override;
    std::string decode(std::span<const std::int32_t> ids) const override;

private:
    // (left id, right id) -> (rank, merged id), open addressing; key ~0 marks an empty slot.
    struct MergeSlot {
        std::uint64_t key = ~std::uint64_t{0};
        std::int32_t rank = 0;
        std::int32_t result = 0;
    };
    static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
    }
    static std::size_t slot_of(std::uint64_t key) { return (key * 0x9E3779B97F4A7C15ull) >> 20; }
    const MergeSlot* find_merge(std::int32_t left, std::int32_t right) const;
    void encode_piece(std::string_view piece, MergeScratch& scratch, std::vector<std::int32_t>& out) const;

    TokenIndex index_;
    SpecialTokenSplitter specials_;
    PieceCache cache_;
    std::array<std::int32_t, 256> byte_tokens_{};  // id of each byte's alphabet character, or -1
    std::vector<MergeSlot> merges_;
    std::size_t merge_mask_ = 0;
    std::vector<std::string> token_bytes_;  // what each token decodes to
};

}  // namespace podium
