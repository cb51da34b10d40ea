#pragma once
// The --text T | --text-file F pair several subcommands take.
#include <CLI/CLI.hpp>
#include <string>

namespace podium::cli {

struct TextInput {
    std::string text;
    std::string file;
    CLI::Option* text_option = nullptr;
    CLI::Option* file_option = nullptr;
};

// Adds --text and --text-file (mutually exclusive) to `command`.
void add_text_options(CLI::App& command, TextInput& input);
// The text itself; reads the file for --text-file (FileError when unreadable).
// Throws Error when neither option was given.
std::string read_text(const TextInput& input);

}  // namespace podium::cli
