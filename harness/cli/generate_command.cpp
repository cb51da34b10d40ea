// podium generate: continue a prompt with the model.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/engine.h"
#include "engine/tokenizer/tokenizer.h"
#include "harness/cli/commands.h"

namespace podium::cli {

namespace {

struct GenerateOptions {
    std::string model;
    std::string prompt;
    int max_tokens = 64;
    float temperature = 0.0f;
    float top_p = 1.0f;
    std::uint64_t seed = 0;
    std::vector<std::string> stop;
    bool no_bos = false;
    bool json = false;
    int threads = 0;
};

void run_generate(const GenerateOptions& o) {
    Engine engine(o.model, EngineOptions{o.threads});
    const Tokenizer& tok = engine.tokenizer();
    GenerateRequest req;
    req.prompt = tok.encode(o.prompt, tok.adds_bos() && !o.no_bos);
    if (req.prompt.empty()) throw Error("the prompt is empty and the tokenizer adds no BOS: nothing to continue from");
    req.max_new_tokens = o.max_tokens;
    req.temperature = o.temperature;
    req.top_p = o.top_p;
    req.seed = o.seed;
    req.stop = o.stop;
    const auto out = engine.generate(std::span(&req, 1));
    if (!out[0].ok()) throw Error(out[0].error);
    if (o.json) {
        std::cout << nlohmann::json{{"tokens", out[0].tokens}, {"text", out[0].text},
                                    {"finish_reason", out[0].finish_reason}}
                         // Text cut mid-character by a byte token: U+FFFD, as HF's decode does.
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
    } else {
        std::cout << o.prompt << out[0].text << "\n";
    }
}

}  // namespace

void add_generate_command(CLI::App& app) {
    auto opts = std::make_shared<GenerateOptions>();
    auto* cmd = app.add_subcommand("generate", "Continue a prompt (greedy unless --temperature > 0)");
    cmd->add_option("--model", opts->model, "GGUF file or Hugging Face model folder")->required();
    cmd->add_option("--prompt", opts->prompt, "The prompt text")->required();
    cmd->add_option("--max-tokens", opts->max_tokens, "Most tokens to generate")->capture_default_str();
    cmd->add_option("--temperature", opts->temperature, "Sampling temperature; 0 is greedy")->capture_default_str();
    cmd->add_option("--top-p", opts->top_p, "Nucleus sampling mass")->capture_default_str();
    cmd->add_option("--seed", opts->seed, "Sampling seed")->capture_default_str();
    cmd->add_option("--stop", opts->stop, "Stop before this string (repeatable)");
    cmd->add_flag("--no-bos", opts->no_bos, "Do not add BOS even where the tokenizer adds it by default");
    cmd->add_flag("--json", opts->json, "Print {\"tokens\":[generated ids],\"text\":...}");
    cmd->add_option("--threads", opts->threads, "Threads (default: all cores)");
    cmd->callback([opts] { run_generate(*opts); });
}

}  // namespace podium::cli
