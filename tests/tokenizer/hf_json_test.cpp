// tokenizer.json: a file generated from each GGUF vocabulary must tokenize exactly as
// the GGUF does; malformed files get a FileError naming the file and the key.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <numeric>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/tokenizer/vocab_cases.h"

using namespace podium;
using nlohmann::json;

namespace {

bool is_special(TokenType t) { return t == TokenType::Control || t == TokenType::Unknown || t == TokenType::UserDefined; }

// SentencePiece vocabularies have no merge list; derive one the way HF's converter does:
// every split of a token into two tokens, ordered by the merged token's score.
json spm_merges(const Vocabulary& v) {
    std::unordered_map<std::string, std::int32_t> ids;
    for (std::size_t i = 0; i < v.tokens.size(); ++i) ids.emplace(v.tokens[i], static_cast<std::int32_t>(i));
    std::vector<std::size_t> order(v.tokens.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v.scores[a] > v.scores[b]; });
    json merges = json::array();
    for (std::size_t id : order) {
        const std::string& t = v.tokens[id];
        if (v.types[id] != TokenType::Normal || t.find(' ') != std::string::npos) continue;
        for (std::size_t cut = 1; cut < t.size(); ++cut) {
            if ((static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) continue;  // inside a character
            if (ids.count(t.substr(0, cut)) && ids.count(t.substr(cut))) merges.push_back(t.substr(0, cut) + " " + t.substr(cut));
        }
    }
    return merges;
}

json tokenizer_json_from(const Vocabulary& v, bool merges_as_pairs) {
    json vocab = json::object();
    json added = json::array();
    for (std::size_t i = 0; i < v.tokens.size(); ++i) {
        if (is_special(v.types[i])) {
            added.push_back({{"id", i}, {"content", v.tokens[i]}, {"special", true}});
        } else {
            vocab[v.tokens[i]] = i;
        }
    }
    json j;
    j["added_tokens"] = added;
    if (v.kind == TokenizerKind::SentencePiece) {
        j["normalizer"] = {{"type", "Sequence"},
                           {"normalizers", json::array({{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
                                                        {{"type", "Replace"},
                                                         {"pattern", {{"String", " "}}},
                                                         {"content", "\xE2\x96\x81"}}})}};
        j["pre_tokenizer"] = nullptr;
        j["post_processor"] = {{"type", "TemplateProcessing"},
                               {"single", json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                                       {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})}};
        j["model"] = {{"type", "BPE"}, {"vocab", vocab}, {"merges", spm_merges(v)}, {"byte_fallback", true},
                      {"unk_token", "<unk>"}};
    } else {
        const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
        if (v.pre == PreTokenizer::Falcon) {
            j["pre_tokenizer"] = {{"type", "Sequence"},
                                  {"pretokenizers",
                                   json::array({{{"type", "Punctuation"}, {"behavior", "Contiguous"}},
                                                byte_level,
                                                {{"type", "Digits"}, {"individual_digits", false}},
                                                {{"type", "Split"},
                                                 {"pattern", {{"Regex", "[0-9][0-9][0-9]"}}},
                                                 {"behavior", "Isolated"},
                                                 {"invert", false}}})}};
        } else {
            j["pre_tokenizer"] = byte_level;
        }
        j["decoder"] = byte_level;
        json merges = json::array();
        for (const std::string& m : v.merges) {
            const std::size_t space = m.find(' ');
            if (merges_as_pairs) {
                merges.push_back(json::array({m.substr(0, space), m.substr(space + 1)}));
            } else {
                merges.push_back(m);
            }
        }
        j["model"] = {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"byte_fallback", false}};
    }
    return j;
}

void check_json_matches_gguf(const std::string& name, bool merges_as_pairs) {
    const auto fixture = test::load_vocab_fixture(name);
    if (!fixture) return;
    const Vocabulary from_gguf = vocabulary_from_gguf(GgufFile::open(fixture->gguf));
    test::TempDir dir;
    test::write_file(dir / "tokenizer.json", tokenizer_json_from(from_gguf, merges_as_pairs).dump());
    const auto tok = make_tokenizer(vocabulary_from_hf_json(dir / "tokenizer.json"));
    CHECK(tok->kind() == from_gguf.kind);
    CHECK(tok->vocabulary().pre == from_gguf.pre);
    CHECK(tok->vocab_size() == from_gguf.tokens.size());
    CHECK(tok->adds_bos() == from_gguf.add_bos);
    for (std::size_t i = 0; i < fixture->cases.size(); ++i) {
        const auto& c = fixture->cases[i];
        INFO(name << " (tokenizer.json) case " << i << ": \"" << c.text << "\"");
        CHECK(tok->encode(c.text, false) == c.ids);
    }
}

