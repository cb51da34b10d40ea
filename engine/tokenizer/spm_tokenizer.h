#pragma once
// SentencePiece BPE as Llama uses it (HF LlamaTokenizer, legacy mode; llama.cpp "llama"
// vocabularies): " " becomes U+2581, a U+2581 is prepended at the start of the text,
// adjacent pieces merge by the highest score of the merged token (ties: leftmost), and
// pieces that are not tokens fall back to <0xNN> byte tokens.
#include <array>

#include "engine/tokenizer/pair_merger.h"
#include "engine/tokenizer/piece_cache.h"
#include "engine/tokenizer/special_token_splitter.h"
#include "engine/tokenizer/token_index.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

class SpmTokenizer final : public Tokenizer {
public:
    explicit SpmTokenizer(Vocabulary vocab);
    std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override;
    std::string decode(std::span<const std::int32_t> ids) const override;

private:
    void encode_normalized(std::string_view text, MergeScratch& scratch, std::vector<std::int32_t>& out) const;
    void encode_word(std::string_view word, MergeScratch& scratch, std::vector<std::int32_t>& out) const;

    TokenIndex index_;
    SpecialTokenSplitter specials_;
    PieceCache cache_;
    std::array<std::int32_t, 256> byte_tokens_{};   // id of <0xNN>, or -1
    std::array<std::int32_t, 128> ascii_tokens_{};  // id of each one-character ASCII token, or -1
    // True when no token has a U+2581 right after another character, so merges never
    // cross the start of a word and each word can be merged (and cached) on its own.
    bool words_are_independent_ = false;
    std::vector<std::string> token_bytes_;  // what each token decodes to
};

}  // namespace podium
