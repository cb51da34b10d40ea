// The command-line surface as a user meets it: the built `podium` binary, its
// version banner, its help pages and its exit codes.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "build_info.h"
#include "kernels/cuda_runtime_info.h"
#include "tests/support/test_support.h"

namespace podium {
namespace {

using test::run_podium;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The line of `text` that starts with `prefix` (after leading spaces), or "".
std::string line_starting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto start = line.find_first_not_of(' ');
        if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) return line;
    }
    return "";
}

}  // namespace

TEST_CASE("cli: --version prints the version, the SIMD level and the CUDA state", "[cli]") {
    const auto r = run_podium("--version");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind(std::string("podium ") + PODIUM_VERSION + "\n", 0) == 0);
    CHECK_FALSE(line_starting(r.out, "simd:").empty());
    const std::string cuda = line_starting(r.out, "cuda:");
    INFO(r.out);
    REQUIRE_FALSE(cuda.empty());
    if (cuda_compiled()) {
        CHECK(contains(cuda, std::string("compiled for ") + PODIUM_CUDA_ARCHS));
        if (cuda_device_count() == 0)
            CHECK(contains(cuda, "no GPU found"));
        else
            CHECK(contains(cuda, "GPU 0: "));
    } else {
        CHECK(contains(cuda, "not compiled"));
    }
}

TEST_CASE("cli: --help lists the subcommands", "[cli]") {
    const auto r = run_podium("--help");
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    const auto at = r.out.find("Subcommands:");
    REQUIRE(at != std::string::npos);
    const std::string listing = r.out.substr(at);
    for (const char* name : {"model", "tokenize", "bench"}) {
        INFO("subcommand " << name);
        CHECK_FALSE(line_starting(listing, std::string(name) + " ").empty());
    }
}

TEST_CASE("cli: every subcommand has a help page that exits 0", "[cli]") {
    for (const char* args : {"model --help", "model synth --help", "model inspect --help", "tokenize --help",
                             "logprobs --help", "generate --help", "bench --help", "bench tokenizer --help"}) {
        const auto r = run_podium(args);
        INFO("podium " << args << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, "Usage:"));
    }
}

TEST_CASE("cli: a missing or unknown subcommand exits non-zero and says why", "[cli]") {
    for (const char* args : {"", "frobnicate", "model"}) {
        const auto r = run_podium(args);
        INFO("podium " << args << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code != 0);
        CHECK((contains(r.err, "subcommand") || contains(r.err, "frobnicate")));
        CHECK(contains(r.err, "--help"));
    }
}

}  // namespace podium
