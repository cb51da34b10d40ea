#pragma once
// Writes small safetensors files and Hugging Face model folders for the tests:
// tiny Llama (GQA) and Falcon (7B- and 40B-style) checkpoints with known bytes.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace podium::test {

struct StTensor {
    std::string name;
    std::string dtype;  // "F32", "F16", "BF16", ...
    std::vector<std::uint64_t> shape;  // PyTorch order
    std::string bytes;
};

// A tensor of `dtype` whose bytes are a deterministic pattern seeded by `seed`.
StTensor make_tensor(const std::string& name, const std::string& dtype, std::vector<std::uint64_t> shape,
                     std::uint32_t seed);

// The file bytes: 8-byte LE header length, JSON header (padded with spaces to a
// multiple of 8, as the reference writer does), then the data in the given order.
std::string safetensors_bytes(const std::vector<StTensor>& tensors,
                              const nlohmann::json& metadata = nlohmann::json());
// A file with this exact header text and data, for malformed headers.
std::string raw_safetensors(const std::string& header, const std::string& data);

struct TinyShape {
    std::uint64_t d = 16, layers = 2, heads = 4, kv = 2, ff = 24, vocab = 32;
    std::uint64_t head_dim() const { return d / heads; }
};

// HF tensors of a tiny model. Llama includes lm_head and one rotary inv_freq;
// Falcon has no lm_head (tied). two_norms: ln_attn + ln_mlp instead of input_layernorm.
std::vector<StTensor> llama_tensors(const TinyShape& s, const std::string& dtype = "F32");
std::vector<StTensor> falcon_tensors(const TinyShape& s, bool two_norms, const std::string& dtype = "F32");

nlohmann::json llama_config(const TinyShape& s);
nlohmann::json falcon_config(const TinyShape& s, bool new_decoder);  // model_type "falcon"

// Writes config.json and model.safetensors (or, with n_shards > 1, shards plus
// model.safetensors.index.json) into dir.
void write_hf_folder(const std::filesystem::path& dir, const nlohmann::json& config,
                     const std::vector<StTensor>& tensors, int n_shards = 1);

// The message of the FileError `action` throws; "" (and a failed check) when it
// throws nothing or something else.
std::string file_error_message(const std::function<void()>& action);

}  // namespace podium::test
