// vocabulary_from_gguf: the tokenizer.ggml.* keys of a GGUF file.
#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

namespace {

std::string quoted(std::string_view key) { return "key \"" + std::string(key) + "\""; }

const GgufValue* optional_array(const GgufFile& file, std::string_view key, std::size_t expected_size) {
    const GgufValue* v = file.find(key);
    if (!v) return nullptr;
    if (v->type != GgufValueType::Array)
        throw FileError(file.path(), quoted(key) + " has type " + std::string(gguf_value_type_name(v->type)) +
                                         ", expected an array");
    if (expected_size != 0 && v->elements.size() != expected_size)
        throw FileError(file.path(), quoted(key) + " has " + std::to_string(v->elements.size()) +
                                         " entries, expected " + std::to_string(expected_size) + " (one per token)");
    return v;
}

std::vector<std::string> string_array(const GgufFile& file, std::string_view key, const GgufValue& array) {
    std::vector<std::string> out;
    out.reserve(array.elements.size());
    for (std::size_t i = 0; i < array.elements.size(); ++i) {
        const GgufValue& e = array.elements[i];
        if (e.type != GgufValueType::String)
            throw FileError(file.path(), quoted(key) + " entry " + std::to_string(i) + " has type " +
                                             std::string(gguf_value_type_name(e.type)) + ", expected string");
        out.push_back(e.string);
    }
    return out;
}

std::int32_t token_id(const GgufFile& file, std::string_view key, std::size_t n_tokens, std::int32_t fallback) {
    // -1 (or its u32 pattern, as llama2.c conversions write it) means "no such token".
    if (const GgufValue* raw = file.find(key);
        raw && raw->is_integer() &&
        (raw->integer == -1 || (raw->type == GgufValueType::U32 && raw->integer == 0xFFFFFFFFll)))
        return -1;
    const std::optional<std::uint64_t> v = file.get_uint(key);
    if (!v) return fallback < static_cast<std::int64_t>(n_tokens) ? fallback : -1;
    if (*v >= n_tokens)
        throw FileError(file.path(), quoted(key) + " is " + std::to_string(*v) + ", expected a token id below " +
                                         std::to_string(n_tokens));
    return static_cast<std::int32_t>(*v);
}

}  // namespace

Vocabulary vocabulary_from_gguf(const GgufFile& file) {
    Vocabulary vocab;
    const std::string model = file.require_string("tokenizer.ggml.model");
    if (model == "llama") {
        vocab.kind = TokenizerKind::SentencePiece;
    } else if (model == "gpt2") {
        vocab.kind = TokenizerKind::ByteLevelBpe;
    } else {
        throw FileError(file.path(), "key \"tokenizer.ggml.model\" is \"" + model +
                                         "\", expected \"llama\" (SentencePiece) or \"gpt2\" (byte-level BPE)");
    }
    const bool spm = vocab.kind == TokenizerKind::SentencePiece;

    const std::string pre = file.get_string("tokenizer.ggml.pre").value_or("default");
    if (pre == "default") {
        vocab.pre = PreTokenizer::Default;
    } else if (pre == "gpt-2") {
        vocab.pre = PreTokenizer::Gpt2;
    } else if (pre == "falcon") {
        vocab.pre = PreTokenizer::Falcon;
    } else if (!spm) {
        // A different split would give silently different ids; refuse instead.
        throw FileError(file.path(), "key \"tokenizer.ggml.pre\" is \"" + pre +
                                         "\", which is not supported (expected \"default\", \"gpt-2\" or \"falcon\")");
    }

    const GgufValue& tokens = file.require_array("tokenizer.ggml.tokens");
    if (tokens.elements.empty()) throw FileError(file.path(), "key \"tokenizer.ggml.tokens\" is empty");
    if (tokens.elements.size() > static_cast<std::size_t>(INT32_MAX))
        throw FileError(file.path(), "key \"tokenizer.ggml.tokens\" has too many entries");
    vocab.tokens = string_array(file, "tokenizer.ggml.tokens", tokens);
    const std::size_t n = vocab.tokens.size();

    if (const GgufValue* scores = optional_array(file, "tokenizer.ggml.scores", n)) {
        vocab.scores.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const GgufValue& e = scores->elements[i];
            if (!e.is_real())
                throw FileError(file.path(), "key \"tokenizer.ggml.scores\" entry " + std::to_string(i) +
                                                 " has type " + std::string(gguf_value_type_name(e.type)) +
                                                 ", expected f32");
            vocab.scores.push_back(static_cast<float>(e.real));
        }
    } else if (spm) {
        vocab.scores.assign(n, 0.0f);
    }

    if (const GgufValue* types = optional_array(file, "tokenizer.ggml.token_type", n)) {
        vocab.types.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const GgufValue& e = types->elements[i];
            if (!e.is_integer() || e.integer < 0 || e.integer > static_cast<std::int64_t>(TokenType::Byte))
                throw FileError(file.path(), "key \"tokenizer.ggml.token_type\" entry " + std::to_string(i) +
                                                 " is not a token type (expected an integer 0..6)");
            vocab.types.push_back(static_cast<TokenType>(e.integer));
        }
    } else {
        vocab.types.assign(n, TokenType::Normal);
    }

    if (!spm) {
        vocab.merges = string_array(file, "tokenizer.ggml.merges", file.require_array("tokenizer.ggml.merges"));
        for (std::size_t i = 0; i < vocab.merges.size(); ++i) {
            const std::string& m = vocab.merges[i];
            const std::size_t space = m.find(' ');
            if (space == std::string::npos || space == 0 || space + 1 == m.size() ||
                m.find(' ', space + 1) != std::string::npos)
                throw FileError(file.path(), "key \"tokenizer.ggml.merges\" entry " + std::to_string(i) + " \"" + m +
                                                 "\" is not two tokens separated by one space");
        }
    }

    // llama.cpp's defaults for SentencePiece vocabularies: <unk>=0, <s>=1, </s>=2.
    vocab.bos_id = token_id(file, "tokenizer.ggml.bos_token_id", n, spm ? 1 : -1);
    vocab.eos_id = token_id(file, "tokenizer.ggml.eos_token_id", n, spm ? 2 : -1);
    vocab.unk_id = token_id(file, "tokenizer.ggml.unknown_token_id", n, spm ? 0 : -1);
    vocab.pad_id = token_id(file, "tokenizer.ggml.padding_token_id", n, -1);
    vocab.add_bos = file.get_bool("tokenizer.ggml.add_bos_token").value_or(spm);
    vocab.add_eos = file.get_bool("tokenizer.ggml.add_eos_token").value_or(false);
    vocab.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix").value_or(spm);
    return vocab;
}

}  // namespace podium
