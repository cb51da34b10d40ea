#include "engine/model/synth_presets.h"

#include <string>

#include "engine/core/error.h"

namespace podium {

SynthArch parse_synth_arch(std::string_view name) {
    if (name == "llama") return SynthArch::Llama;
    if (name == "falcon") return SynthArch::Falcon;
    if (name == "falcon-40b") return SynthArch::Falcon40b;
    throw Error("unknown architecture \"" + std::string(name) +
                "\": expected llama, falcon or falcon-40b");
}

SynthPreset parse_synth_preset(std::string_view name) {
    if (name == "tiny") return SynthPreset::Tiny;
    if (name == "110m") return SynthPreset::M110;
    if (name == "7b") return SynthPreset::B7;
    throw Error("unknown preset \"" + std::string(name) + "\": expected tiny, 110m or 7b");
}

std::string_view synth_arch_name(SynthArch arch) {
    switch (arch) {
        case SynthArch::Llama: return "llama";
        case SynthArch::Falcon: return "falcon";
        case SynthArch::Falcon40b: return "falcon-40b";
    }
    return "unknown";
}

std::string_view synth_preset_name(SynthPreset preset) {
    switch (preset) {
        case SynthPreset::Tiny: return "tiny";
        case SynthPreset::M110: return "110m";
        case SynthPreset::B7: return "7b";
    }
    return "unknown";
}

namespace {

struct Widths {
    std::uint32_t n_embd, n_layer, n_head, n_head_kv, n_ff, n_vocab, n_ctx;
};

Widths llama_widths(SynthPreset preset) {
    switch (preset) {
        case SynthPreset::Tiny: return {64, 2, 4, 2, 192, 0, 512};
        case SynthPreset::M110: return {768, 12, 12, 12, 2048, 32000, 1024};
        case SynthPreset::B7: return {4096, 32, 32, 32, 11008, 32000, 4096};
    }
    return {};
}

Widths falcon_widths(SynthPreset preset) {
    switch (preset) {
        case SynthPreset::Tiny: return {64, 2, 4, 1, 256, 0, 512};
        case SynthPreset::M110: return {768, 12, 12, 1, 3072, 65024, 2048};
        case SynthPreset::B7: return {4544, 32, 71, 1, 18176, 65024, 2048};
    }
    return {};
}

Widths falcon_40b_widths(SynthPreset preset) {
    switch (preset) {
        case SynthPreset::Tiny: return {64, 2, 4, 2, 256, 0, 512};
        case SynthPreset::M110: return {768, 12, 12, 4, 3072, 65024, 2048};
        case SynthPreset::B7: return {4096, 32, 64, 8, 16384, 65024, 2048};
    }
    return {};
}

}  // namespace

ModelConfig synth_preset_config(SynthArch arch, SynthPreset preset) {
    const Widths w = arch == SynthArch::Llama    ? llama_widths(preset)
                     : arch == SynthArch::Falcon ? falcon_widths(preset)
                                                 : falcon_40b_widths(preset);
    ModelConfig config;
    config.arch = arch == SynthArch::Llama ? Architecture::Llama : Architecture::Falcon;
    config.name = "podium-synth-" + std::string(synth_arch_name(arch)) + "-" +
                  std::string(synth_preset_name(preset));
    config.n_vocab = w.n_vocab;
    config.n_ctx = w.n_ctx;
    config.n_embd = w.n_embd;
    config.n_layer = w.n_layer;
    config.n_head = w.n_head;
    config.n_head_kv = w.n_head_kv;
    config.n_ff = w.n_ff;
    config.n_rot = w.n_embd / w.n_head;
    config.norm_eps = 1e-5f;
    config.rope_freq_base = 10000.0f;
    if (arch == SynthArch::Llama) {
        config.rope_pairing = RopePairing::Adjacent;
        config.qkv_layout = QkvLayout::Separate;
    } else {
        config.rope_pairing = RopePairing::HalfSplit;
        config.qkv_layout = QkvLayout::Contiguous;
        config.falcon_two_norms = arch == SynthArch::Falcon40b;
        config.tied_output = true;
    }
    return config;
}

}  // namespace podium
