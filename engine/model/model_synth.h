#pragma once
// Deterministic synthetic Llama/Falcon GGUF models (`podium model synth`): llama.cpp's
// tensor names and metadata keys, pseudo-random weights from a fixed generator, so the
// same options always give a byte-identical file.
//
// Values: every tensor draws from splitmix64, one counter-based stream per row, keyed by
// (seed, tensor name, row), so rows can be generated in any order on any thread. Each
// 64-bit draw gives one value: its four 16-bit lanes are summed (Irwin-Hall, n=4),
// centred and scaled to unit variance (bounded by +-3.46), then value = mean + std * z.
// No std:: distribution or libm call is involved, so the numbers do not depend on the
// standard library.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/model/model_config.h"
#include "engine/model/synth_presets.h"
#include "kernels/tensor_type.h"

namespace podium {

struct SynthTensor {
    std::string name;
    std::vector<std::uint64_t> shape;  // ggml order: shape[0] is the row length
    TensorType type = TensorType::F32;
    float mean = 0.0f;
    float stddev = 0.02f;

    std::uint64_t row_length() const { return shape.empty() ? 0 : shape[0]; }
    std::uint64_t n_rows() const;
    std::uint64_t n_elements() const;
    std::size_t n_bytes() const;
};

struct SynthPlan {
    ModelConfig config;
    TensorType dtype = TensorType::F32;  // the type asked for the 2-D weights
    std::vector<SynthTensor> tensors;    // in file order

    std::uint64_t parameter_count() const;
    std::uint64_t tensor_data_bytes() const;  // sum of tensor sizes, without alignment padding
    const SynthTensor* find(std::string_view name) const;
};

// The tensors of a model with `config` (n_vocab must be set), named as llama.cpp names them.
// 1-D tensors (norm weights and biases) are F32, as llama.cpp keeps them; 2-D weights get
// `dtype`, except that a weight whose row length is not a multiple of the dtype's block
// falls back to F16, llama.cpp's last resort for rows a quantized type cannot hold.
// Scales: 2-D weights N(0, 0.02), except the output projection (Falcon: the tied token
// embedding) at 1/sqrt(n_embd), so logits have a standard deviation near 1 at every size;
// norm weights 1 +- 0.05 and norm biases 0 +- 0.02 (not exactly 1 and 0, so a forward pass
// that skips them is caught). Throws Error for a dtype other than f32, f16, bf16, q8_0, q4_0.
SynthPlan plan_synthetic_model(const ModelConfig& config, TensorType dtype);

// The f32 values of one row of `tensor` (out.size() == tensor.row_length()).
void synth_row_values(const SynthTensor& tensor, std::uint64_t seed, std::uint64_t row,
                      std::span<float> out);

// The stored bytes of `tensor`: each row generated, then converted with
// quantize_row_reference. out.size() == tensor.n_bytes(). Identical for every n_threads.
void synth_tensor_bytes(const SynthTensor& tensor, std::uint64_t seed, std::span<std::uint8_t> out,
                        unsigned n_threads = 1);

struct SynthOptions {
    SynthArch arch = SynthArch::Llama;
    SynthPreset preset = SynthPreset::Tiny;
    TensorType dtype = TensorType::F32;
    std::uint64_t seed = 0;
    std::optional<std::filesystem::path> vocab;  // a GGUF whose tokenizer.* keys are copied
    unsigned n_threads = 0;                      // 0: one per hardware thread
};

struct SynthResult {
    std::filesystem::path path;
    SynthPlan plan;
    std::uint64_t file_bytes = 0;
};

// The plan for `options`: the preset's shape, with n_vocab taken from the vocab file when
// one is given. Throws FileError for a missing or tokenizer-less vocab file.
SynthPlan plan_for_options(const SynthOptions& options);

// Writes the model to `path` (via PATH.tmp and a rename), one tensor at a time.
SynthResult write_synthetic_model(const SynthOptions& options, const std::filesystem::path& path);

}  // namespace podium
