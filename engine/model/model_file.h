#pragma once
// A model file opened for reading: a GGUF file, or a Hugging Face folder
// (config.json + safetensors, sharded or not). Weights stay in the mmap'd files.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/model_config.h"
#include "engine/model/tensor_view.h"
#include "engine/tokenizer/vocabulary.h"

namespace podium {

class GgufFile;

enum class ModelFormat { Gguf, Safetensors };

struct ModelFile {
    std::filesystem::path path;
    ModelFormat format = ModelFormat::Gguf;
    ModelConfig config;
    std::vector<TensorView> tensors;       // podium (= GGUF) names
    std::optional<Vocabulary> vocabulary;  // absent when the file carries no tokenizer
    // Why the tokenizer could not be read (e.g. an unsupported pre-tokenizer), when it
    // could not: the weights stay usable for scoring token ids.
    std::string vocabulary_error;
    std::shared_ptr<const void> storage;   // keeps the mapped files alive

    const TensorView* find(std::string_view name) const;
    std::uint64_t parameter_count() const;
};

// Opens a .gguf file or a HF model folder. Throws FileError naming the file and the problem.
ModelFile open_model(const std::filesystem::path& path);

// Hyperparameters from GGUF metadata (general.architecture = llama | falcon).
ModelConfig config_from_gguf(const GgufFile& file);

}  // namespace podium
