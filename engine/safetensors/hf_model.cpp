#include "engine/safetensors/hf_model.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_set>

#include "engine/core/error.h"
#include "engine/safetensors/safetensors_file.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json_object(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, fs::exists(path) ? "cannot be read" : "no such file");
    std::ostringstream text;
    text << in.rdbuf();
    json j;
    try {
        j = json::parse(text.str());
    } catch (const json::exception& e) {
        throw FileError(path, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw FileError(path, "expected a JSON object at the top level");
    return j;
}

// Typed reads of config.json keys. HF renamed several keys over time, so a lookup
// takes the accepted spellings in order; a null value counts as absent.
class ConfigReader {
public:
    ConfigReader(const fs::path& path, const json& j) : path_(path), j_(j) {}

    const json* find(std::initializer_list<const char*> keys, std::string* found_key = nullptr) const {
        for (const char* k : keys) {
            auto it = j_.find(k);
            if (it != j_.end() && !it->is_null()) {
                if (found_key) *found_key = k;
                return &*it;
            }
        }
        return nullptr;
    }

    std::uint32_t require_u32(std::initializer_list<const char*> keys) const {
        if (auto v = u32(keys)) return *v;
        std::string names;
        for (const char* k : keys) names += (names.empty() ? "\"" : " (or \"") + std::string(k) + "\"";
        if (keys.size() > 1) names += ")";
        throw FileError(path_, "missing required key " + names);
    }

    std::optional<std::uint32_t> u32(std::initializer_list<const char*> keys) const {
        std::string key;
        const json* v = find(keys, &key);
        if (!v) return std::nullopt;
        if (!v->is_number_unsigned() || v->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max())
            throw FileError(path_, "key \"" + key + "\" is " + v->dump() +
                                       ", expected a non-negative integer below 2^32");
        return static_cast<std::uint32_t>(v->get<std::uint64_t>());
    }

    float real_or(const char* key, float fallback) const {
        const json* v = find({key});
        if (!v) return fallback;
        if (!v->is_number()) throw FileError(path_, "key \"" + std::string(key) + "\" is " + v->dump() + ", expected a number");
        return v->get<float>();
    }

    bool bool_or(const char* key, bool fallback) const {
        const json* v = find({key});
        if (!v) return fallback;
        if (!v->is_boolean()) throw FileError(path_, "key \"" + std::string(key) + "\" is " + v->dump() + ", expected true or false");
        return v->get<bool>();
    }

    std::string string_or(const char* key, std::string fallback) const {
        const json* v = find({key});
        if (!v) return fallback;
        if (!v->is_string()) throw FileError(path_, "key \"" + std::string(key) + "\" is " + v->dump() + ", expected a string");
        return v->get<std::string>();
    }

    [[noreturn]] void fail(const std::string& what) const { throw FileError(path_, what); }

private:
    const fs::path& path_;
    const json& j_;
};

enum class HfFamily { Llama, Falcon, RefinedWeb, RefinedWebModel };

HfFamily detect_family(const ConfigReader& r) {
    const std::string model_type = r.string_or("model_type", "");
    std::string architecture;
    if (const json* a = r.find({"architectures"}); a && a->is_array() && !a->empty() && (*a)[0].is_string())
        architecture = (*a)[0].get<std::string>();
    if (model_type == "llama") return HfFamily::Llama;
    if (model_type == "falcon") return HfFamily::Falcon;
    if (model_type == "RefinedWeb") return HfFamily::RefinedWeb;
    if (model_type == "RefinedWebModel") return HfFamily::RefinedWebModel;
    if (model_type.empty()) {
        if (architecture == "LlamaForCausalLM") return HfFamily::Llama;
        if (architecture == "FalconForCausalLM") return HfFamily::Falcon;
    }
    r.fail("unsupported architecture (model_type \"" + model_type + "\", architectures[0] \"" +
           architecture + "\"); podium reads llama and falcon (also RefinedWeb, RefinedWebModel)");
}

// Scaled RoPE (linear, dynamic, llama3, ...) changes every score; refuse it rather than ignore it.
void refuse_rope_scaling(const ConfigReader& r) {
    if (const json* scaling = r.find({"rope_scaling"}))
        r.fail("rope_scaling " + scaling->dump() + " is not supported; podium implements plain RoPE");
}

void read_llama(const ConfigReader& r, ModelConfig& c) {
    c.arch = Architecture::Llama;
    c.n_embd = r.require_u32({"hidden_size"});
    c.n_layer = r.require_u32({"num_hidden_layers"});
    c.n_head = r.require_u32({"num_attention_heads"});
    c.n_head_kv = r.u32({"num_key_value_heads"}).value_or(c.n_head);
    c.n_ff = r.require_u32({"intermediate_size"});
    c.n_vocab = r.require_u32({"vocab_size"});
    c.n_ctx = r.u32({"max_position_embeddings"}).value_or(2048);
    c.norm_eps = r.real_or("rms_norm_eps", 1e-6f);
    c.rope_freq_base = r.real_or("rope_theta", 10000.0f);
    c.tied_output = r.bool_or("tie_word_embeddings", false);
    if (auto head_dim = r.u32({"head_dim"}); head_dim && std::uint64_t{*head_dim} * c.n_head != c.n_embd)
        r.fail("head_dim " + std::to_string(*head_dim) + " times num_attention_heads " +
               std::to_string(c.n_head) + " is not hidden_size " + std::to_string(c.n_embd) +
               "; podium needs head_dim = hidden_size / num_attention_heads");
    refuse_rope_scaling(r);
    if (auto act = r.string_or("hidden_act", "silu"); act != "silu")
        r.fail("hidden_act \"" + act + "\" is not supported; llama models use \"silu\"");
    c.rope_pairing = RopePairing::HalfSplit;  // HF q/k rows are in rotate_half order
    c.qkv_layout = QkvLayout::Separate;
}

void read_falcon(const ConfigReader& r, HfFamily family, ModelConfig& c) {
    c.arch = Architecture::Falcon;
    c.n_embd = r.require_u32({"hidden_size", "n_embed"});
    c.n_layer = r.require_u32({"num_hidden_layers", "n_layer"});
    c.n_head = r.require_u32({"num_attention_heads", "n_head"});
    c.n_vocab = r.u32({"vocab_size"}).value_or(65024);
    c.n_ctx = r.u32({"max_position_embeddings"}).value_or(2048);
    c.n_ff = r.u32({"ffn_hidden_size"}).value_or(4 * c.n_embd);
    c.norm_eps = r.real_or("layer_norm_epsilon", 1e-5f);
    c.rope_freq_base = r.real_or("rope_theta", 10000.0f);
    c.tied_output = r.bool_or("tie_word_embeddings", true);

    // The original checkpoints named the two block styles by model_type; the
    // transformers port made them flags (FalconConfig and its converters).
    bool new_decoder = family == HfFamily::RefinedWeb ||
                       (family == HfFamily::Falcon && r.bool_or("new_decoder_architecture", false));
    if (new_decoder) {
        c.n_head_kv = r.u32({"num_kv_heads", "n_head_kv"}).value_or(c.n_head);
        c.falcon_two_norms = r.u32({"num_ln_in_parallel_attn"}).value_or(2) == 2;
    } else {
        c.n_head_kv = r.bool_or("multi_query", true) ? 1 : c.n_head;
        c.falcon_two_norms = false;
    }
    if (r.bool_or("alibi", false))
        r.fail("alibi is true (Falcon-RW); podium implements Falcon with rotary embeddings only");
    refuse_rope_scaling(r);
    if (!r.bool_or("parallel_attn", true))
        r.fail("parallel_attn is false; podium implements Falcon's parallel attention + MLP block");
    c.n_rot = c.head_dim();
    c.rope_pairing = RopePairing::HalfSplit;
    // HF splits the fused rows per KV group ([q x n_head/n_kv, k, v] each); with
    // one KV head that is already [Q | K | V].
    c.qkv_layout = c.n_head_kv > 1 ? QkvLayout::InterleavedByGroup : QkvLayout::Contiguous;
}

std::string folder_name(const fs::path& dir) {
    fs::path p = dir.lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

struct TensorMapping {
    std::string_view hf_module;
    std::string_view podium_module;
};

constexpr TensorMapping kLlamaGlobal[] = {
    {"model.embed_tokens", "token_embd"},
    {"model.norm", "output_norm"},
    {"lm_head", "output"},
};
constexpr TensorMapping kLlamaLayer[] = {
    {"input_layernorm", "attn_norm"},
    {"self_attn.q_proj", "attn_q"},
    {"self_attn.k_proj", "attn_k"},
    {"self_attn.v_proj", "attn_v"},
    {"self_attn.o_proj", "attn_output"},
    {"post_attention_layernorm", "ffn_norm"},
    {"mlp.gate_proj", "ffn_gate"},
    {"mlp.up_proj", "ffn_up"},
    {"mlp.down_proj", "ffn_down"},
};
constexpr TensorMapping kFalconGlobal[] = {
    {"transformer.word_embeddings", "token_embd"},
    {"transformer.ln_f", "output_norm"},
    {"lm_head", "output"},
};
// Falcon-40B's ln_mlp feeds the MLP and takes llama.cpp's attn_norm slot; ln_attn is attn_norm_2.
constexpr TensorMapping kFalconLayer[] = {
    {"input_layernorm", "attn_norm"},
    {"ln_mlp", "attn_norm"},
    {"ln_attn", "attn_norm_2"},
    {"self_attention.query_key_value", "attn_qkv"},
    {"self_attention.dense", "attn_output"},
    {"mlp.dense_h_to_4h", "ffn_up"},
    {"mlp.dense_4h_to_h", "ffn_down"},
};

template <std::size_t N>
std::optional<std::string> map_module(const TensorMapping (&table)[N], std::string_view name,
                                      std::string_view podium_prefix) {
    for (const auto& m : table) {
        if (!name.starts_with(m.hf_module) || name.size() <= m.hf_module.size() ||
            name[m.hf_module.size()] != '.')
            continue;
        std::string_view suffix = name.substr(m.hf_module.size() + 1);
        if (suffix == "weight" || suffix == "bias")
            return std::string(podium_prefix) + std::string(m.podium_module) + "." + std::string(suffix);
    }
    return std::nullopt;
}

// Splits "PREFIX<digits>.rest" into the layer index and rest.
std::optional<std::pair<std::uint32_t, std::string_view>> split_layer(std::string_view name,
                                                                      std::string_view prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    name.remove_prefix(prefix.size());
    std::uint32_t layer = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), layer);
    const std::size_t digits = static_cast<std::size_t>(end - name.data());
    if (ec != std::errc() || digits == 0 || digits >= name.size() || name[digits] != '.') return std::nullopt;
    return std::make_pair(layer, name.substr(digits + 1));
}

