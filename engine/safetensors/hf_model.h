#pragma once
// A Hugging Face model folder: config.json, model.safetensors or a sharded
// model.safetensors.index.json, and tokenizer.json when present. Tensors get
// podium's (= llama.cpp's GGUF) names and ggml-order shapes; their bytes stay in
// the mapped safetensors files (a row-major PyTorch [out, in] weight is
// byte-identical to a ggml {in, out} one, so nothing is transposed).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "engine/model/model_config.h"
#include "engine/model/model_file.h"

namespace podium {

// Hyperparameters from config.json: LlamaForCausalLM (model_type "llama"),
// FalconForCausalLM ("falcon") and the original Falcon configs ("RefinedWeb",
// "RefinedWebModel" with n_head/n_head_kv/n_layer/n_embed keys).
// Throws FileError naming config.json and the key.
ModelConfig config_from_hf_json(const std::filesystem::path& config_json);

// The podium name of a HF tensor name: "model.layers.3.mlp.up_proj.weight" ->
// "blk.3.ffn_up.weight". "" for tensors podium drops (rotary_emb.inv_freq);
// nullopt for names it does not know.
std::optional<std::string> podium_tensor_name(Architecture arch, std::string_view hf_name);

// Opens the folder. Throws FileError naming the file (config.json, the index, a
// shard) and what is wrong with it.
ModelFile open_hf_model(const std::filesystem::path& dir);

}  // namespace podium
