// vocabulary_from_gguf on small written files: defaults and one clear error per bad key.
#include <catch2/catch.hpp>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"

using namespace podium;

namespace {

GgufValue strings(std::vector<std::string> items) {
    std::vector<GgufValue> values;
    for (auto& s : items) values.push_back(GgufValue::string_value(std::move(s)));
    return GgufValue::array(GgufValueType::String, std::move(values));
}

// A tiny SentencePiece vocabulary: <unk> <s> </s> ▁ a ▁a.
GgufWriter small_spm() {
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("llama"));
    w.set("tokenizer.ggml.model", GgufValue::string_value("llama"));
    w.set("tokenizer.ggml.tokens", strings({"<unk>", "<s>", "</s>", "\xE2\x96\x81", "a", "\xE2\x96\x81" "a"}));
    std::vector<GgufValue> scores, types;
    for (float s : {0.f, 0.f, 0.f, -1e9f, -2.f, -1.f}) scores.push_back(GgufValue::f32(s));
    for (int t : {2, 3, 3, 1, 1, 1}) types.push_back(GgufValue::i32(t));
    w.set("tokenizer.ggml.scores", GgufValue::array(GgufValueType::F32, scores));
    w.set("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::I32, types));
    return w;
}

std::string error_of(const GgufWriter& w, const std::filesystem::path& path) {
    w.write(path);
    try {
        make_tokenizer(vocabulary_from_gguf(GgufFile::open(path)));
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("a SentencePiece GGUF without the optional keys gets llama.cpp's defaults", "[tokenizer][gguf]") {
    test::TempDir dir;
    small_spm().write(dir / "v.gguf");
    const Vocabulary v = vocabulary_from_gguf(GgufFile::open(dir / "v.gguf"));
    CHECK(v.kind == TokenizerKind::SentencePiece);
    CHECK(v.add_bos);
    CHECK_FALSE(v.add_eos);
    CHECK(v.add_space_prefix);
    CHECK(v.bos_id == 1);
    CHECK(v.eos_id == 2);
    CHECK(v.unk_id == 0);
    const auto tok = make_tokenizer(v);
    CHECK(tok->encode("a a", true) == std::vector<std::int32_t>{1, 5, 5});
    CHECK(tok->encode("b", false) == std::vector<std::int32_t>{3, 0});  // no byte tokens: <unk>

    GgufWriter no_prefix = small_spm();
    no_prefix.set("tokenizer.ggml.add_space_prefix", GgufValue::boolean_value(false));
    no_prefix.set("tokenizer.ggml.add_bos_token", GgufValue::boolean_value(false));
    no_prefix.write(dir / "n.gguf");
    const auto tok2 = make_tokenizer(vocabulary_from_gguf(GgufFile::open(dir / "n.gguf")));
    CHECK(tok2->encode("a a", true) == std::vector<std::int32_t>{4, 5});
    CHECK(tok2->decode(std::vector<std::int32_t>{4, 5}) == "a a");
}

TEST_CASE("bad tokenizer keys in a GGUF name the file and the key", "[tokenizer][gguf][errors]") {
    test::TempDir dir;
    const auto path = dir / "bad.gguf";
    const auto expect = [&](const GgufWriter& w, const std::string& needle) {
        const std::string message = error_of(w, path);
        INFO(message);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(message.find(needle) != std::string::npos);
    };
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("llama"));
    expect(w, "tokenizer.ggml.model");

    w = small_spm();
    w.set("tokenizer.ggml.model", GgufValue::string_value("bert"));
    expect(w, "\"bert\"");

    w = small_spm();
    w.set("tokenizer.ggml.tokens", GgufValue::u32(3));
    expect(w, "tokenizer.ggml.tokens");

    w = small_spm();
    w.set("tokenizer.ggml.scores", GgufValue::array(GgufValueType::F32, {GgufValue::f32(0)}));
    expect(w, "tokenizer.ggml.scores\" has 1 entries, expected 6");

    w = small_spm();
    std::vector<GgufValue> types(6, GgufValue::i32(1));
    types[2] = GgufValue::i32(9);
    w.set("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::I32, types));
    expect(w, "tokenizer.ggml.token_type\" entry 2");

    w = small_spm();
    w.set("tokenizer.ggml.bos_token_id", GgufValue::u32(6));
    expect(w, "tokenizer.ggml.bos_token_id\" is 6");

    w = small_spm();
    w.set("tokenizer.ggml.add_bos_token", GgufValue::u32(1));
    expect(w, "tokenizer.ggml.add_bos_token");

    w = small_spm();
    w.set("tokenizer.ggml.model", GgufValue::string_value("gpt2"));
    expect(w, "missing required key \"tokenizer.ggml.merges\"");

    w.set("tokenizer.ggml.merges", strings({"a"}));
    expect(w, "tokenizer.ggml.merges\" entry 0");

    w.set("tokenizer.ggml.merges", strings({"a a"}));
    w.set("tokenizer.ggml.pre", GgufValue::string_value("llama-bpe"));
    expect(w, "tokenizer.ggml.pre");
}
