#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::run_podium;
using podium::test::shared_file;

TEST_CASE("podium logprobs --json gives log P(tokens[i] | tokens[<i]) for i >= 1", "[engine][cli]") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    const std::string text = "Once upon a time, there was a little girl";
    const auto r = run_podium("logprobs --model '" + path->string() + "' --json --text '" + text + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto tokens = j.at("tokens").get<std::vector<std::int32_t>>();
    const auto logprobs = j.at("logprobs").get<std::vector<double>>();
    REQUIRE(tokens.size() == 13);
    CHECK(tokens[0] == 1);  // Llama's tokenizer adds BOS by default
    REQUIRE(logprobs.size() == tokens.size() - 1);

    Engine engine(*path, EngineOptions{1});
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        ScoreRequest req{std::vector<std::int32_t>(tokens.begin(), tokens.begin() + i), {tokens[i]}};
        const auto one = engine.score(std::span(&req, 1));
        CHECK(std::abs(one[0].logprob - logprobs[i - 1]) < 1e-9);
    }
    // The story model finds its favourite opening very likely.
    CHECK(logprobs[1] > -0.1);

    std::string ids;
    for (auto t : tokens) ids += (ids.empty() ? "" : ",") + std::to_string(t);
    const auto by_ids = run_podium("logprobs --model '" + path->string() + "' --json --token-ids " + ids);
    REQUIRE(by_ids.exit_code == 0);
    CHECK(nlohmann::json::parse(by_ids.out) == j);

    const auto no_bos = run_podium("logprobs --model '" + path->string() + "' --json --no-bos --text '" + text + "'");
    REQUIRE(no_bos.exit_code == 0);
    CHECK(nlohmann::json::parse(no_bos.out).at("tokens").size() == 12);
}

TEST_CASE("podium generate --json continues greedily", "[engine][cli]") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    const auto r = run_podium("generate --model '" + path->string() + "' --prompt 'Once upon a time' --max-tokens 8 --json");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("tokens").size() == 8);
    CHECK(j.at("text").get<std::string>().rfind(",", 0) == 0);  // "Once upon a time" is followed by ", there was"
}

TEST_CASE("podium logprobs reports a missing model file and exits 1", "[engine][cli]") {
    const auto r = run_podium("logprobs --model /nonexistent/model.gguf --text hi");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/nonexistent/model.gguf") != std::string::npos);
}

TEST_CASE("podium generate --json stays valid JSON when a byte token splits a character", "[engine][cli]") {
    podium::test::TempDir dir;
    const auto model = dir / "llama.gguf";
    REQUIRE(run_podium("model synth --arch llama --preset tiny --dtype f32 --seed 4 -o '" + model.string() + "'")
                .exit_code == 0);
    // Sampling at a high temperature visits byte tokens that are not whole UTF-8 characters.
    for (int seed = 0; seed < 4; ++seed) {
        const auto r = run_podium("generate --model '" + model.string() +
                                  "' --prompt 'Hello' --max-tokens 24 --temperature 5 --seed " + std::to_string(seed) +
                                  " --json");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j.at("tokens").size() <= 24);  // fewer when EOS was drawn
        CHECK(j.at("text").is_string());
    }
}
