#include "engine/model/builtin_vocab.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace podium {

namespace {

// Merged SentencePiece pieces, highest priority first ("▁" is U+2581, SPM's space).
constexpr std::string_view kLlamaPieces[] = {
    "▁t", "er", "in", "▁a", "en", "on", "▁th", "es", "▁s", "▁d", "at", "or", "an",
    "▁c", "is", "re", "it", "he", "▁the", "ar", "le", "▁w", "▁p", "ou", "al", "▁f",
    "▁m", "ed", "▁o", "▁b", "om", "ion", "ing", "ic", "as", "ent", "▁in", "▁h",
    "nd", "▁to", "▁of", "▁and", "▁is", "▁was", "▁he", "▁that", "▁it", "▁for", "▁on",
    "ith", "▁with", "▁T", "▁The", "▁H", "▁He", "ll", "llo", "▁Hello", "▁wor", "ld",
    "▁world", "▁I", "▁A", "▁S", "ly", "st", "ve", "▁be", "ay", "▁day", "▁sa", "id",
    "▁said", "ai", "▁y", "ey", "▁they", "▁you", "ha", "▁ha", "▁had", "▁her", "▁his",
    "▁she", "▁O", "▁On", "▁One", "ce", "▁Once", "me", "▁ti", "▁time", "▁u", "▁up",
    "▁upon", "ne", "im", "▁She",
};

// Single characters that get their own token rather than byte fallback.
constexpr std::string_view kLlamaSingles[] = {
    "▁", "e", "t", "a", "o", "i", "n", "s", "h", "r", "d", "l", "u", "c", "m", "w",
    "f", "g", "y", "p", "b", "v", "k", "j", "x", "q", "z", "T", "S", "A", "I", "H",
    "O", "W", "M", "B", "C", "L", "D", "E", "F", "N", "P", "R", "G", "J", "K", "U",
    "V", "Y", "Q", "X", "Z", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".",
    ",", "!", "?", "'", "-", ":", ";", "\"", "(", ")",
};

// BPE merges in rank order, over the bytes-to-unicode alphabet ("Ġ" is the space byte,
// "Ċ" the newline). Both halves of every merge are tokens by the time it is listed.
constexpr std::string_view kFalconMerges[] = {
    "Ġ t", "Ġ a", "i n", "h e", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t", "Ġ w",
    "Ġ o", "e n", "Ġ c", "i t", "i s", "a n", "o r", "e s", "Ġ b", "e d", "Ġ f",
    "in g", "Ġ p", "o u", "Ġa n", "a l", "a r", "Ġt o", "Ġ m", "Ġo f", "Ġ in", "Ġ d",
    "Ġ h", "Ġan d", "i c", "a s", "l e", "Ġt h", "i on", "o m", "l l", "en t", "Ġ n",
    "Ġ l", "s t", "Ġ re", "v e", "Ġ e", "r o", "l y", "Ġb e", "Ġ g", "Ġ T", "c t",
    "Ġ S", "i d", "o t", "Ġ I", "u t", "e t", "Ġ A", "Ġ is", "Ġ on", "i m", "a m",
    "o w", "a y", "a d", "s e", "Ġw h", "Ġth at", "l o", "Ġ W", "H e", "ll o",
    "He llo", "Ġ Hello", "Ġw or", "l d", "Ġwor ld", "Ċ Ċ", "Ġ Ġ", "Ġ 1", "0 0", "Ġ (",
    "e l",
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// GPT-2's bytes-to-unicode: printable Latin-1 bytes stand for themselves; the other 68
// bytes map, in byte order, to U+0100, U+0101, ...
std::array<std::string, 256> byte_level_alphabet() {
    std::array<std::string, 256> out;
    std::uint32_t next_shifted = 0x100;
    for (std::uint32_t b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        append_utf8(out[b], printable ? b : next_shifted++);
    }
    return out;
}

void add_token(Vocabulary& vocab, std::string text, float score, TokenType type) {
    vocab.tokens.push_back(std::move(text));
    vocab.scores.push_back(score);
    vocab.types.push_back(type);
}

}  // namespace

Vocabulary builtin_llama_vocabulary() {
    Vocabulary vocab;
    vocab.kind = TokenizerKind::SentencePiece;
    vocab.pre = PreTokenizer::Default;
    add_token(vocab, "<unk>", 0.0f, TokenType::Unknown);
    add_token(vocab, "<s>", 0.0f, TokenType::Control);
    add_token(vocab, "</s>", 0.0f, TokenType::Control);
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        add_token(vocab, name, 0.0f, TokenType::Byte);
    }
    float score = 0.0f;
    for (std::string_view piece : kLlamaPieces) add_token(vocab, std::string(piece), score--, TokenType::Normal);
    for (std::string_view c : kLlamaSingles) add_token(vocab, std::string(c), score--, TokenType::Normal);
    vocab.unk_id = 0;
    vocab.bos_id = 1;
    vocab.eos_id = 2;
    vocab.add_bos = true;
    vocab.add_eos = false;
    vocab.add_space_prefix = true;
    return vocab;
}

