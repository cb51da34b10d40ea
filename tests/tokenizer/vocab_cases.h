#pragma once
// The llama.cpp tokenizer test vectors in shared/data/vocab: ggml-vocab-NAME.gguf with
// its .inp (cases separated by "\n__ggml_vocab_test__\n") and .out (ids per line).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace podium::test {

struct VocabCase {
    std::string text;
    std::vector<std::int32_t> ids;
};

struct VocabFixture {
    std::filesystem::path gguf;
    std::vector<VocabCase> cases;
};

inline std::optional<VocabFixture> load_vocab_fixture(const std::string& name) {
    const auto gguf = shared_file("vocab/ggml-vocab-" + name + ".gguf");
    if (!gguf) return std::nullopt;
    const std::string inp = read_file(gguf->string() + ".inp");
    const std::string out = read_file(gguf->string() + ".out");

    VocabFixture f{*gguf, {}};
    const std::string sep = "\n__ggml_vocab_test__\n";
    for (std::size_t pos = 0;;) {
        const std::size_t next = inp.find(sep, pos);
        if (next == std::string::npos) break;  // the file ends with a separator
        f.cases.push_back({inp.substr(pos, next - pos), {}});
        pos = next + sep.size();
    }
    std::istringstream lines(out);
    std::string line;
    for (std::size_t i = 0; i < f.cases.size() && std::getline(lines, line); ++i) {
        std::istringstream ids(line);
        for (std::int32_t id; ids >> id;) f.cases[i].ids.push_back(id);
    }
    return f;
}

}  // namespace podium::test
