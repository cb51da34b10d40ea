// BOS handling, special-token parsing and invalid UTF-8 on the real vocabularies.
#include <catch2/catch.hpp>
#include <thread>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"

using namespace podium;
using Ids = std::vector<std::int32_t>;

namespace {

std::unique_ptr<Tokenizer> load(const std::string& name) {
    const auto path = test::shared_file("vocab/ggml-vocab-" + name + ".gguf");
    if (!path) return nullptr;
    return make_tokenizer(vocabulary_from_gguf(GgufFile::open(*path)));
}

std::string utf8_error(const Tokenizer& tok, std::string_view text) {
    try {
        tok.encode(text, false);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("llama adds BOS only with add_special", "[tokenizer][bos]") {
    const auto tok = load("llama-spm");
    if (!tok) return;
    CHECK(tok->kind_name() == "sentencepiece-bpe");
    CHECK(tok->adds_bos());
    CHECK(tok->bos_id() == 1);
    CHECK(tok->eos_id() == 2);
    CHECK(tok->encode("Hello world", true) == Ids{1, 15043, 3186});
    CHECK(tok->encode("Hello world", false) == Ids{15043, 3186});
    CHECK(tok->encode("", true) == Ids{1});
    // HF's decode keeps the special token's text and the space after it.
    CHECK(tok->decode(Ids{1, 15043, 3186}) == "<s> Hello world");
    CHECK(tok->decode(Ids{29871, 13}) == "\n");
}

TEST_CASE("falcon and gpt-2 add no BOS", "[tokenizer][bos]") {
    for (const char* name : {"falcon", "gpt-2"}) {
        const auto tok = load(name);
        if (!tok) return;
        INFO(name);
        CHECK(tok->kind_name() == "byte-level-bpe");
        CHECK_FALSE(tok->adds_bos());
        CHECK(tok->encode("Hello world", true) == tok->encode("Hello world", false));
    }
}

TEST_CASE("control tokens are parsed only with parse_special", "[tokenizer][special]") {
    const auto llama = load("llama-spm");
    const auto falcon = load("falcon");
    if (!llama || !falcon) return;
    // After a special token, SPM puts the space prefix in front of the next text again.
    CHECK(llama->encode("<s>Hello", false, true) == Ids{1, 15043});
    CHECK(llama->encode("<s>Hello", false, false) != Ids{1, 15043});
    CHECK(falcon->encode("Hi<|endoftext|>", false, true) == Ids{falcon->encode("Hi", false)[0], 11});
    const Ids plain = falcon->encode("<|endoftext|>", false, false);
    CHECK(plain.size() > 1);
    CHECK(falcon->decode(plain) == "<|endoftext|>");
    CHECK(falcon->decode(Ids{11}) == "<|endoftext|>");
}

TEST_CASE("invalid UTF-8 is refused with the byte offset", "[tokenizer][utf8]") {
    for (const char* name : {"llama-spm", "falcon", "gpt-2"}) {
        const auto tok = load(name);
        if (!tok) return;
        INFO(name);
        CHECK(utf8_error(*tok, "ab\x80") == "invalid UTF-8 at byte 2");              // lone continuation
        CHECK(utf8_error(*tok, "abc\xE2\x96") == "invalid UTF-8 at byte 3");          // truncated 3-byte
        CHECK(utf8_error(*tok, "\xF0\x9F\xA6") == "invalid UTF-8 at byte 0");         // truncated 4-byte
        CHECK(utf8_error(*tok, "a\xC3" "b") == "invalid UTF-8 at byte 1");            // lead without continuation
        CHECK(utf8_error(*tok, "x\xC0\xAF") == "invalid UTF-8 at byte 1");            // overlong '/'
        CHECK(utf8_error(*tok, "\xE0\x80\xAF") == "invalid UTF-8 at byte 0");         // overlong 3-byte
        CHECK(utf8_error(*tok, "\xF0\x80\x80\xAF") == "invalid UTF-8 at byte 0");     // overlong 4-byte
        CHECK(utf8_error(*tok, "ok \xED\xA0\x80") == "invalid UTF-8 at byte 3");      // UTF-16 surrogate
        CHECK(utf8_error(*tok, "\xF4\x90\x80\x80") == "invalid UTF-8 at byte 0");     // above U+10FFFF
        CHECK(utf8_error(*tok, "\xFF") == "invalid UTF-8 at byte 0");
        CHECK(utf8_error(*tok, std::string_view("a\0b", 3)) == "(no error)");          // NUL is valid
        CHECK(utf8_error(*tok, "\xF4\x8F\xBF\xBF \xEF\xBF\xBF") == "(no error)");     // U+10FFFF, U+FFFF
    }
}

TEST_CASE("decode rejects ids outside the vocabulary", "[tokenizer][decode]") {
    const auto tok = load("gpt-2");
    if (!tok) return;
    CHECK_THROWS_WITH(tok->decode(Ids{50257}), Catch::Contains("out of range"));
    CHECK_THROWS_AS(tok->decode(Ids{-1}), Error);
}

TEST_CASE("encoding is the same from many threads", "[tokenizer][threads]") {
    const auto tok = load("falcon");
    if (!tok) return;
    const std::string text = "The quick brown fox, 12345 times: jumps over the lazy dog! ";
    std::string long_text;
    for (int i = 0; i < 200; ++i) long_text += text + std::to_string(i * 7919) + "\n";
    const Ids expected = tok->encode(long_text, false);
    std::vector<Ids> results(4);
    std::vector<std::thread> threads;
    for (auto& r : results) threads.emplace_back([&] { r = tok->encode(long_text, false); });
    for (auto& t : threads) t.join();
    for (const Ids& r : results) CHECK(r == expected);
}
