#include <catch2/catch.hpp>
#include <map>

#include "engine/model/model_file.h"
#include "engine/safetensors/hf_model.h"
#include "tests/safetensors/hf_folder_builder.h"
#include "tests/support/test_support.h"

using namespace podium;
using namespace podium::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

std::vector<std::uint64_t> reversed(std::vector<std::uint64_t> v) { return {v.rbegin(), v.rend()}; }

TensorType type_of(const std::string& dtype) {
    return dtype == "F32" ? TensorType::F32 : dtype == "F16" ? TensorType::F16 : TensorType::BF16;
}

// Every written tensor (but the dropped ones) is in the model under `expected_names`,
// with its shape reversed, its dtype and its exact bytes.
void check_tensors_as_written(const ModelFile& m, const std::vector<StTensor>& written,
                              const std::map<std::string, std::string>& expected_names) {
    std::size_t kept = 0;
    for (const auto& w : written) {
        auto it = expected_names.find(w.name);
        REQUIRE(it != expected_names.end());
        if (it->second.empty()) continue;
        ++kept;
        INFO(w.name << " -> " << it->second);
        const TensorView* t = m.find(it->second);
        REQUIRE(t);
        CHECK(t->shape == reversed(w.shape));
        CHECK(t->type == type_of(w.dtype));
        REQUIRE(t->n_bytes == w.bytes.size());
        CHECK(std::string(reinterpret_cast<const char*>(t->data), t->n_bytes) == w.bytes);
    }
    CHECK(m.tensors.size() == kept);
}

std::map<std::string, std::string> llama_names(const TinyShape& s) {
    std::map<std::string, std::string> n = {{"model.embed_tokens.weight", "token_embd.weight"},
                                            {"model.norm.weight", "output_norm.weight"},
                                            {"lm_head.weight", "output.weight"},
                                            {"model.layers.0.self_attn.rotary_emb.inv_freq", ""}};
    const std::pair<const char*, const char*> per_layer[] = {
        {"input_layernorm.weight", "attn_norm.weight"},   {"self_attn.q_proj.weight", "attn_q.weight"},
        {"self_attn.k_proj.weight", "attn_k.weight"},     {"self_attn.v_proj.weight", "attn_v.weight"},
        {"self_attn.o_proj.weight", "attn_output.weight"}, {"post_attention_layernorm.weight", "ffn_norm.weight"},
        {"mlp.gate_proj.weight", "ffn_gate.weight"},      {"mlp.up_proj.weight", "ffn_up.weight"},
        {"mlp.down_proj.weight", "ffn_down.weight"}};
    for (std::uint64_t l = 0; l < s.layers; ++l)
        for (auto [hf, gg] : per_layer)
            n["model.layers." + std::to_string(l) + "." + hf] = "blk." + std::to_string(l) + "." + gg;
    return n;
}

std::map<std::string, std::string> falcon_names(const TinyShape& s) {
    std::map<std::string, std::string> n = {{"transformer.word_embeddings.weight", "token_embd.weight"},
                                            {"transformer.ln_f.weight", "output_norm.weight"},
                                            {"transformer.ln_f.bias", "output_norm.bias"}};
    const std::pair<const char*, const char*> per_layer[] = {
        {"input_layernorm.weight", "attn_norm.weight"},
        {"input_layernorm.bias", "attn_norm.bias"},
        {"ln_mlp.weight", "attn_norm.weight"},
        {"ln_mlp.bias", "attn_norm.bias"},
        {"ln_attn.weight", "attn_norm_2.weight"},
        {"ln_attn.bias", "attn_norm_2.bias"},
        {"self_attention.query_key_value.weight", "attn_qkv.weight"},
        {"self_attention.dense.weight", "attn_output.weight"},
        {"mlp.dense_h_to_4h.weight", "ffn_up.weight"},
        {"mlp.dense_4h_to_h.weight", "ffn_down.weight"}};
    for (std::uint64_t l = 0; l < s.layers; ++l)
        for (auto [hf, gg] : per_layer)
            n["transformer.h." + std::to_string(l) + "." + hf] = "blk." + std::to_string(l) + "." + gg;
    return n;
}

