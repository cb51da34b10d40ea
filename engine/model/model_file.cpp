#include "engine/model/model_file.h"

#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/safetensors/hf_model.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

namespace fs = std::filesystem;

namespace {

std::uint32_t gguf_u32(const GgufFile& file, const std::string& key, std::optional<std::uint32_t> fallback) {
    auto v = file.get_uint(key);
    if (!v) {
        if (fallback) return *fallback;
        v = file.require_uint(key);  // throws "missing required key"
    }
    if (*v > std::numeric_limits<std::uint32_t>::max())
        throw FileError(file.path(), "key \"" + key + "\" is " + std::to_string(*v) + ", expected a value below 2^32");
    return static_cast<std::uint32_t>(*v);
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::ostringstream s;
    s << "{";
    for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    s << "}";
    return s.str();
}

// The ggml-order shape a tensor must have under `c`, or an empty vector for names
// podium does not check (extras such as rope_freqs.weight).
std::vector<std::uint64_t> expected_shape(const ModelConfig& c, std::string_view suffix) {
    const std::uint64_t d = c.n_embd, v = c.n_vocab, ff = c.n_ff;
    const std::uint64_t q = std::uint64_t{c.n_head} * c.head_dim();
    const std::uint64_t kv = std::uint64_t{c.n_head_kv} * c.head_dim();
    struct Rule {
        std::string_view name;
        std::vector<std::uint64_t> shape;
    };
    const Rule rules[] = {
        {"token_embd.weight", {d, v}},    {"output.weight", {d, v}},
        {"output_norm.weight", {d}},      {"output_norm.bias", {d}},
        {"attn_norm.weight", {d}},        {"attn_norm.bias", {d}},
        {"attn_norm_2.weight", {d}},      {"attn_norm_2.bias", {d}},
        {"ffn_norm.weight", {d}},         {"ffn_norm.bias", {d}},
        {"attn_q.weight", {d, q}},        {"attn_q.bias", {q}},
        {"attn_k.weight", {d, kv}},       {"attn_k.bias", {kv}},
        {"attn_v.weight", {d, kv}},       {"attn_v.bias", {kv}},
        {"attn_qkv.weight", {d, q + 2 * kv}}, {"attn_qkv.bias", {q + 2 * kv}},
        {"attn_output.weight", {q, d}},   {"attn_output.bias", {d}},
        {"ffn_gate.weight", {d, ff}},     {"ffn_gate.bias", {ff}},
        {"ffn_up.weight", {d, ff}},       {"ffn_up.bias", {ff}},
        {"ffn_down.weight", {ff, d}},     {"ffn_down.bias", {d}},
    };
    for (const auto& r : rules)
        if (r.name == suffix) return r.shape;
    return {};
}

std::vector<std::string_view> required_block_tensors(const ModelConfig& c) {
    if (c.arch == Architecture::Llama)
        return {"attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight",
                "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"};
    std::vector<std::string_view> names = {"attn_norm.weight", "attn_qkv.weight", "attn_output.weight",
                                           "ffn_up.weight", "ffn_down.weight"};
    if (c.falcon_two_norms) names.push_back("attn_norm_2.weight");
    return names;
}

// Every tensor the architecture needs is present and every known tensor has the
// shape the hyperparameters give it. A file without tensors (a tokenizer-only
// GGUF) is accepted as is.
void check_tensors(const ModelFile& model) {
    if (model.tensors.empty()) return;
    const ModelConfig& c = model.config;
    const std::string sizes = "n_embd " + std::to_string(c.n_embd) + ", n_head " + std::to_string(c.n_head) +
                              ", n_head_kv " + std::to_string(c.n_head_kv) + ", n_ff " + std::to_string(c.n_ff) +
                              ", n_vocab " + std::to_string(c.n_vocab);
    for (const auto& t : model.tensors) {
        std::string_view suffix = t.name;
        if (suffix.starts_with("blk.")) {
            suffix.remove_prefix(4);
            std::uint32_t layer = 0;
            auto [end, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), layer);
            const auto digits = static_cast<std::size_t>(end - suffix.data());
            if (ec != std::errc() || digits == 0 || digits >= suffix.size() || suffix[digits] != '.')
                continue;  // not a block tensor name podium knows
            if (layer >= c.n_layer)
                throw FileError(model.path, "tensor '" + t.name + "' is beyond the model's " +
                                                std::to_string(c.n_layer) + " layers");
            suffix.remove_prefix(digits + 1);
        }
        const auto want = expected_shape(c, suffix);
        if (!want.empty() && t.shape != want)
            throw FileError(model.path, "tensor '" + t.name + "' has shape " + shape_text(t.shape) +
                                            ", expected " + shape_text(want) + " for " + sizes);
    }
    auto require = [&](const std::string& name) {
        if (!model.find(name)) throw FileError(model.path, "missing tensor '" + name + "'");
    };
    require("token_embd.weight");
    require("output_norm.weight");
    if (!c.tied_output) require("output.weight");
    const auto block = required_block_tensors(c);
    for (std::uint32_t i = 0; i < c.n_layer; ++i)
        for (auto name : block) require("blk." + std::to_string(i) + "." + std::string(name));
}

