#include "engine/model/model_synth.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/builtin_vocab.h"
#include "kernels/cpu/dequantize.h"

namespace podium {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

// splitmix64's output function (Steele, Lea, Flood 2014).
std::uint64_t splitmix64_mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001B3ull;
    return h;
}

// Sum of four uniform 16-bit lanes has mean 131070 and variance (65536^2 - 1) / 3.
constexpr float kLaneSumMean = 131070.0f;
const float kLaneSumInvStd = static_cast<float>(1.0 / std::sqrt((65536.0 * 65536.0 - 1.0) / 3.0));

float unit_normalish(std::uint64_t bits) {
    const std::uint32_t sum = static_cast<std::uint32_t>(bits & 0xFFFF) +
                              static_cast<std::uint32_t>((bits >> 16) & 0xFFFF) +
                              static_cast<std::uint32_t>((bits >> 32) & 0xFFFF) +
                              static_cast<std::uint32_t>(bits >> 48);
    return (static_cast<float>(sum) - kLaneSumMean) * kLaneSumInvStd;  // both exact up to the multiply
}

bool is_supported_dtype(TensorType type) {
    return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16 ||
           type == TensorType::Q8_0 || type == TensorType::Q4_0;
}

bool is_quantized(TensorType type) { return type == TensorType::Q8_0 || type == TensorType::Q4_0; }

// llama_ftype values llama.cpp stores in general.file_type.
std::uint32_t file_type_of(TensorType dtype) {
    switch (dtype) {
        case TensorType::F32: return 0;
        case TensorType::F16: return 1;
        case TensorType::Q4_0: return 2;
        case TensorType::Q8_0: return 7;
        case TensorType::BF16: return 32;
        default: break;
    }
    throw Error("no llama.cpp file type for tensor type " + std::string(tensor_type_name(dtype)));
}

class PlanBuilder {
public:
    explicit PlanBuilder(SynthPlan& plan) : plan_(plan) {}

    void matrix(std::string name, std::uint64_t row_length, std::uint64_t n_rows, float stddev) {
        TensorType type = plan_.dtype;
        if (row_length % traits(type).block_elems != 0) type = TensorType::F16;
        plan_.tensors.push_back({std::move(name), {row_length, n_rows}, type, 0.0f, stddev});
    }
    void norm_weight(std::string name, std::uint64_t length) {
        plan_.tensors.push_back({std::move(name), {length}, TensorType::F32, 1.0f, 0.05f});
    }
    void norm_bias(std::string name, std::uint64_t length) {
        plan_.tensors.push_back({std::move(name), {length}, TensorType::F32, 0.0f, 0.02f});
    }

private:
    SynthPlan& plan_;
};

std::string block(std::uint32_t layer, const char* what) {
    return "blk." + std::to_string(layer) + "." + what;
}

void check_config(const ModelConfig& c) {
    if (c.n_vocab == 0 || c.n_embd == 0 || c.n_layer == 0 || c.n_head == 0 || c.n_head_kv == 0 ||
        c.n_ff == 0)
        throw Error("synthetic model: every dimension must be positive");
    if (c.n_embd % c.n_head != 0 || c.n_head % c.n_head_kv != 0)
        throw Error("synthetic model: n_embd must divide into n_head heads and n_head into n_head_kv groups");
}

struct VocabSource {
    std::uint32_t n_tokens = 0;
    std::vector<std::pair<std::string, GgufValue>> metadata;  // tokenizer.* keys to write
};

VocabSource vocab_from_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw FileError(path, "vocabulary file not found (expected a GGUF file with tokenizer.ggml.* keys)");
    const GgufFile file = GgufFile::open(path);
    const GgufValue& tokens = file.require_array("tokenizer.ggml.tokens");
    if (tokens.elements.empty() || tokens.element_type != GgufValueType::String)
        throw FileError(path, "tokenizer.ggml.tokens must be a non-empty array of strings");
    if (tokens.elements.size() > 0xFFFFFFFFull)
        throw FileError(path, "tokenizer.ggml.tokens holds more than 2^32 - 1 tokens");
    VocabSource out;
    out.n_tokens = static_cast<std::uint32_t>(tokens.elements.size());
    for (const auto& [key, value] : file.metadata())
        if (key.starts_with("tokenizer.")) out.metadata.emplace_back(key, value);
    return out;
}

VocabSource builtin_vocab_source(Architecture arch, std::uint32_t preset_n_vocab) {
    Vocabulary vocab = builtin_vocabulary(arch);
    pad_vocabulary(vocab, preset_n_vocab);
    VocabSource out;
    out.n_tokens = static_cast<std::uint32_t>(vocab.tokens.size());
    out.metadata = vocabulary_gguf_metadata(vocab);
    return out;
}

