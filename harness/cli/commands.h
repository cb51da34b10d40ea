#pragma once
// Each `podium` subcommand registers itself on the CLI11 app from its own file.
// Callbacks throw podium::Error on bad input; main() prints it and exits 1.
#include <CLI/CLI.hpp>

namespace podium::cli {

void add_model_command(CLI::App& app);     // model synth | inspect   (model_command.cpp)
void add_model_synth_command(CLI::App& model);    // model_synth_command.cpp
void add_model_inspect_command(CLI::App& model);  // model_inspect_command.cpp
void add_tokenize_command(CLI::App& app);  // tokenize                (tokenize_command.cpp)
void add_bench_command(CLI::App& app);     // bench tokenizer | ...   (bench_command.cpp)
void add_bench_engine_command(CLI::App& bench);  // bench engine (bench_engine_command.cpp)
void add_logprobs_command(CLI::App& app);  // logprobs                (logprobs_command.cpp)
void add_generate_command(CLI::App& app);  // generate                (generate_command.cpp)

}  // namespace podium::cli
