#include "tests/safetensors/hf_folder_builder.h"

#include <bit>
#include <cstdio>
#include <cstring>

#include <catch2/catch.hpp>

#include "engine/core/error.h"
#include "kernels/half.h"
#include "tests/support/test_support.h"

namespace podium::test {

using nlohmann::json;

StTensor make_tensor(const std::string& name, const std::string& dtype, std::vector<std::uint64_t> shape,
                     std::uint32_t seed) {
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    StTensor t{name, dtype, std::move(shape), {}};
    for (std::uint64_t i = 0; i < n; ++i) {
        // Distinct small values: each tensor and each position gets its own.
        const float v = static_cast<float>((seed * 131 + i * 7) % 1000) / 256.0f - 1.5f;
        if (dtype == "F32") {
            const auto bits = std::bit_cast<std::uint32_t>(v);
            for (int b = 0; b < 4; ++b) t.bytes.push_back(static_cast<char>(bits >> (8 * b)));
        } else {
            const std::uint16_t h = dtype == "F16" ? f32_to_fp16(v)
                                                   : static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(v) >> 16);
            t.bytes.push_back(static_cast<char>(h & 0xFF));
            t.bytes.push_back(static_cast<char>(h >> 8));
        }
    }
    return t;
}

std::string raw_safetensors(const std::string& header, const std::string& data) {
    std::string out;
    const std::uint64_t n = header.size();
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>(n >> (8 * b)));
    return out + header + data;
}

std::string safetensors_bytes(const std::vector<StTensor>& tensors, const json& metadata) {
    json header = json::object();
    std::string data;
    for (const auto& t : tensors) {
        header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
        data += t.bytes;
    }
    if (!metadata.is_null()) header["__metadata__"] = metadata;
    std::string text = header.dump();
    while (text.size() % 8) text.push_back(' ');
    return raw_safetensors(text, data);
}

std::vector<StTensor> llama_tensors(const TinyShape& s, const std::string& dtype) {
    std::vector<StTensor> t;
    std::uint32_t seed = 1;
    const auto hd = s.head_dim();
    t.push_back(make_tensor("model.embed_tokens.weight", dtype, {s.vocab, s.d}, seed++));
    for (std::uint64_t l = 0; l < s.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        t.push_back(make_tensor(p + "input_layernorm.weight", dtype, {s.d}, seed++));
        t.push_back(make_tensor(p + "self_attn.q_proj.weight", dtype, {s.heads * hd, s.d}, seed++));
        t.push_back(make_tensor(p + "self_attn.k_proj.weight", dtype, {s.kv * hd, s.d}, seed++));
        t.push_back(make_tensor(p + "self_attn.v_proj.weight", dtype, {s.kv * hd, s.d}, seed++));
        t.push_back(make_tensor(p + "self_attn.o_proj.weight", dtype, {s.d, s.heads * hd}, seed++));
        t.push_back(make_tensor(p + "post_attention_layernorm.weight", dtype, {s.d}, seed++));
        t.push_back(make_tensor(p + "mlp.gate_proj.weight", dtype, {s.ff, s.d}, seed++));
        t.push_back(make_tensor(p + "mlp.up_proj.weight", dtype, {s.ff, s.d}, seed++));
        t.push_back(make_tensor(p + "mlp.down_proj.weight", dtype, {s.d, s.ff}, seed++));
    }
    t.push_back(make_tensor("model.layers.0.self_attn.rotary_emb.inv_freq", "F32", {hd / 2}, seed++));
    t.push_back(make_tensor("model.norm.weight", dtype, {s.d}, seed++));
    t.push_back(make_tensor("lm_head.weight", dtype, {s.vocab, s.d}, seed++));
    return t;
}