bool starts_with_gguf_magic(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::string_view(magic, 4) == "GGUF";
}

ModelFile open_gguf_model(const fs::path& path) {
    auto gguf = std::make_shared<GgufFile>(GgufFile::open(path));
    ModelFile model;
    model.path = path;
    model.format = ModelFormat::Gguf;
    model.config = config_from_gguf(*gguf);
    for (const auto& info : gguf->tensors()) {
        TensorView view;
        view.name = info.name;
        view.type = info.type;
        view.shape = info.shape;
        view.data = info.data;
        view.n_bytes = info.n_bytes;
        model.tensors.push_back(std::move(view));
    }
    if (gguf->find("tokenizer.ggml.model")) {
        try {
            model.vocabulary = vocabulary_from_gguf(*gguf);
        } catch (const Error& e) {
            model.vocabulary_error = e.what();
        }
    }
    model.storage = std::move(gguf);
    return model;
}

}  // namespace

const TensorView* ModelFile::find(std::string_view name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

std::uint64_t ModelFile::parameter_count() const {
    std::uint64_t n = 0;
    for (const auto& t : tensors) n += t.n_elements();
    return n;
}

ModelConfig config_from_gguf(const GgufFile& file) {
    ModelConfig c;
    const std::string arch = file.require_string("general.architecture");
    if (arch == "llama")
        c.arch = Architecture::Llama;
    else if (arch == "falcon")
        c.arch = Architecture::Falcon;
    else
        throw FileError(file.path(), "general.architecture is \"" + arch + "\"; podium reads llama and falcon");
    const std::string p = arch + ".";
    c.name = file.get_string("general.name").value_or(file.path().stem().string());
    c.n_ctx = gguf_u32(file, p + "context_length", std::nullopt);
    c.n_embd = gguf_u32(file, p + "embedding_length", std::nullopt);
    c.n_layer = gguf_u32(file, p + "block_count", std::nullopt);
    c.n_ff = gguf_u32(file, p + "feed_forward_length", std::nullopt);
    c.n_head = gguf_u32(file, p + "attention.head_count", std::nullopt);
    c.n_head_kv = gguf_u32(file, p + "attention.head_count_kv", c.n_head);
    const std::string eps_key = p + (c.arch == Architecture::Llama ? "attention.layer_norm_rms_epsilon"
                                                                   : "attention.layer_norm_epsilon");
    c.norm_eps = static_cast<float>(file.require_real(eps_key));
    c.n_rot = gguf_u32(file, p + "rope.dimension_count", c.head_dim());
    c.rope_freq_base = static_cast<float>(file.get_real(p + "rope.freq_base").value_or(10000.0));
    if (auto scaling = file.get_string(p + "rope.scaling.type"); scaling && *scaling != "none")
        throw FileError(file.path(), "rope.scaling.type \"" + *scaling +
                                         "\" is not supported; podium implements plain RoPE");

    if (file.get_uint(p + "vocab_size")) {
        c.n_vocab = gguf_u32(file, p + "vocab_size", std::nullopt);
    } else if (file.find("tokenizer.ggml.tokens")) {
        c.n_vocab = static_cast<std::uint32_t>(file.require_array("tokenizer.ggml.tokens").elements.size());
    } else if (const auto* embd = file.find_tensor("token_embd.weight"); embd && embd->shape.size() == 2) {
        c.n_vocab = static_cast<std::uint32_t>(std::min<std::uint64_t>(embd->shape[1], UINT32_MAX));
    }

    if (c.arch == Architecture::Llama) {
        c.rope_pairing = RopePairing::Adjacent;  // the converter permuted q/k back to Meta order
        c.qkv_layout = QkvLayout::Separate;
    } else {
        c.rope_pairing = RopePairing::HalfSplit;
        c.qkv_layout = QkvLayout::Contiguous;  // the converter regrouped qkv to [Q | K | V]
        c.falcon_two_norms = file.find_tensor("blk.0.attn_norm_2.weight") != nullptr;
    }
    c.tied_output = file.find_tensor("output.weight") == nullptr;
    if (auto problem = find_config_problem(c)) throw FileError(file.path(), *problem);
    return c;
}

ModelFile open_model(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) throw FileError(path, "no such file or folder");
    ModelFile model;
    if (fs::is_directory(status)) {
        model = open_hf_model(path);
    } else if (starts_with_gguf_magic(path)) {
        model = open_gguf_model(path);
    } else if (path.extension() == ".safetensors") {
        throw FileError(path, "a safetensors file alone has no hyperparameters; open the folder that "
                              "holds it and its config.json");
    } else {
        throw FileError(path, "not a GGUF file (it does not start with \"GGUF\") nor a model folder");
    }
    check_tensors(model);
    return model;
}

}  // namespace podium
