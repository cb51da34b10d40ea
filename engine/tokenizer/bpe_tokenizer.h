#pragma once
// Byte-level BPE as GPT-2 and Falcon use it: the text is split by the vocabulary's
// pre-tokenizer, each piece's bytes become bytes-to-unicode symbols, and adjacent
// symbols merge by lowest merge rank (ties: leftmost) until none can.
#include <array>
#include <unordered_map>

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
    struct Merge {
        std::int32_t rank;
        std::int32_t result;
    };
    static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
    }
    void encode_piece(std::string_view piece, std::vector<std::int32_t>& out) const;

    TokenIndex index_;
    SpecialTokenSplitter specials_;
    PieceCache cache_;
    std::array<std::int32_t, 256> byte_tokens_{};  // id of each byte's alphabet character, or -1
    std::unordered_map<std::uint64_t, Merge> merges_;
    std::vector<std::string> token_bytes_;  // what each token decodes to
};

}  // namespace podium