std::uint64_t element_count(const std::vector<StTensor>& tensors, const std::string& skip = "") {
    std::uint64_t n = 0;
    for (const auto& t : tensors) {
        if (t.name.ends_with("inv_freq") || (!skip.empty() && t.name == skip)) continue;
        std::uint64_t e = 1;
        for (auto d : t.shape) e *= d;
        n += e;
    }
    return n;
}

}  // namespace

TEST_CASE("hf: tiny Llama with GQA, one file") {
    TempDir dir;
    const TinyShape s;  // 16 wide, 4 heads, 2 KV heads
    const auto tensors = llama_tensors(s);
    write_hf_folder(dir / "tiny-llama", llama_config(s), tensors);
    const ModelFile m = open_model(dir / "tiny-llama");

    CHECK(m.format == ModelFormat::Safetensors);
    CHECK(m.path == dir / "tiny-llama");
    const ModelConfig& c = m.config;
    CHECK(c.arch == Architecture::Llama);
    CHECK(c.name == "tiny-llama");
    CHECK(c.n_embd == 16);
    CHECK(c.n_layer == 2);
    CHECK(c.n_head == 4);
    CHECK(c.n_head_kv == 2);
    CHECK(c.head_dim() == 4);
    CHECK(c.n_rot == 4);
    CHECK(c.n_ff == 24);
    CHECK(c.n_vocab == 32);
    CHECK(c.n_ctx == 4096);
    CHECK(c.norm_eps == 1e-5f);
    CHECK(c.rope_freq_base == 500000.0f);
    CHECK(c.rope_pairing == RopePairing::HalfSplit);
    CHECK(c.qkv_layout == QkvLayout::Separate);
    CHECK_FALSE(c.tied_output);
    CHECK_FALSE(c.falcon_two_norms);
    CHECK_FALSE(m.vocabulary.has_value());

    check_tensors_as_written(m, tensors, llama_names(s));
    CHECK(m.find("blk.0.attn_k.weight")->shape == std::vector<std::uint64_t>{16, 8});
    CHECK(m.find("token_embd.weight")->shape == std::vector<std::uint64_t>{16, 32});
    CHECK(m.parameter_count() == element_count(tensors));
}

TEST_CASE("hf: sharded Llama gives the same model as one file, in bf16 and f16") {
    for (const std::string dtype : {"BF16", "F16"}) {
        INFO(dtype);
        TempDir dir;
        const TinyShape s;
        const auto tensors = llama_tensors(s, dtype);
        write_hf_folder(dir / "one", llama_config(s), tensors, 1);
        write_hf_folder(dir / "three", llama_config(s), tensors, 3);
        REQUIRE(std::filesystem::exists(dir / "three" / "model-00003-of-00003.safetensors"));
        REQUIRE_FALSE(std::filesystem::exists(dir / "three" / "model.safetensors"));
        const ModelFile one = open_model(dir / "one");
        const ModelFile three = open_model(dir / "three");
        check_tensors_as_written(three, tensors, llama_names(s));
        REQUIRE(one.tensors.size() == three.tensors.size());
        for (std::size_t i = 0; i < one.tensors.size(); ++i) {
            CHECK(one.tensors[i].name == three.tensors[i].name);  // same order either way
            CHECK(one.tensors[i].shape == three.tensors[i].shape);
        }
        CHECK(three.config.n_head_kv == 2);
    }
}

TEST_CASE("hf: Llama with tied embeddings drops lm_head; without lm_head it is tied") {
    TempDir dir;
    const TinyShape s;
    auto config = llama_config(s);
    config["tie_word_embeddings"] = true;
    auto tensors = llama_tensors(s);
    write_hf_folder(dir / "tied", config, tensors);
    const ModelFile tied = open_model(dir / "tied");
    CHECK(tied.config.tied_output);
    CHECK(tied.find("output.weight") == nullptr);
    CHECK(tied.parameter_count() == element_count(tensors, "lm_head.weight"));

    tensors.pop_back();  // lm_head.weight
    write_hf_folder(dir / "no-head", llama_config(s), tensors);
    const ModelFile no_head = open_model(dir / "no-head");
    CHECK(no_head.config.tied_output);
    CHECK(no_head.find("output.weight") == nullptr);
}

