// podium logprobs: per-token log-probabilities of a text under a model.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/engine.h"
#include "engine/tokenizer/tokenizer.h"
#include "harness/cli/commands.h"
#include "harness/cli/text_input.h"

namespace podium::cli {

namespace {

struct LogprobsOptions {
    std::string model;
    TextInput input;
    std::vector<std::int32_t> token_ids;  // --token-ids: score these ids as they are
    CLI::Option* token_ids_option = nullptr;
    bool no_bos = false;
    bool json = false;
    int threads = 0;
};

void run_logprobs(const LogprobsOptions& o) {
    const bool from_ids = o.token_ids_option->count() > 0;
    const std::string text = from_ids ? std::string() : read_text(o.input);  // before the slow model load
    Engine engine(o.model, EngineOptions{o.threads});
    std::vector<std::int32_t> tokens = o.token_ids;
    if (!from_ids) {
        const Tokenizer& tok = engine.tokenizer();
        tokens = tok.encode(text, tok.adds_bos() && !o.no_bos);
    }
    std::vector<double> logprobs;
    if (tokens.size() >= 2) {
        ScoreRequest r{{tokens[0]}, std::vector<std::int32_t>(tokens.begin() + 1, tokens.end())};
        auto out = engine.score(std::span(&r, 1));
        if (!out[0].ok()) throw Error(out[0].error);
        logprobs = out[0].token_logprobs;
    }
    if (o.json) {
        std::cout << nlohmann::json{{"tokens", tokens}, {"logprobs", logprobs}}.dump() << "\n";
        return;
    }
    double total = 0;
    std::cout << std::setw(6) << "pos" << std::setw(8) << "id" << "  " << std::setw(12) << "logprob" << "  piece\n";
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::cout << std::setw(6) << i << std::setw(8) << tokens[i] << "  " << std::setw(12);
        if (i == 0) std::cout << "-";
        else {
            std::cout << std::fixed << std::setprecision(4) << logprobs[i - 1];
            total += logprobs[i - 1];
        }
        if (engine.has_tokenizer() && static_cast<std::size_t>(tokens[i]) < engine.tokenizer().vocab_size())
            std::cout << "  "
                      << nlohmann::json(engine.tokenizer().vocabulary().tokens[tokens[i]])
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        std::cout << "\n";
    }
    std::cout << "total log-prob " << std::fixed << std::setprecision(4) << total << " over " << logprobs.size()
              << " predicted tokens\n";
}

}  // namespace

void add_logprobs_command(CLI::App& app) {
    auto opts = std::make_shared<LogprobsOptions>();
    auto* cmd = app.add_subcommand("logprobs", "Log-probability of each token of a text given the tokens before it");
    cmd->add_option("--model", opts->model, "GGUF file or Hugging Face model folder")->required();
    add_text_options(*cmd, opts->input);
    opts->token_ids_option = cmd->add_option("--token-ids", opts->token_ids,
                                             "Score these token ids (comma-separated) instead of a text")
                                 ->delimiter(',')
                                 ->excludes(opts->input.text_option)
                                 ->excludes(opts->input.file_option);
    cmd->add_flag("--no-bos", opts->no_bos, "Do not add BOS even where the tokenizer adds it by default");
    cmd->add_flag("--json", opts->json, "Print {\"tokens\":[...],\"logprobs\":[...]}; logprobs[i-1] is log P(tokens[i] | tokens[<i])");
    cmd->add_option("--threads", opts->threads, "Threads (default: all cores)");
    cmd->callback([opts] { run_logprobs(*opts); });
}

}  // namespace podium::cli
