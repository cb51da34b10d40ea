#include <catch2/catch.hpp>
#include <cstring>

#include "engine/core/error.h"
#include "engine/engine.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/support/test_support.h"

using namespace podium;

namespace {

// Copies a GGUF file, leaving out tensor `drop` and adding the f32 1-D tensor `extra`.
void rewrite(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& drop,
             const std::string& extra, std::uint64_t extra_size) {
    const GgufFile in = GgufFile::open(from);
    GgufWriter out;
    for (const auto& [key, value] : in.metadata()) out.set(key, value);
    for (const auto& t : in.tensors()) {
        if (t.name == drop) continue;
        out.add_tensor(t.name, t.type, t.shape,
                       [&t](std::span<std::uint8_t> bytes) { std::memcpy(bytes.data(), t.data, bytes.size()); });
    }
    if (!extra.empty())
        out.add_tensor(extra, TensorType::F32, {extra_size}, [](std::span<std::uint8_t> bytes) {
            std::memset(bytes.data(), 0, bytes.size());
        });
    out.write(to);
}

}  // namespace

TEST_CASE("a tensor the model code would ignore (a bias) is refused, naming it", "[engine]") {
    podium::test::TempDir dir;
    const auto base = dir / "llama.gguf";
    REQUIRE(podium::test::run_podium("model synth --arch llama --preset tiny --seed 1 -o '" + base.string() + "'")
                .exit_code == 0);
    rewrite(base, dir / "biased.gguf", "", "blk.0.attn_q.bias", 64);
    try {
        Engine engine(dir / "biased.gguf");
        FAIL("expected a FileError");
    } catch (const FileError& e) {
        CHECK(std::string(e.what()).find("blk.0.attn_q.bias") != std::string::npos);
    }
}

TEST_CASE("a missing weight is refused, naming it", "[engine]") {
    podium::test::TempDir dir;
    const auto base = dir / "falcon.gguf";
    REQUIRE(podium::test::run_podium("model synth --arch falcon --preset tiny --seed 1 -o '" + base.string() + "'")
                .exit_code == 0);
    rewrite(base, dir / "holey.gguf", "blk.1.ffn_up.weight", "", 0);
    const auto r = podium::test::run_podium("logprobs --model '" + (dir / "holey.gguf").string() + "' --text hi");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("blk.1.ffn_up.weight") != std::string::npos);
}