TEST_CASE("hf: Falcon-7B style (multi-query, one LayerNorm, tied)") {
    TempDir dir;
    TinyShape s;
    s.kv = 1;
    s.ff = 64;  // 4 x d, so config.json leaves ffn_hidden_size out
    const auto tensors = falcon_tensors(s, false);
    write_hf_folder(dir / "falcon7", falcon_config(s, false), tensors);
    const ModelFile m = open_model(dir / "falcon7");
    const ModelConfig& c = m.config;
    CHECK(c.arch == Architecture::Falcon);
    CHECK(c.n_embd == 16);
    CHECK(c.n_head == 4);
    CHECK(c.n_head_kv == 1);
    CHECK(c.n_ff == 64);
    CHECK(c.n_ctx == 2048);
    CHECK(c.n_rot == 4);
    CHECK(c.rope_freq_base == 10000.0f);
    CHECK(c.rope_pairing == RopePairing::HalfSplit);
    CHECK(c.qkv_layout == QkvLayout::Contiguous);
    CHECK(c.tied_output);
    CHECK_FALSE(c.falcon_two_norms);
    check_tensors_as_written(m, tensors, falcon_names(s));
    CHECK(m.find("blk.1.attn_qkv.weight")->shape == std::vector<std::uint64_t>{16, 24});
    CHECK(m.find("blk.0.attn_norm.bias"));
}

TEST_CASE("hf: Falcon-40B style (grouped KV, two LayerNorms), one file and sharded") {
    TempDir dir;
    TinyShape s;
    s.kv = 2;
    s.ff = 64;
    const auto tensors = falcon_tensors(s, true, "BF16");
    write_hf_folder(dir / "falcon40", falcon_config(s, true), tensors, 1);
    write_hf_folder(dir / "falcon40-sharded", falcon_config(s, true), tensors, 2);
    for (const auto* name : {"falcon40", "falcon40-sharded"}) {
        INFO(name);
        const ModelFile m = open_model(dir / name);
        const ModelConfig& c = m.config;
        CHECK(c.arch == Architecture::Falcon);
        CHECK(c.n_head_kv == 2);
        CHECK(c.qkv_layout == QkvLayout::InterleavedByGroup);
        CHECK(c.falcon_two_norms);
        CHECK(c.tied_output);
        check_tensors_as_written(m, tensors, falcon_names(s));
        CHECK(m.find("blk.0.attn_qkv.weight")->shape == std::vector<std::uint64_t>{16, 32});
    }
}

