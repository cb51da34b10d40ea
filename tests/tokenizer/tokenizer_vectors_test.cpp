// Every case of llama.cpp's tokenizer vectors (expected ids from HF tokenizers).
#include <catch2/catch.hpp>

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/tokenizer/vocab_cases.h"

using namespace podium;

namespace {

void check_all_cases(const std::string& name, TokenizerKind kind, std::size_t vocab_size) {
    const auto fixture = test::load_vocab_fixture(name);
    if (!fixture) return;
    REQUIRE(fixture->cases.size() == 46);
    const auto tok = make_tokenizer(vocabulary_from_gguf(GgufFile::open(fixture->gguf)));
    REQUIRE(tok->kind() == kind);
    REQUIRE(tok->vocab_size() == vocab_size);
    for (std::size_t i = 0; i < fixture->cases.size(); ++i) {
        const auto& c = fixture->cases[i];
        INFO(name << " case " << i << ": \"" << c.text << "\"");
        CHECK(tok->encode(c.text, /*add_special=*/false, /*parse_special=*/false) == c.ids);
    }
}

void check_round_trips(const std::string& name) {
    const auto fixture = test::load_vocab_fixture(name);
    if (!fixture) return;
    const auto tok = make_tokenizer(vocabulary_from_gguf(GgufFile::open(fixture->gguf)));
    for (std::size_t i = 0; i < fixture->cases.size(); ++i) {
        const auto& c = fixture->cases[i];
        INFO(name << " case " << i << ": \"" << c.text << "\"");
        CHECK(tok->decode(c.ids) == c.text);
        CHECK(tok->decode(tok->encode(c.text, false)) == c.text);
    }
}

}  // namespace

TEST_CASE("llama-spm: all 46 llama.cpp vectors give HF's ids", "[tokenizer][vectors]") {
    check_all_cases("llama-spm", TokenizerKind::SentencePiece, 32000);
}

TEST_CASE("falcon: all 46 llama.cpp vectors give HF's ids", "[tokenizer][vectors]") {
    check_all_cases("falcon", TokenizerKind::ByteLevelBpe, 65024);
}

TEST_CASE("gpt-2: all 46 llama.cpp vectors give HF's ids", "[tokenizer][vectors]") {
    check_all_cases("gpt-2", TokenizerKind::ByteLevelBpe, 50257);
}

TEST_CASE("decode inverts encode on every vector", "[tokenizer][decode]") {
    for (const char* name : {"llama-spm", "falcon", "gpt-2"}) check_round_trips(name);
}