std::string error_of(const std::filesystem::path& path) {
    try {
        vocabulary_from_hf_json(path);
    } catch (const FileError& e) {
        return e.what();
    }
    return "(no error)";
}

// A tiny valid byte-level tokenizer.json to break in different ways.
json small_tokenizer_json() {
    return json::parse(R"({
        "added_tokens": [{"id": 4, "content": "<|endoftext|>", "special": true}],
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "\u0120": 3}, "merges": ["a b"]}
    })");
}

}  // namespace

TEST_CASE("tokenizer.json made from llama-spm gives the GGUF ids", "[tokenizer][hf]") {
    check_json_matches_gguf("llama-spm", false);
}

TEST_CASE("tokenizer.json made from falcon gives the GGUF ids", "[tokenizer][hf]") {
    check_json_matches_gguf("falcon", true);
}

TEST_CASE("tokenizer.json made from gpt-2 gives the GGUF ids", "[tokenizer][hf]") {
    check_json_matches_gguf("gpt-2", false);
}

TEST_CASE("a small tokenizer.json and its tokenizer_config.json", "[tokenizer][hf]") {
    test::TempDir dir;
    test::write_file(dir / "tokenizer.json", small_tokenizer_json().dump());
    auto tok = make_tokenizer(vocabulary_from_hf_json(dir / "tokenizer.json"));
    CHECK(tok->kind_name() == "byte-level-bpe");
    CHECK(tok->encode("ab ab", false) == std::vector<std::int32_t>{2, 3, 2});
    CHECK(tok->bos_id() == 4);
    CHECK_FALSE(tok->adds_bos());
    CHECK(tok->encode("a<|endoftext|>", false, true) == std::vector<std::int32_t>{0, 4});

    test::write_file(dir / "tokenizer_config.json", R"({"add_bos_token": true, "bos_token": {"content": "<|endoftext|>"}})");
    tok = make_tokenizer(vocabulary_from_hf_json(dir / "tokenizer.json"));
    CHECK(tok->encode("ab", true) == std::vector<std::int32_t>{4, 2});
}

TEST_CASE("malformed tokenizer.json files name the file and the key", "[tokenizer][hf][errors]") {
    test::TempDir dir;
    const auto path = dir / "tokenizer.json";
    const auto expect_error = [&](const std::string& content, const std::string& needle) {
        test::write_file(path, content);
        const std::string message = error_of(path);
        INFO(message);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(message.find(needle) != std::string::npos);
    };
    expect_error("{\"model\": ", "not valid JSON");
    expect_error("[1, 2]", "JSON object");
    expect_error("{}", "missing key \"model\"");
    expect_error(R"({"model": {"type": "Unigram", "vocab": []}})", "model.type");
    expect_error(R"({"model": {"type": "BPE", "merges": []}})", "missing key \"model.vocab\"");

    json j = small_tokenizer_json();
    j["model"].erase("merges");
    expect_error(j.dump(), "missing key \"model.merges\"");
    j = small_tokenizer_json();
    j["model"]["merges"] = json::array({"ab"});
    expect_error(j.dump(), "model.merges[0]");
    j = small_tokenizer_json();
    j["model"]["merges"] = json::array({json::array({"a"})});
    expect_error(j.dump(), "model.merges[0]");
    j = small_tokenizer_json();
    j["model"]["vocab"]["b"] = "one";
    expect_error(j.dump(), "\"model.vocab\" entry \"b\"");
    j = small_tokenizer_json();
    j["model"]["vocab"]["b"] = -3;
    expect_error(j.dump(), "model.vocab.b");
    j = small_tokenizer_json();
    j["model"]["vocab"]["b"] = 7;  // leaves ids 1, 5, 6 unused
    expect_error(j.dump(), "no token has id 1");
    j = small_tokenizer_json();
    j["added_tokens"][0].erase("content");
    expect_error(j.dump(), "added_tokens[0].content");
    j = small_tokenizer_json();
    j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "\\p{N}{1,3}"}}}, {"behavior", "Isolated"}};
    expect_error(j.dump(), "cannot tell the tokenizer kind");
    j = small_tokenizer_json();
    j["pre_tokenizer"] = {{"type", "Sequence"},
                          {"pretokenizers", json::array({{{"type", "Split"}, {"pattern", {{"Regex", "\\p{N}{1,3}"}}}},
                                                         {{"type", "ByteLevel"}}})}};
    expect_error(j.dump(), "unsupported");

    test::write_file(path, small_tokenizer_json().dump());
    test::write_file(dir / "tokenizer_config.json", R"({"add_bos_token": "yes"})");
    const std::string message = error_of(path);
    CHECK(message.find("tokenizer_config.json") != std::string::npos);
    CHECK(message.find("add_bos_token") != std::string::npos);

    CHECK(error_of(dir / "absent.json").find("cannot open") != std::string::npos);
}