TEST_CASE("hf: original RefinedWeb (40B) and RefinedWebModel (7B) configs") {
    TempDir dir;
    TinyShape s;
    s.ff = 64;
    SECTION("RefinedWeb: new decoder, n_head_kv groups") {
        s.kv = 2;
        const json config = {{"architectures", {"RWForCausalLM"}}, {"model_type", "RefinedWeb"},
                             {"n_embed", 16}, {"n_layer", 2}, {"n_head", 4}, {"n_head_kv", 2},
                             {"vocab_size", 32}, {"layer_norm_epsilon", 1e-5}, {"parallel_attn", true},
                             {"bias", false}, {"alibi", false}};
        write_hf_folder(dir / "rw", config, falcon_tensors(s, true));
        const ModelFile m = open_model(dir / "rw");
        CHECK(m.config.arch == Architecture::Falcon);
        CHECK(m.config.n_embd == 16);
        CHECK(m.config.n_layer == 2);
        CHECK(m.config.n_head == 4);
        CHECK(m.config.n_head_kv == 2);
        CHECK(m.config.n_ff == 64);
        CHECK(m.config.falcon_two_norms);
        CHECK(m.config.qkv_layout == QkvLayout::InterleavedByGroup);
    }
    SECTION("RefinedWebModel, multi_query: one KV head") {
        s.kv = 1;
        const json config = {{"model_type", "RefinedWebModel"}, {"n_embed", 16}, {"n_layer", 2},
                             {"n_head", 4}, {"multi_query", true}, {"vocab_size", 32}};
        write_hf_folder(dir / "rwm", config, falcon_tensors(s, false));
        const ModelFile m = open_model(dir / "rwm");
        CHECK(m.config.n_head_kv == 1);
        CHECK_FALSE(m.config.falcon_two_norms);
        CHECK(m.config.qkv_layout == QkvLayout::Contiguous);
    }
    SECTION("RefinedWebModel without multi_query: a KV head per query head") {
        s.kv = 4;
        const json config = {{"model_type", "RefinedWebModel"}, {"n_embed", 16}, {"n_layer", 2},
                             {"n_head", 4}, {"multi_query", false}, {"vocab_size", 32}};
        write_hf_folder(dir / "rwm-mha", config, falcon_tensors(s, false));
        const ModelFile m = open_model(dir / "rwm-mha");
        CHECK(m.config.n_head_kv == 4);
        CHECK(m.config.qkv_layout == QkvLayout::InterleavedByGroup);  // per head [q, k, v]
        CHECK(m.find("blk.0.attn_qkv.weight")->shape == std::vector<std::uint64_t>{16, 48});
    }
}

TEST_CASE("hf: tensor names map to podium names") {
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.12.mlp.up_proj.weight") == "blk.12.ffn_up.weight");
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.3.self_attn.q_proj.bias") == "blk.3.attn_q.bias");
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.3.self_attn.rotary_emb.inv_freq") == "");
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.x.mlp.up_proj.weight") == std::nullopt);
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.1.mlp.up_proj") == std::nullopt);
    CHECK(podium_tensor_name(Architecture::Llama, "model.layers.1.mlp.up_proj.weights") == std::nullopt);
    CHECK(podium_tensor_name(Architecture::Llama, "transformer.ln_f.weight") == std::nullopt);
    CHECK(podium_tensor_name(Architecture::Falcon, "transformer.h.59.ln_attn.bias") == "blk.59.attn_norm_2.bias");
    CHECK(podium_tensor_name(Architecture::Falcon, "transformer.h.0.ln_mlp.weight") == "blk.0.attn_norm.weight");
    CHECK(podium_tensor_name(Architecture::Falcon, "lm_head.weight") == "output.weight");
}

TEST_CASE("hf: missing config.json") {
    TempDir dir;
    const TinyShape s;
    write_hf_folder(dir / "m", llama_config(s), llama_tensors(s));
    std::filesystem::remove(dir / "m" / "config.json");
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }), Contains("config.json") && Contains("no such file"));
}

TEST_CASE("hf: config.json that is not JSON") {
    TempDir dir;
    std::filesystem::create_directories(dir / "m");
    write_file(dir / "m" / "config.json", "{\"model_type\": \"llama\",");
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }), Contains("config.json") && Contains("not valid JSON"));
}

TEST_CASE("hf: unknown architecture") {
    TempDir dir;
    const TinyShape s;
    auto config = llama_config(s);
    config["model_type"] = "gpt2";
    config["architectures"] = {"GPT2LMHeadModel"};
    write_hf_folder(dir / "m", config, llama_tensors(s));
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
               Contains("config.json") && Contains("unsupported architecture") && Contains("gpt2") &&
                   Contains("GPT2LMHeadModel"));
}