VocabSource vocab_for(const SynthOptions& options, const ModelConfig& preset) {
    return options.vocab ? vocab_from_file(*options.vocab) : builtin_vocab_source(preset.arch, preset.n_vocab);
}

ModelConfig config_for(const SynthOptions& options, std::uint32_t n_vocab) {
    ModelConfig config = synth_preset_config(options.arch, options.preset);
    config.n_vocab = n_vocab;
    return config;
}

void set_model_metadata(GgufWriter& writer, const SynthPlan& plan, std::uint64_t seed) {
    const ModelConfig& c = plan.config;
    const std::string arch(architecture_name(c.arch));
    writer.set("general.architecture", GgufValue::string_value(arch));
    writer.set("general.name", GgufValue::string_value(c.name + "-seed" + std::to_string(seed)));
    writer.set("general.file_type", GgufValue::u32(file_type_of(plan.dtype)));
    if (is_quantized(plan.dtype)) writer.set("general.quantization_version", GgufValue::u32(2));
    writer.set(arch + ".context_length", GgufValue::u32(c.n_ctx));
    writer.set(arch + ".embedding_length", GgufValue::u32(c.n_embd));
    writer.set(arch + ".block_count", GgufValue::u32(c.n_layer));
    writer.set(arch + ".feed_forward_length", GgufValue::u32(c.n_ff));
    writer.set(arch + ".attention.head_count", GgufValue::u32(c.n_head));
    writer.set(arch + ".attention.head_count_kv", GgufValue::u32(c.n_head_kv));
    if (c.arch == Architecture::Llama)
        writer.set(arch + ".attention.layer_norm_rms_epsilon", GgufValue::f32(c.norm_eps));
    else
        writer.set(arch + ".attention.layer_norm_epsilon", GgufValue::f32(c.norm_eps));
    writer.set(arch + ".rope.dimension_count", GgufValue::u32(c.n_rot));
    writer.set(arch + ".rope.freq_base", GgufValue::f32(c.rope_freq_base));
    writer.set(arch + ".vocab_size", GgufValue::u32(c.n_vocab));
    if (c.arch == Architecture::Falcon)
        writer.set(arch + ".tensor_data_layout", GgufValue::string_value("jploski"));
}

}  // namespace

std::uint64_t SynthTensor::n_rows() const {
    std::uint64_t rows = 1;
    for (std::size_t i = 1; i < shape.size(); ++i) rows *= shape[i];
    return rows;
}

std::uint64_t SynthTensor::n_elements() const { return row_length() * n_rows(); }

std::size_t SynthTensor::n_bytes() const { return tensor_bytes(type, n_elements()); }

std::uint64_t SynthPlan::parameter_count() const {
    std::uint64_t total = 0;
    for (const auto& t : tensors) total += t.n_elements();
    return total;
}

std::uint64_t SynthPlan::tensor_data_bytes() const {
    std::uint64_t total = 0;
    for (const auto& t : tensors) total += t.n_bytes();
    return total;
}

const SynthTensor* SynthPlan::find(std::string_view name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

SynthPlan plan_synthetic_model(const ModelConfig& config, TensorType dtype) {
    if (!is_supported_dtype(dtype))
        throw Error("unsupported dtype \"" + std::string(tensor_type_name(dtype)) +
                    "\" for a synthetic model: expected f32, f16, bf16, q8_0 or q4_0");
    check_config(config);
    SynthPlan plan;
    plan.config = config;
    plan.dtype = dtype;
    PlanBuilder add(plan);
    const std::uint64_t d = config.n_embd;
    const std::uint64_t kv = std::uint64_t{config.n_head_kv} * config.head_dim();
    const float output_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));

    if (config.arch == Architecture::Llama) {
        add.matrix("token_embd.weight", d, config.n_vocab, 0.02f);
        for (std::uint32_t l = 0; l < config.n_layer; ++l) {
            add.norm_weight(block(l, "attn_norm.weight"), d);
            add.matrix(block(l, "attn_q.weight"), d, d, 0.02f);
            add.matrix(block(l, "attn_k.weight"), d, kv, 0.02f);
            add.matrix(block(l, "attn_v.weight"), d, kv, 0.02f);
            add.matrix(block(l, "attn_output.weight"), d, d, 0.02f);
            add.norm_weight(block(l, "ffn_norm.weight"), d);
            add.matrix(block(l, "ffn_gate.weight"), d, config.n_ff, 0.02f);
            add.matrix(block(l, "ffn_up.weight"), d, config.n_ff, 0.02f);
            add.matrix(block(l, "ffn_down.weight"), config.n_ff, d, 0.02f);
        }
        add.norm_weight("output_norm.weight", d);
        add.matrix("output.weight", d, config.n_vocab, output_std);
    } else {
        // The output projection is tied to token_embd (no output.weight), as in Falcon's checkpoints.
        add.matrix("token_embd.weight", d, config.n_vocab, output_std);
        for (std::uint32_t l = 0; l < config.n_layer; ++l) {
            add.norm_weight(block(l, "attn_norm.weight"), d);
            add.norm_bias(block(l, "attn_norm.bias"), d);
            if (config.falcon_two_norms) {
                add.norm_weight(block(l, "attn_norm_2.weight"), d);
                add.norm_bias(block(l, "attn_norm_2.bias"), d);
            }
            add.matrix(block(l, "attn_qkv.weight"), d, d + 2 * kv, 0.02f);
            add.matrix(block(l, "attn_output.weight"), d, d, 0.02f);
            add.matrix(block(l, "ffn_up.weight"), d, config.n_ff, 0.02f);
            add.matrix(block(l, "ffn_down.weight"), config.n_ff, d, 0.02f);
        }
        add.norm_weight("output_norm.weight", d);
        add.norm_bias("output_norm.bias", d);
    }
    return plan;
}