struct HfStorage {
    std::vector<SafetensorsFile> files;
};

void check_shard_name(const fs::path& index, const std::string& tensor, const std::string& shard) {
    const fs::path p(shard);
    bool ok = !shard.empty() && p.is_relative();
    for (const auto& part : p) ok = ok && part != "..";
    if (!ok)
        throw FileError(index, "weight_map gives '" + shard + "' for tensor '" + tensor +
                                   "'; expected a file name inside the model folder");
}

}  // namespace

ModelConfig config_from_hf_json(const fs::path& config_json) {
    const json j = read_json_object(config_json);
    const ConfigReader r(config_json, j);
    ModelConfig c;
    const HfFamily family = detect_family(r);
    if (family == HfFamily::Llama)
        read_llama(r, c);
    else
        read_falcon(r, family, c);
    if (c.arch == Architecture::Llama) c.n_rot = c.head_dim();
    c.name = r.string_or("_name_or_path", "");
    if (c.name.empty()) c.name = folder_name(config_json.parent_path());
    if (auto problem = find_config_problem(c)) throw FileError(config_json, *problem);
    return c;
}

std::optional<std::string> podium_tensor_name(Architecture arch, std::string_view hf_name) {
    if (hf_name.ends_with(".rotary_emb.inv_freq")) return std::string();  // recomputed from rope_theta
    const bool llama = arch == Architecture::Llama;
    const std::string_view layer_prefix = llama ? "model.layers." : "transformer.h.";
    if (auto split = split_layer(hf_name, layer_prefix)) {
        const std::string prefix = "blk." + std::to_string(split->first) + ".";
        return llama ? map_module(kLlamaLayer, split->second, prefix)
                     : map_module(kFalconLayer, split->second, prefix);
    }
    return llama ? map_module(kLlamaGlobal, hf_name, "") : map_module(kFalconGlobal, hf_name, "");
}

