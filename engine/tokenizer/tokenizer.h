#pragma once
// Exact tokenizers: SentencePiece BPE as Llama uses it, byte-level BPE as Falcon
// and GPT-2 use it. Token ids match Hugging Face's `encode(text, add_special_tokens=...)`.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.h"

namespace podium {

class GgufFile;

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Token ids of `text`. `add_special` adds BOS (and EOS) as the vocabulary asks;
    // `parse_special` turns the text of control tokens (e.g. "<s>") into their ids.
    // Throws Error("invalid UTF-8 at byte N") on malformed input.
    virtual std::vector<std::int32_t> encode(std::string_view text, bool add_special,
                                             bool parse_special = false) const = 0;
    // Text of the ids, as HF's decode(skip_special_tokens=False) gives it minus the
    // leading space SPM adds; byte tokens are reassembled into UTF-8.
    virtual std::string decode(std::span<const std::int32_t> ids) const = 0;

    const Vocabulary& vocabulary() const { return vocab_; }
    std::size_t vocab_size() const { return vocab_.tokens.size(); }
    std::int32_t bos_id() const { return vocab_.bos_id; }
    std::int32_t eos_id() const { return vocab_.eos_id; }
    bool adds_bos() const { return vocab_.add_bos; }
    TokenizerKind kind() const { return vocab_.kind; }
    std::string_view kind_name() const;  // "sentencepiece-bpe" or "byte-level-bpe"

protected:
    explicit Tokenizer(Vocabulary vocab) : vocab_(std::move(vocab)) {}
    // Checks `text` (valid UTF-8, not absurdly long) and returns the output vector,
    // holding BOS when `add_special` and the vocabulary adds it.
    std::vector<std::int32_t> start_encoding(std::string_view text, bool add_special) const;
    // The bytes of each id in turn; Error naming the id when one is out of range.
    static std::string concat_token_bytes(const std::vector<std::string>& token_bytes,
                                          std::span<const std::int32_t> ids);
    Vocabulary vocab_;
};

// Builds the right tokenizer for the vocabulary's kind.
std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab);

// Reads tokenizer.ggml.* from a GGUF file. Throws FileError naming the key when it is
// missing or malformed.
Vocabulary vocabulary_from_gguf(const GgufFile& file);
// Reads a Hugging Face tokenizer.json (model.type BPE; with or without byte_fallback),
// plus tokenizer_config.json beside it when present (add_bos_token, ...).
Vocabulary vocabulary_from_hf_json(const std::filesystem::path& tokenizer_json);

}  // namespace podium
