#pragma once
// Shapes of the synthetic models `podium model synth` writes: three architectures
// (Llama, Falcon-7B style, Falcon-40B style) at three sizes (tiny, 110m, 7b).
#include <cstdint>
#include <string_view>

#include "engine/model/model_config.h"

namespace podium {

enum class SynthArch {
    Llama,       // Llama-2: RMSNorm, SwiGLU, separate q/k/v, untied output
    Falcon,      // Falcon-7B: one LayerNorm per block, fused qkv, multi-query, tied output
    Falcon40b,   // Falcon-40B: two LayerNorms per block (attn_norm_2), grouped KV heads
};

enum class SynthPreset {
    Tiny,  // d=64, 2 layers, 4 heads: fast unit tests
    M110,  // d=768, 12 layers, 12 heads (the shape of llama2.c's stories110M)
    B7,    // Llama-2-7B and Falcon-7B shapes
};

// Parse the CLI spellings ("llama", "falcon", "falcon-40b"; "tiny", "110m", "7b");
// throw Error naming the accepted values.
SynthArch parse_synth_arch(std::string_view name);
SynthPreset parse_synth_preset(std::string_view name);
std::string_view synth_arch_name(SynthArch arch);
std::string_view synth_preset_name(SynthPreset preset);

// The hyperparameters of a preset. n_vocab is the preset's default; a --vocab file
// replaces it with its own token count.
//
//            | llama                    | falcon                   | falcon-40b
//   tiny     | 64/2L/4h/2kv, ff 192     | 64/2L/4h/1kv, ff 256     | 64/2L/4h/2kv, ff 256
//   110m     | 768/12L/12h/12kv, ff 2048| 768/12L/12h/1kv, ff 3072 | 768/12L/12h/4kv, ff 3072
//   7b       | 4096/32L/32h/32kv, 11008 | 4544/32L/71h/1kv, 18176  | 4096/32L/64h/8kv, 16384
//
// Falcon-7B's 4544 = 71 heads of 64, and 71 is prime, so no grouped-KV variant keeps
// that width: falcon-40b at 7b keeps Falcon-7B's depth, head size and 4x FFN with 64
// heads (d=4096) in 8 KV groups, as Falcon-40B groups its 128 heads.
// tiny's n_vocab is 0: the built-in vocabulary's own size. 110m and 7b use 32000
// (Llama) and 65024 (Falcon); the built-in vocabulary is padded to that size.
ModelConfig synth_preset_config(SynthArch arch, SynthPreset preset);

}  // namespace podium