ModelFile open_hf_model(const fs::path& dir) {
    ModelFile model;
    model.path = dir;
    model.format = ModelFormat::Safetensors;
    const fs::path config_path = dir / "config.json";
    if (!fs::exists(config_path))
        throw FileError(config_path, "no such file; a Hugging Face model folder needs config.json");
    model.config = config_from_hf_json(config_path);
    const ModelConfig& config = model.config;

    // (shard file, tensor names that file holds); the index's weight_map is the
    // authority for which tensors belong to the model.
    std::vector<std::pair<fs::path, std::optional<std::unordered_set<std::string>>>> shards;
    const fs::path index_path = dir / "model.safetensors.index.json";
    const fs::path single_path = dir / "model.safetensors";
    if (fs::exists(index_path)) {
        const json index = read_json_object(index_path);
        auto map_it = index.find("weight_map");
        if (map_it == index.end() || !map_it->is_object())
            throw FileError(index_path, "missing object \"weight_map\" (tensor name -> shard file)");
        std::map<std::string, std::unordered_set<std::string>> by_shard;
        for (auto it = map_it->begin(); it != map_it->end(); ++it) {
            if (!it->is_string())
                throw FileError(index_path, "weight_map value for '" + it.key() + "' is not a string");
            const auto shard = it->get<std::string>();
            check_shard_name(index_path, it.key(), shard);
            if (!fs::exists(dir / shard))
                throw FileError(index_path, "weight_map names shard '" + shard + "' for tensor '" +
                                                it.key() + "', but " + (dir / shard).string() +
                                                " does not exist");
            by_shard[shard].insert(it.key());
        }
        if (by_shard.empty()) throw FileError(index_path, "weight_map is empty");
        for (auto& [shard, names] : by_shard) shards.emplace_back(dir / shard, std::move(names));
    } else if (fs::exists(single_path)) {
        shards.emplace_back(single_path, std::nullopt);
    } else {
        throw FileError(dir, "no model.safetensors or model.safetensors.index.json in this folder");
    }

    auto storage = std::make_shared<HfStorage>();
    std::set<std::string> seen;
    for (const auto& [shard_path, listed] : shards) {
        storage->files.push_back(SafetensorsFile::open(shard_path));
        const SafetensorsFile& file = storage->files.back();
        if (listed) {
            // Sorted, so the first missing name reported is the same every run.
            for (const auto& name : std::set<std::string>(listed->begin(), listed->end()))
                if (!file.find(name))
                    throw FileError(shard_path, "tensor '" + name + "' is listed for this file in " +
                                                    index_path.filename().string() +
                                                    " but the file does not hold it");
        }
        for (const auto& t : file.tensors()) {
            if (listed && !listed->contains(t.name)) continue;
            auto name = podium_tensor_name(config.arch, t.name);
            if (!name)
                throw FileError(shard_path, "tensor '" + t.name + "' is not a known " +
                                                std::string(architecture_name(config.arch)) +
                                                " tensor name");
            if (name->empty()) continue;
            if (name->starts_with("blk.")) {
                const auto layer = split_layer(*name, "blk.");
                if (!layer || layer->first >= config.n_layer)
                    throw FileError(shard_path, "tensor '" + t.name + "' is beyond the " +
                                                    std::to_string(config.n_layer) +
                                                    " layers config.json declares");
            }
            if (*name == "output.weight" && config.tied_output) continue;  // tied: the embedding serves
            if (!seen.insert(*name).second)
                throw FileError(shard_path, "tensor '" + t.name + "' maps to '" + *name +
                                                "', which another tensor already provides");
            TensorView view;
            view.name = *name;
            view.type = t.type;
            view.shape.assign(t.shape.rbegin(), t.shape.rend());
            view.data = t.data;
            view.n_bytes = t.n_bytes;
            model.tensors.push_back(std::move(view));
        }
    }
    if (!config.tied_output && !seen.contains("output.weight"))
        model.config.tied_output = true;  // no lm_head: the embedding is the output projection

    if (config.arch == Architecture::Falcon) {
        const bool has_norm_2 = seen.contains("blk.0.attn_norm_2.weight");
        if (has_norm_2 != config.falcon_two_norms)
            throw FileError(dir, config.falcon_two_norms
                                     ? "config.json describes two LayerNorms per block (ln_attn, ln_mlp) "
                                       "but transformer.h.0.ln_attn.weight is absent"
                                     : "transformer.h.0.ln_attn.weight is present but config.json "
                                       "describes one LayerNorm per block");
    }

    model.storage = std::move(storage);
    if (const fs::path tokenizer = dir / "tokenizer.json"; fs::exists(tokenizer))
        try {
            model.vocabulary = vocabulary_from_hf_json(tokenizer);
        } catch (const Error& e) {
            model.vocabulary_error = e.what();  // the weights stay usable for token ids
        }
    return model;
}

}  // namespace podium