TEST_CASE("hf: missing or mistyped config keys") {
    TempDir dir;
    const TinyShape s;
    SECTION("llama without intermediate_size") {
        auto config = llama_config(s);
        config.erase("intermediate_size");
        write_hf_folder(dir / "m", config, llama_tensors(s));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("config.json") && Contains("missing required key \"intermediate_size\""));
    }
    SECTION("falcon without a width under either spelling") {
        auto config = falcon_config(s, true);
        config.erase("hidden_size");
        write_hf_folder(dir / "m", config, falcon_tensors(s, true));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("config.json") && Contains("\"hidden_size\" (or \"n_embed\")"));
    }
    SECTION("a count that is not an integer") {
        auto config = llama_config(s);
        config["num_attention_heads"] = "four";
        write_hf_folder(dir / "m", config, llama_tensors(s));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("config.json") && Contains("num_attention_heads") && Contains("\"four\""));
    }
    SECTION("heads that do not divide the width") {
        auto config = llama_config(s);
        config["num_attention_heads"] = 3;
        write_hf_folder(dir / "m", config, llama_tensors(s));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("config.json") && Contains("not a multiple of the head count 3"));
    }
    SECTION("rope_scaling is refused rather than ignored") {
        auto config = llama_config(s);
        config["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
        write_hf_folder(dir / "m", config, llama_tensors(s));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("config.json") && Contains("rope_scaling"));
    }
    SECTION("Falcon-RW alibi is refused") {
        auto config = falcon_config(s, false);
        config["alibi"] = true;
        write_hf_folder(dir / "m", config, falcon_tensors(s, false));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }), Contains("config.json") && Contains("alibi"));
    }
}

TEST_CASE("hf: index pointing to a missing shard") {
    TempDir dir;
    const TinyShape s;
    write_hf_folder(dir / "m", llama_config(s), llama_tensors(s), 2);
    std::filesystem::remove(dir / "m" / "model-00002-of-00002.safetensors");
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
               Contains("model.safetensors.index.json") && Contains("model-00002-of-00002.safetensors") &&
                   Contains("does not exist"));
}

TEST_CASE("hf: index naming a shard outside the folder") {
    TempDir dir;
    const TinyShape s;
    write_hf_folder(dir / "m", llama_config(s), llama_tensors(s), 2);
    auto index = json::parse(read_file(dir / "m" / "model.safetensors.index.json"));
    index["weight_map"]["model.norm.weight"] = "../elsewhere.safetensors";
    write_file(dir / "m" / "model.safetensors.index.json", index.dump());
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
               Contains("model.safetensors.index.json") && Contains("../elsewhere.safetensors") &&
                   Contains("inside the model folder"));
}

TEST_CASE("hf: index listing a tensor its shard does not hold") {
    TempDir dir;
    const TinyShape s;
    write_hf_folder(dir / "m", llama_config(s), llama_tensors(s), 2);
    auto index = json::parse(read_file(dir / "m" / "model.safetensors.index.json"));
    index["weight_map"]["model.norm.weight"] = "model-00001-of-00002.safetensors";  // it is in shard 2
    write_file(dir / "m" / "model.safetensors.index.json", index.dump());
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
               Contains("model-00001-of-00002.safetensors") && Contains("'model.norm.weight'") &&
                   Contains("does not hold it"));
}

TEST_CASE("hf: a folder without weights") {
    TempDir dir;
    const TinyShape s;
    std::filesystem::create_directories(dir / "m");
    write_file(dir / "m" / "config.json", llama_config(s).dump());
    CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
               Contains("no model.safetensors or model.safetensors.index.json"));
}

