#pragma once
// Hyperparameters of a Llama- or Falcon-family model, whatever file it came from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace podium {

enum class Architecture { Llama, Falcon };
std::string_view architecture_name(Architecture arch);  // "llama", "falcon"

// How RoPE pairs the head dimensions: adjacent (2i, 2i+1) for GGUF Llama (Meta order);
// half-split (i, i + d/2) for HF Llama safetensors and for Falcon from either source.
enum class RopePairing { Adjacent, HalfSplit };

// Row layout of Falcon's fused query_key_value weight.
enum class QkvLayout {
    Separate,            // Llama: attn_q, attn_k, attn_v tensors
    Contiguous,          // GGUF Falcon: [Q(all heads) | K | V]
    InterleavedByGroup,  // HF Falcon-40B/180B: per KV group [q x (n_head/n_kv), k, v]
};

struct ModelConfig {
    Architecture arch = Architecture::Llama;
    std::string name;
    std::uint32_t n_vocab = 0;
    std::uint32_t n_ctx = 0;  // trained context length
    std::uint32_t n_embd = 0;
    std::uint32_t n_layer = 0;
    std::uint32_t n_head = 0;
    std::uint32_t n_head_kv = 0;
    std::uint32_t n_ff = 0;
    std::uint32_t n_rot = 0;  // rotary dimensions per head (= head_dim for Llama and Falcon)
    float norm_eps = 1e-5f;   // RMSNorm eps (Llama) or LayerNorm eps (Falcon)
    float rope_freq_base = 10000.0f;
    RopePairing rope_pairing = RopePairing::Adjacent;
    QkvLayout qkv_layout = QkvLayout::Separate;
    bool falcon_two_norms = false;  // Falcon-40B/180B: ln_attn and ln_mlp
    bool tied_output = false;       // output projection is the token embedding

    std::uint32_t head_dim() const { return n_head ? n_embd / n_head : 0; }
};

// What makes `config` unusable (a zero size, heads that do not divide the width, ...),
// or nullopt when it is consistent. Readers wrap the text in a FileError.
std::optional<std::string> find_config_problem(const ModelConfig& config);

}  // namespace podium
