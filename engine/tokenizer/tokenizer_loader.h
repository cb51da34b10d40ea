#pragma once
// Opens the tokenizer of a model given as a .gguf file, a Hugging Face tokenizer.json,
// or a Hugging Face model folder holding tokenizer.json.
#include <filesystem>
#include <memory>

#include "engine/tokenizer/tokenizer.h"

namespace podium {

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model);

}  // namespace podium
