#pragma once
// The data a tokenizer is built from, the same whether read from GGUF metadata
// (tokenizer.ggml.*) or from a Hugging Face tokenizer.json.
#include <cstdint>
#include <string>
#include <vector>

namespace podium {

enum class TokenizerKind {
    SentencePiece,  // tokenizer.ggml.model = "llama": SPM BPE with scores and byte fallback
    ByteLevelBpe,   // tokenizer.ggml.model = "gpt2": GPT-2 bytes-to-unicode BPE with merge ranks
};

// The pre-tokenizer split of byte-level BPE vocabularies (tokenizer.ggml.pre).
enum class PreTokenizer { Default, Gpt2, Falcon };

// GGUF tokenizer.ggml.token_type values.
enum class TokenType : std::int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

struct Vocabulary {
    TokenizerKind kind = TokenizerKind::SentencePiece;
    PreTokenizer pre = PreTokenizer::Default;
    std::vector<std::string> tokens;  // as stored (SPM: with U+2581; BPE: in the bytes-to-unicode alphabet)
    std::vector<float> scores;        // SPM merge priority; may be empty for BPE
    std::vector<TokenType> types;     // may be empty: all Normal
    std::vector<std::string> merges;  // BPE: "left right", index = rank
    std::int32_t bos_id = -1;
    std::int32_t eos_id = -1;
    std::int32_t unk_id = -1;
    std::int32_t pad_id = -1;
    bool add_bos = false;
    bool add_eos = false;
    bool add_space_prefix = true;  // SPM only
};

}  // namespace podium
