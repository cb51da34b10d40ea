// `podium tokenize` end to end through the built binary.
#include <catch2/catch.hpp>

#include "tests/support/test_support.h"

using podium::test::run_podium;

TEST_CASE("podium tokenize --json prints the ids", "[tokenizer][cli]") {
    const auto llama = podium::test::shared_file("vocab/ggml-vocab-llama-spm.gguf");
    const auto falcon = podium::test::shared_file("vocab/ggml-vocab-falcon.gguf");
    if (!llama || !falcon) return;

    auto r = run_podium("tokenize --model '" + llama->string() + "' --json --text 'Hello world'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "{\"tokens\":[1,15043,3186]}\n");

    r = run_podium("tokenize --model '" + llama->string() + "' --json --no-bos --text ' Hello'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "{\"tokens\":[29871,15043]}\n");

    podium::test::TempDir dir;
    podium::test::write_file(dir / "in.txt", "3333\n!!!!!!");
    r = run_podium("tokenize --model '" + falcon->string() + "' --json --text-file '" + (dir / "in.txt").string() + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "{\"tokens\":[22287,30,193,51520]}\n");

    r = run_podium("tokenize --model '" + falcon->string() + "' --text 'Hello world'");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("9856") != std::string::npos);
    CHECK(r.out.find("\"Hello\"") != std::string::npos);

    r = run_podium("tokenize --model '" + (dir / "absent.gguf").string() + "' --text x");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("absent.gguf") != std::string::npos);

    podium::test::write_file(dir / "bad.txt", "ok\xff");
    r = run_podium("tokenize --model '" + falcon->string() + "' --text-file '" + (dir / "bad.txt").string() + "'");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("invalid UTF-8 at byte 2") != std::string::npos);
}
