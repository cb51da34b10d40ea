#include <catch2/catch.hpp>
#include <string>

#include "engine/gguf/gguf_file.h"
#include "engine/model/model_synth.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::run_podium;
using podium::test::TempDir;

TEST_CASE("synth cli: writes the same file as the library and prints a summary", "[synth]") {
    TempDir dir;
    const auto path = dir / "cli.gguf";
    const auto r = run_podium("model synth --arch falcon-40b --preset tiny --dtype q8_0 --seed 5 --threads 3 -o '" +
                              path.string() + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("wrote " + path.string()) == 0);
    CHECK(r.out.find("parameters") != std::string::npos);
    CHECK(r.out.find(std::to_string(std::filesystem::file_size(path)) + " bytes") != std::string::npos);

    SynthOptions options;
    options.arch = SynthArch::Falcon40b;
    options.dtype = TensorType::Q8_0;
    options.seed = 5;
    const SynthResult lib = write_synthetic_model(options, dir / "lib.gguf");
    CHECK(r.out.find(std::to_string(lib.plan.parameter_count()) + " parameters") != std::string::npos);
    CHECK(test::read_file(path) == test::read_file(dir / "lib.gguf"));
}

TEST_CASE("synth cli: defaults are the tiny preset, f32 and seed 0", "[synth]") {
    TempDir dir;
    const auto r = run_podium("model synth --arch llama -o '" + (dir / "d.gguf").string() + "'");
    REQUIRE(r.exit_code == 0);
    const GgufFile file = GgufFile::open(dir / "d.gguf");
    CHECK(file.require_uint("llama.embedding_length") == 64);
    CHECK(file.require_uint("general.file_type") == 0);
    CHECK(file.require_string("general.name") == "podium-synth-llama-tiny-seed0");
}

TEST_CASE("synth cli: bad arguments exit 1 with a clear message", "[synth]") {
    TempDir dir;
    const std::string out = " -o '" + (dir / "x.gguf").string() + "'";
    struct Case {
        std::string args, message;
    };
    const Case cases[] = {
        {"--arch gpt2" + out, "unknown architecture \"gpt2\": expected llama, falcon or falcon-40b"},
        {"--arch llama --preset 13b" + out, "unknown preset \"13b\": expected tiny, 110m or 7b"},
        {"--arch llama --dtype q5_1" + out, "unknown dtype \"q5_1\": expected f32, f16, bf16, q8_0 or q4_0"},
        {"--arch llama --dtype q4_k" + out, "unsupported dtype \"q4_k\" for a synthetic model"},
        {"--arch llama -o '" + (dir / "no" / "such" / "dir" / "x.gguf").string() + "'", "x.gguf"},
        {"--arch falcon --vocab '" + (dir / "nope.gguf").string() + "'" + out,
         "nope.gguf: vocabulary file not found"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        const auto r = run_podium("model synth " + c.args);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("podium: error: ") == 0);
        CHECK(r.err.find(c.message) != std::string::npos);
    }
    CHECK(!std::filesystem::exists(dir / "x.gguf"));
    // A missing required option is CLI11's to report, and it does not exit 0.
    CHECK(run_podium("model synth --arch llama").exit_code != 0);
}