void synth_row_values(const SynthTensor& tensor, std::uint64_t seed, std::uint64_t row,
                      std::span<float> out) {
    const std::uint64_t tensor_key = splitmix64_mix(seed ^ fnv1a64(tensor.name));
    std::uint64_t state = splitmix64_mix(tensor_key + (row + 1) * kGolden);
    for (float& v : out) {
        state += kGolden;
        v = tensor.mean + tensor.stddev * unit_normalish(splitmix64_mix(state));
    }
}

void synth_tensor_bytes(const SynthTensor& tensor, std::uint64_t seed, std::span<std::uint8_t> out,
                        unsigned n_threads) {
    if (out.size() != tensor.n_bytes())
        throw Error("synth_tensor_bytes: " + tensor.name + " needs " + std::to_string(tensor.n_bytes()) +
                    " bytes, got " + std::to_string(out.size()));
    // Checked here so that nothing can throw inside a worker thread.
    if (tensor.row_length() % traits(tensor.type).block_elems != 0)
        throw Error("synth_tensor_bytes: " + tensor.name + " has rows of " + std::to_string(tensor.row_length()) +
                    ", not a multiple of the " + std::string(tensor_type_name(tensor.type)) + " block size");
    const std::uint64_t n_rows = tensor.n_rows();
    const std::size_t row_length = static_cast<std::size_t>(tensor.row_length());
    const std::size_t row_bytes = tensor_bytes(tensor.type, row_length);
    const auto fill_rows = [&](std::uint64_t first, std::uint64_t last) {
        std::vector<float> values(row_length);
        for (std::uint64_t r = first; r < last; ++r) {
            synth_row_values(tensor, seed, r, values);
            quantize_row_reference(tensor.type, values.data(), out.data() + r * row_bytes, row_length);
        }
    };
    // Rows are independent, so splitting them across threads cannot change a byte.
    constexpr std::uint64_t kMinElementsPerThread = 1 << 18;
    const std::uint64_t useful = std::max<std::uint64_t>(1, tensor.n_elements() / kMinElementsPerThread);
    const std::uint64_t n_workers = std::min<std::uint64_t>({std::max(1u, n_threads), useful, n_rows});
    if (n_workers <= 1) {
        fill_rows(0, n_rows);
        return;
    }
    std::vector<std::thread> workers;
    for (std::uint64_t w = 0; w < n_workers; ++w)
        workers.emplace_back(fill_rows, n_rows * w / n_workers, n_rows * (w + 1) / n_workers);
    for (auto& t : workers) t.join();
}

SynthPlan plan_for_options(const SynthOptions& options) {
    const ModelConfig preset = synth_preset_config(options.arch, options.preset);
    const VocabSource vocab = vocab_for(options, preset);
    return plan_synthetic_model(config_for(options, vocab.n_tokens), options.dtype);
}

SynthResult write_synthetic_model(const SynthOptions& options, const std::filesystem::path& path) {
    const ModelConfig preset = synth_preset_config(options.arch, options.preset);
    const VocabSource vocab = vocab_for(options, preset);
    SynthResult result;
    result.path = path;
    result.plan = plan_synthetic_model(config_for(options, vocab.n_tokens), options.dtype);

    const unsigned n_threads =
        options.n_threads ? options.n_threads : std::max(1u, std::thread::hardware_concurrency());
    GgufWriter writer;
    set_model_metadata(writer, result.plan, options.seed);
    for (const auto& [key, value] : vocab.metadata) writer.set(key, value);
    for (const SynthTensor& tensor : result.plan.tensors) {
        writer.add_tensor(tensor.name, tensor.type, tensor.shape,
                          [tensor, seed = options.seed, n_threads](std::span<std::uint8_t> out) {
                              synth_tensor_bytes(tensor, seed, out, n_threads);
                          });
    }
    writer.write(path);
    result.file_bytes = std::filesystem::file_size(path);
    return result;
}

}  // namespace podium
