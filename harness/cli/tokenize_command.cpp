// `podium tokenize`: the token ids of a text under a model's tokenizer.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/tokenizer/tokenizer_loader.h"
#include "harness/cli/commands.h"
#include "harness/cli/text_input.h"

namespace podium::cli {

namespace {

struct TokenizeOptions {
    std::string model;
    TextInput input;
    bool no_bos = false;
    bool json = false;
};

void run_tokenize(const TokenizeOptions& o) {
    const auto tokenizer = load_tokenizer(o.model);
    const std::string text = read_text(o.input);
    const std::vector<std::int32_t> ids = tokenizer->encode(text, /*add_special=*/!o.no_bos);
    if (o.json) {
        std::cout << nlohmann::json{{"tokens", ids}}.dump() << "\n";
        return;
    }
    std::cout << ids.size() << " tokens (" << tokenizer->kind_name() << ", vocabulary of "
              << tokenizer->vocab_size() << ")\n";
    for (std::int32_t id : ids) {
        // The stored piece, JSON-quoted so spaces, newlines and control bytes stay visible.
        const std::string& piece = tokenizer->vocabulary().tokens[static_cast<std::size_t>(id)];
        std::cout << std::setw(8) << id << "  "
                  << nlohmann::json(piece).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
    auto options = std::make_shared<TokenizeOptions>();
    CLI::App* cmd = app.add_subcommand("tokenize", "Print the token ids of a text");
    cmd->add_option("--model", options->model, "A .gguf file, a tokenizer.json, or a HF model folder")->required();
    add_text_options(*cmd, options->input);
    cmd->add_flag("--no-bos", options->no_bos, "Do not add BOS even when the vocabulary adds it by default");
    cmd->add_flag("--json", options->json, "Print {\"tokens\": [...]}");
    cmd->callback([options] { run_tokenize(*options); });
}

}  // namespace podium::cli
