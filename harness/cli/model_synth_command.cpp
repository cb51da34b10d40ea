// `podium model synth`: writes a deterministic synthetic Llama/Falcon GGUF model.
#include <iostream>
#include <memory>
#include <string>

#include "engine/core/error.h"
#include "engine/model/model_synth.h"
#include "harness/cli/commands.h"

namespace podium::cli {

namespace {

struct SynthArgs {
    std::string arch;
    std::string preset = "tiny";
    std::string dtype = "f32";
    std::uint64_t seed = 0;
    std::string vocab;
    std::string output;
    unsigned threads = 0;
};

void run_model_synth(const SynthArgs& args) {
    // Values are checked here (and types a synthetic model cannot use by the planner) rather
    // than by CLI11 validators, so bad ones exit 1 with "podium: error:" like every bad input.
    SynthOptions options;
    options.arch = parse_synth_arch(args.arch);
    options.preset = parse_synth_preset(args.preset);
    const auto dtype = parse_tensor_type(args.dtype);
    if (!dtype) throw Error("unknown dtype \"" + args.dtype + "\": expected f32, f16, bf16, q8_0 or q4_0");
    options.dtype = *dtype;
    options.seed = args.seed;
    if (!args.vocab.empty()) options.vocab = args.vocab;
    options.n_threads = args.threads;

    const SynthResult result = write_synthetic_model(options, args.output);
    std::cout << "wrote " << result.path.string() << ": " << synth_arch_name(options.arch) << " "
              << synth_preset_name(options.preset) << " " << tensor_type_name(options.dtype) << ", " << result.plan.parameter_count() << " parameters, "
              << result.plan.tensors.size() << " tensors, " << result.file_bytes << " bytes\n";
}

}  // namespace

void add_model_synth_command(CLI::App& model) {
    auto args = std::make_shared<SynthArgs>();
    auto* synth = model.add_subcommand(
        "synth", "Write a synthetic Llama/Falcon GGUF model with deterministic random weights");
    synth->add_option("--arch", args->arch, "llama, falcon (7B style) or falcon-40b (two norms, grouped KV)")
        ->required();
    synth->add_option("--preset", args->preset, "tiny, 110m or 7b")->capture_default_str();
    synth->add_option("--dtype", args->dtype, "2-D weight type: f32, f16, bf16, q8_0 or q4_0")
        ->capture_default_str();
    synth->add_option("--seed", args->seed, "Seed of the weights; the same seed gives the same file")
        ->capture_default_str();
    synth->add_option("--vocab", args->vocab,
                      "GGUF file whose tokenizer.* keys are copied (default: a small built-in vocabulary)");
    synth->add_option("--threads", args->threads, "Threads for generating weights (0: all cores)")
        ->capture_default_str();
    synth->add_option("-o,--output", args->output, "Output .gguf file")->required();
    synth->callback([args] { run_model_synth(*args); });
}

}  // namespace podium::cli
