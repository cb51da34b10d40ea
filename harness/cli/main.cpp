// The `podium` command line: subcommands are registered from harness/cli/*_command.cpp.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "engine/core/error.h"
#include "harness/cli/build_features.h"
#include "harness/cli/commands.h"

int main(int argc, char** argv) {
    CLI::App app{"podium: leaderboard evaluation harness for Llama- and Falcon-family models"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] { return podium::cli::version_text(); },
                         "Print the version and build features");
    podium::cli::add_model_command(app);
    podium::cli::add_tokenize_command(app);
    podium::cli::add_logprobs_command(app);
    podium::cli::add_generate_command(app);
    podium::cli::add_bench_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const podium::Error& e) {
        std::cerr << "podium: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "podium: internal error: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
