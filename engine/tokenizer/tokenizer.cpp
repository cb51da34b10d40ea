#include "engine/tokenizer/tokenizer.h"

#include <cstdint>

#include "engine/core/error.h"
#include "engine/tokenizer/bpe_tokenizer.h"
#include "engine/tokenizer/spm_tokenizer.h"
#include "engine/tokenizer/utf8.h"

namespace podium {

std::string_view Tokenizer::kind_name() const {
    return vocab_.kind == TokenizerKind::SentencePiece ? "sentencepiece-bpe" : "byte-level-bpe";
}

std::string Tokenizer::concat_token_bytes(const std::vector<std::string>& token_bytes,
                                          std::span<const std::int32_t> ids) {
    std::string text;
    for (std::int32_t id : ids) {
        if (id < 0 || static_cast<std::size_t>(id) >= token_bytes.size())
            throw Error("token id " + std::to_string(id) + " is out of range (vocabulary has " +
                        std::to_string(token_bytes.size()) + " tokens)");
        text += token_bytes[static_cast<std::size_t>(id)];
    }
    return text;
}

std::vector<std::int32_t> Tokenizer::start_encoding(std::string_view text, bool add_special) const {
    validate_utf8(text);
    if (text.size() > UINT32_MAX / 4)
        throw Error("text of " + std::to_string(text.size()) + " bytes is too long to tokenize");
    std::vector<std::int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (add_special && vocab_.add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    return out;
}

std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab) {
    if (vocab.tokens.empty()) throw Error("the vocabulary has no tokens");
    if (!vocab.types.empty() && vocab.types.size() != vocab.tokens.size())
        throw Error("the vocabulary has " + std::to_string(vocab.tokens.size()) + " tokens but " +
                    std::to_string(vocab.types.size()) + " token types");
    const auto n = static_cast<std::int64_t>(vocab.tokens.size());
    for (auto [name, id] : {std::pair{"bos", vocab.bos_id}, {"eos", vocab.eos_id}, {"unk", vocab.unk_id},
                            {"pad", vocab.pad_id}}) {
        if (id >= n)
            throw Error(std::string(name) + " token id " + std::to_string(id) + " is out of range (vocabulary has " +
                        std::to_string(n) + " tokens)");
    }
    if (vocab.kind == TokenizerKind::SentencePiece) return std::make_unique<SpmTokenizer>(std::move(vocab));
    return std::make_unique<BpeTokenizer>(std::move(vocab));
}

}  // namespace podium