Vocabulary builtin_falcon_vocabulary() {
    Vocabulary vocab;
    vocab.kind = TokenizerKind::ByteLevelBpe;
    vocab.pre = PreTokenizer::Falcon;
    vocab.tokens.push_back("<|endoftext|>");
    vocab.types.push_back(TokenType::Control);
    for (const std::string& byte : byte_level_alphabet()) {
        vocab.tokens.push_back(byte);
        vocab.types.push_back(TokenType::Normal);
    }
    for (std::string_view merge : kFalconMerges) {
        const std::size_t space = merge.find(' ');
        std::string merged(merge.substr(0, space));
        merged += merge.substr(space + 1);
        vocab.tokens.push_back(std::move(merged));
        vocab.types.push_back(TokenType::Normal);
        vocab.merges.emplace_back(merge);
    }
    vocab.bos_id = 0;
    vocab.eos_id = 0;
    vocab.add_bos = false;
    vocab.add_eos = false;
    vocab.add_space_prefix = false;
    return vocab;
}

Vocabulary builtin_vocabulary(Architecture arch) {
    return arch == Architecture::Llama ? builtin_llama_vocabulary() : builtin_falcon_vocabulary();
}

void pad_vocabulary(Vocabulary& vocab, std::size_t n_tokens) {
    const bool has_scores = !vocab.scores.empty();
    while (vocab.tokens.size() < n_tokens) {
        vocab.tokens.push_back("<unused_" + std::to_string(vocab.tokens.size()) + ">");
        vocab.types.push_back(TokenType::Unused);
        if (has_scores) vocab.scores.push_back(0.0f);
    }
}

std::vector<std::pair<std::string, GgufValue>> vocabulary_gguf_metadata(const Vocabulary& vocab) {
    std::vector<std::pair<std::string, GgufValue>> out;
    const bool spm = vocab.kind == TokenizerKind::SentencePiece;
    out.emplace_back("tokenizer.ggml.model", GgufValue::string_value(spm ? "llama" : "gpt2"));
    std::string pre = "default";
    if (vocab.pre == PreTokenizer::Falcon) pre = "falcon";
    if (vocab.pre == PreTokenizer::Gpt2) pre = "gpt-2";
    out.emplace_back("tokenizer.ggml.pre", GgufValue::string_value(pre));

    std::vector<GgufValue> tokens;
    tokens.reserve(vocab.tokens.size());
    for (const auto& t : vocab.tokens) tokens.push_back(GgufValue::string_value(t));
    out.emplace_back("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::String, std::move(tokens)));
    if (!vocab.scores.empty()) {
        std::vector<GgufValue> scores;
        scores.reserve(vocab.scores.size());
        for (float s : vocab.scores) scores.push_back(GgufValue::f32(s));
        out.emplace_back("tokenizer.ggml.scores", GgufValue::array(GgufValueType::F32, std::move(scores)));
    }
    if (!vocab.types.empty()) {
        std::vector<GgufValue> types;
        types.reserve(vocab.types.size());
        for (TokenType t : vocab.types) types.push_back(GgufValue::i32(static_cast<std::int32_t>(t)));
        out.emplace_back("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::I32, std::move(types)));
    }
    if (!vocab.merges.empty()) {
        std::vector<GgufValue> merges;
        merges.reserve(vocab.merges.size());
        for (const auto& m : vocab.merges) merges.push_back(GgufValue::string_value(m));
        out.emplace_back("tokenizer.ggml.merges", GgufValue::array(GgufValueType::String, std::move(merges)));
    }
    const auto add_id = [&](const char* key, std::int32_t id) {
        if (id >= 0) out.emplace_back(key, GgufValue::u32(static_cast<std::uint32_t>(id)));
    };
    add_id("tokenizer.ggml.bos_token_id", vocab.bos_id);
    add_id("tokenizer.ggml.eos_token_id", vocab.eos_id);
    add_id("tokenizer.ggml.unknown_token_id", vocab.unk_id);
    add_id("tokenizer.ggml.padding_token_id", vocab.pad_id);
    out.emplace_back("tokenizer.ggml.add_bos_token", GgufValue::boolean_value(vocab.add_bos));
    out.emplace_back("tokenizer.ggml.add_eos_token", GgufValue::boolean_value(vocab.add_eos));
    if (spm && !vocab.add_space_prefix)
        out.emplace_back("tokenizer.ggml.add_space_prefix", GgufValue::boolean_value(false));
    return out;
}

}  // namespace podium