std::vector<StTensor> falcon_tensors(const TinyShape& s, bool two_norms, const std::string& dtype) {
    std::vector<StTensor> t;
    std::uint32_t seed = 1000;
    const auto hd = s.head_dim();
    t.push_back(make_tensor("transformer.word_embeddings.weight", dtype, {s.vocab, s.d}, seed++));
    for (std::uint64_t l = 0; l < s.layers; ++l) {
        const std::string p = "transformer.h." + std::to_string(l) + ".";
        for (const char* norm : two_norms ? std::vector<const char*>{"ln_attn", "ln_mlp"}
                                          : std::vector<const char*>{"input_layernorm"}) {
            t.push_back(make_tensor(p + norm + ".weight", dtype, {s.d}, seed++));
            t.push_back(make_tensor(p + norm + ".bias", dtype, {s.d}, seed++));
        }
        t.push_back(make_tensor(p + "self_attention.query_key_value.weight", dtype,
                                {(s.heads + 2 * s.kv) * hd, s.d}, seed++));
        t.push_back(make_tensor(p + "self_attention.dense.weight", dtype, {s.d, s.d}, seed++));
        t.push_back(make_tensor(p + "mlp.dense_h_to_4h.weight", dtype, {s.ff, s.d}, seed++));
        t.push_back(make_tensor(p + "mlp.dense_4h_to_h.weight", dtype, {s.d, s.ff}, seed++));
    }
    t.push_back(make_tensor("transformer.ln_f.weight", dtype, {s.d}, seed++));
    t.push_back(make_tensor("transformer.ln_f.bias", dtype, {s.d}, seed++));
    return t;
}

json llama_config(const TinyShape& s) {
    return {{"architectures", {"LlamaForCausalLM"}},
            {"model_type", "llama"},
            {"hidden_size", s.d},
            {"num_hidden_layers", s.layers},
            {"num_attention_heads", s.heads},
            {"num_key_value_heads", s.kv},
            {"intermediate_size", s.ff},
            {"vocab_size", s.vocab},
            {"max_position_embeddings", 4096},
            {"rms_norm_eps", 1e-5},
            {"rope_theta", 500000.0},
            {"rope_scaling", nullptr},
            {"hidden_act", "silu"},
            {"tie_word_embeddings", false}};
}

json falcon_config(const TinyShape& s, bool new_decoder) {
    json c = {{"architectures", {"FalconForCausalLM"}},
              {"model_type", "falcon"},
              {"hidden_size", s.d},
              {"num_hidden_layers", s.layers},
              {"num_attention_heads", s.heads},
              {"vocab_size", s.vocab},
              {"layer_norm_epsilon", 1e-5},
              {"parallel_attn", true},
              {"alibi", false},
              {"bias", false},
              {"new_decoder_architecture", new_decoder}};
    if (new_decoder)
        c["num_kv_heads"] = s.kv;
    else
        c["multi_query"] = true;
    if (s.ff != 4 * s.d) c["ffn_hidden_size"] = s.ff;
    return c;
}

void write_hf_folder(const std::filesystem::path& dir, const json& config, const std::vector<StTensor>& tensors,
                     int n_shards) {
    std::filesystem::create_directories(dir);
    write_file(dir / "config.json", config.dump(2));
    if (n_shards <= 1) {
        write_file(dir / "model.safetensors", safetensors_bytes(tensors));
        return;
    }
    json weight_map = json::object();
    std::vector<std::vector<StTensor>> shards(static_cast<std::size_t>(n_shards));
    for (std::size_t i = 0; i < tensors.size(); ++i) shards[i * shards.size() / tensors.size()].push_back(tensors[i]);
    for (std::size_t k = 0; k < shards.size(); ++k) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", k + 1, shards.size());
        write_file(dir / name, safetensors_bytes(shards[k]));
        for (const auto& t : shards[k]) weight_map[t.name] = name;
    }
    json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}};
    write_file(dir / "model.safetensors.index.json", index.dump(2));
}

std::string file_error_message(const std::function<void()>& action) {
    try {
        action();
    } catch (const FileError& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected a podium::FileError, got: " << e.what());
    }
    FAIL("expected a podium::FileError, nothing was thrown");
    return "";
}

}  // namespace podium::test