TEST_CASE("hf: unknown tensor names, missing tensors and wrong shapes") {
    TempDir dir;
    const TinyShape s;
    SECTION("unknown name") {
        auto tensors = llama_tensors(s);
        tensors.push_back(make_tensor("model.layers.0.mlp.extra_proj.weight", "F32", {4}, 9));
        write_hf_folder(dir / "m", llama_config(s), tensors);
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("model.safetensors") && Contains("'model.layers.0.mlp.extra_proj.weight'") &&
                       Contains("not a known llama tensor name"));
    }
    SECTION("layer beyond num_hidden_layers") {
        auto tensors = llama_tensors(s);
        tensors.push_back(make_tensor("model.layers.7.input_layernorm.weight", "F32", {16}, 9));
        write_hf_folder(dir / "m", llama_config(s), tensors);
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("model.layers.7.input_layernorm.weight") && Contains("beyond the 2 layers"));
    }
    SECTION("missing tensor") {
        auto tensors = llama_tensors(s);
        std::erase_if(tensors, [](const StTensor& t) { return t.name == "model.layers.1.mlp.up_proj.weight"; });
        write_hf_folder(dir / "m", llama_config(s), tensors);
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("missing tensor 'blk.1.ffn_up.weight'"));
    }
    SECTION("vocabulary size disagrees with the embedding") {
        auto config = llama_config(s);
        config["vocab_size"] = 33;
        write_hf_folder(dir / "m", config, llama_tensors(s));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }),
                   Contains("'token_embd.weight' has shape {16, 32}, expected {16, 33}"));
    }
    SECTION("two LayerNorms in the config, one in the weights") {
        TinyShape f = s;
        f.ff = 64;
        write_hf_folder(dir / "m", falcon_config(f, true), falcon_tensors(f, false));
        CHECK_THAT(file_error_message([&] { open_model(dir / "m"); }), Contains("ln_attn"));
    }
}

TEST_CASE("hf: a lone .safetensors file or a missing path is a clear error") {
    TempDir dir;
    write_file(dir / "w.safetensors", safetensors_bytes({make_tensor("x", "F32", {2}, 1)}));
    CHECK_THAT(file_error_message([&] { open_model(dir / "w.safetensors"); }),
               Contains("w.safetensors") && Contains("config.json"));
    CHECK_THAT(file_error_message([&] { open_model(dir / "absent"); }), Contains("absent") && Contains("no such file"));
    write_file(dir / "notes.txt", "hello");
    CHECK_THAT(file_error_message([&] { open_model(dir / "notes.txt"); }),
               Contains("notes.txt") && Contains("not a GGUF file"));
}

TEST_CASE("hf: tokenizer.json beside the weights fills the vocabulary") {
    TempDir dir;
    TinyShape s;
    s.kv = 1;
    s.ff = 64;
    write_hf_folder(dir / "m", falcon_config(s, false), falcon_tensors(s, false));
    const json tokenizer = {
        {"model", {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}}, {"merges", {"a b"}}}},
        {"added_tokens", {{{"id", 3}, {"content", "<|endoftext|>"}, {"special", true}}}},
        {"pre_tokenizer", {{"type", "ByteLevel"}}},
    };
    write_file(dir / "m" / "tokenizer.json", tokenizer.dump());
    const ModelFile m = open_model(dir / "m");
    REQUIRE(m.vocabulary);
    CHECK(m.vocabulary->kind == TokenizerKind::ByteLevelBpe);
    CHECK(m.vocabulary->tokens == std::vector<std::string>{"a", "b", "ab", "<|endoftext|>"});

    const auto r = run_podium("model inspect --json '" + (dir / "m").string() + "'");
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["tokenizer"]["kind"] == "byte-level-bpe");
    CHECK(j["tokenizer"]["vocab_size"] == 4);

    // A broken tokenizer.json leaves the weights usable (scoring token ids) and says why
    // wherever the tokenizer is needed.
    write_file(dir / "m" / "tokenizer.json", "{");
    const ModelFile broken = open_model(dir / "m");
    CHECK_FALSE(broken.vocabulary);
    CHECK_THAT(broken.vocabulary_error, Contains("tokenizer.json"));
    const auto inspect = run_podium("model inspect --json '" + (dir / "m").string() + "'");
    REQUIRE(inspect.exit_code == 0);
    CHECK_THAT(json::parse(inspect.out)["tokenizer"]["error"].get<std::string>(), Contains("tokenizer.json"));
    const auto text = run_podium("logprobs --model '" + (dir / "m").string() + "' --text hello");
    CHECK(text.exit_code == 1);
    CHECK_THAT(text.err, Contains("tokenizer.json"));
}
