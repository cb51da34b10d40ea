#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/safetensors/hf_folder_builder.h"
#include "tests/support/test_support.h"

using namespace podium::test;
using Catch::Matchers::Contains;
using nlohmann::json;

TEST_CASE("cli: model inspect --json on stories260K") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    const auto r = run_podium("model inspect --json '" + path->string() + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["format"] == "gguf");
    CHECK(j["architecture"] == "llama");
    const json& h = j["hyperparameters"];
    CHECK(h["n_embd"] == 64);
    CHECK(h["n_layer"] == 5);
    CHECK(h["n_head"] == 8);
    CHECK(h["n_head_kv"] == 4);
    CHECK(h["n_ff"] == 172);
    CHECK(h["n_vocab"] == 512);
    CHECK(h["n_rot"] == 8);
    CHECK(h["norm_eps"] == 1e-5);
    CHECK(j["rope_pairing"] == "adjacent");
    CHECK(j["qkv_layout"] == "separate");
    CHECK(j["parameters"] == 292800);
    CHECK(j["parameters_text"] == "292.80 K");
    CHECK(j["tensor_count"] == 48);
    CHECK(j["tensor_types"]["f32"]["count"] == 48);
    CHECK(j["tensor_types"]["f32"]["bytes"] == 292800 * 4);
    CHECK(j["total_bytes"] == 292800 * 4);
    CHECK(j["tokenizer"]["kind"] == "sentencepiece-bpe");
    CHECK(j["tokenizer"]["vocab_size"] == 512);
}

TEST_CASE("cli: model inspect prints a table for a HF folder") {
    TempDir dir;
    TinyShape s;
    s.ff = 64;
    write_hf_folder(dir / "f40", falcon_config(s, true), falcon_tensors(s, true, "BF16"), 2);
    const auto r = run_podium("model inspect '" + (dir / "f40").string() + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("safetensors") && Contains("falcon") && Contains("half-split") &&
                          Contains("interleaved-by-group") && Contains("two LayerNorms") && Contains("bf16") &&
                          Contains("tokenizer     none"));

    const auto j = run_podium("model inspect --json '" + (dir / "f40").string() + "'");
    REQUIRE(j.exit_code == 0);
    const json parsed = json::parse(j.out);
    CHECK(parsed["tokenizer"].is_null());
    CHECK(parsed["tied_output"] == true);
    CHECK(parsed["tensor_types"].size() == 1);
}

TEST_CASE("cli: model inspect on a bad path exits 1 with the file in the message") {
    TempDir dir;
    const auto r = run_podium("model inspect '" + (dir / "missing.gguf").string() + "'");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("missing.gguf") && Contains("no such file"));
}
