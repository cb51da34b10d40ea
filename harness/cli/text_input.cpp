#include "harness/cli/text_input.h"

#include <fstream>
#include <sstream>

#include "engine/core/error.h"

namespace podium::cli {

void add_text_options(CLI::App& command, TextInput& input) {
    input.text_option = command.add_option("--text", input.text, "The text");
    input.file_option = command.add_option("--text-file", input.file, "Read the text from this file");
    input.text_option->excludes(input.file_option);
}

std::string read_text(const TextInput& input) {
    if (input.file_option && input.file_option->count() > 0) {
        std::ifstream in(input.file, std::ios::binary);
        if (!in) throw FileError(input.file, "cannot read the text file");
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    if (input.text_option && input.text_option->count() > 0) return input.text;
    throw Error("one of --text or --text-file is required");
}

}  // namespace podium::cli
