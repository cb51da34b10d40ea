#include <catch2/catch.hpp>
#include <cmath>

#include "engine/engine.h"
#include "engine/model/model_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/engine/reference_forward.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::shared_file;

namespace {

// Synthesizes a model with the CLI (the same path users take) into `dir`.
std::filesystem::path synth(const podium::test::TempDir& dir, const std::string& arch, const std::string& dtype,
                            int seed = 7) {
    const auto path = dir / (arch + "-" + dtype + ".gguf");
    const auto r = podium::test::run_podium("model synth --arch " + arch + " --preset tiny --dtype " + dtype +
                                            " --seed " + std::to_string(seed) + " -o '" + path.string() + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return path;
}

std::vector<std::int32_t> some_tokens(std::size_t n, std::int32_t n_vocab, std::uint32_t seed) {
    std::vector<std::int32_t> t;
    std::uint32_t s = seed;
    for (std::size_t i = 0; i < n; ++i) {
        s = s * 1664525u + 1013904223u;
        t.push_back(static_cast<std::int32_t>((s >> 8) % static_cast<std::uint32_t>(n_vocab)));
    }
    return t;
}

// Scores tokens[1..] given tokens[0] through the engine, one request.
std::vector<double> engine_logprobs(Engine& engine, const std::vector<std::int32_t>& tokens) {
    ScoreRequest r;
    r.context = {tokens[0]};
    r.continuation.assign(tokens.begin() + 1, tokens.end());
    auto out = engine.score(std::span(&r, 1));
    REQUIRE(out[0].ok());
    return out[0].token_logprobs;
}

}  // namespace

TEST_CASE("stories260K: greedy from BOS gives llama2.c's 40 tokens", "[engine]") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    Engine engine(*path, EngineOptions{2});
    GenerateRequest req;
    req.prompt = {1};
    req.max_new_tokens = 40;
    const auto out = engine.generate(std::span(&req, 1));
    REQUIRE(out[0].ok());
    const std::vector<std::int32_t> expected{403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317,
                                             426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282,
                                             295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352};
    CHECK(out[0].tokens == expected);
    // Like HF's decode, the SentencePiece prefix space of the first token is dropped.
    CHECK(out[0].text ==
          "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, "
          "she saw a big, r");
}

TEST_CASE("stories260K: engine log-probs match the double-precision reference", "[engine]") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    Engine engine(*path, EngineOptions{2});
    const ModelFile file = open_model(*path);
    auto tokens = some_tokens(48, 512, 3);
    tokens[0] = 1;
    const auto ref = podium::test::reference_forward(file, tokens);
    const auto got = engine_logprobs(engine, tokens);
    REQUIRE(got.size() == ref.logprobs.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::abs(got[i] - ref.logprobs[i]) < 1e-4);
}

TEST_CASE("synthesized f32 models: engine log-probs within 1e-4 of the reference", "[engine]") {
    podium::test::TempDir dir;
    for (const std::string arch : {"llama", "falcon", "falcon-40b"}) {
        SECTION(arch) {
            const auto path = synth(dir, arch, "f32");
            Engine engine(path, EngineOptions{2});
            const ModelFile file = open_model(path);
            const auto tokens = some_tokens(33, static_cast<std::int32_t>(file.config.n_vocab), 11);
            const auto ref = podium::test::reference_forward(file, tokens);
            const auto got = engine_logprobs(engine, tokens);
            REQUIRE(got.size() == ref.logprobs.size());
            double worst = 0;
            for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - ref.logprobs[i]));
            INFO(arch << ": max |engine - reference| = " << worst);
            CHECK(worst < 1e-4);
            CHECK(got.size() == 32);
        }
    }
}

TEST_CASE("shared prefixes, batching and thread counts give bit-identical scores", "[engine]") {
    podium::test::TempDir dir;
    const auto path = synth(dir, "llama", "q8_0");
    Engine one_thread(path, EngineOptions{1});
    Engine two_threads(path, EngineOptions{2});
    const auto n_vocab = static_cast<std::int32_t>(one_thread.config().n_vocab);
    // Four endings of one question, plus a question sharing a few-shot preamble.
    const auto preamble = some_tokens(20, n_vocab, 5);
    std::vector<ScoreRequest> batch;
    for (std::uint32_t e = 0; e < 4; ++e) batch.push_back({preamble, some_tokens(3 + e, n_vocab, 100 + e)});
    auto other = preamble;
    auto tail = some_tokens(6, n_vocab, 9);
    other.insert(other.end(), tail.begin(), tail.end());
    batch.push_back({other, some_tokens(4, n_vocab, 200)});
    batch.push_back({preamble, {}});  // rejected: empty continuation; the rest proceeds

    const auto together = two_threads.score(batch);
    REQUIRE_FALSE(together[5].ok());
    CHECK(together[5].error == "empty continuation");
    for (std::size_t i = 0; i < 5; ++i) {
        const auto alone = one_thread.score(std::span(&batch[i], 1));
        REQUIRE(together[i].ok());
        CHECK(together[i].logprob == alone[0].logprob);  // bit-identical
        CHECK(together[i].token_logprobs == alone[0].token_logprobs);
        CHECK(together[i].is_greedy == alone[0].is_greedy);
    }
}

TEST_CASE("bad requests get an error each while the rest of the batch proceeds", "[engine]") {
    podium::test::TempDir dir;
    const auto path = synth(dir, "falcon", "f16");
    Engine engine(path, EngineOptions{2});
    const auto n_ctx = engine.config().n_ctx;
    const auto n_vocab = static_cast<std::int32_t>(engine.config().n_vocab);
    std::vector<ScoreRequest> batch{
        {{1, 2}, {3}},
        {{}, {3}},
        {{1}, {n_vocab}},
        {std::vector<std::int32_t>(n_ctx + 1, 5), {3}},
        {{1, 2, 3}, {4, 5}},
    };
    const auto out = engine.score(batch);
    CHECK(out[0].ok());
    CHECK(out[1].error.find("empty context") != std::string::npos);
    CHECK(out[2].error.find("outside the vocabulary") != std::string::npos);
    CHECK(out[3].error.find("longer than the model's context") != std::string::npos);
    CHECK(out[4].ok());
    CHECK(out[4].token_logprobs.size() == 2);
}

TEST_CASE("score_rolling predicts every token once, in windows of the context", "[engine]") {
    podium::test::TempDir dir;
    const auto path = synth(dir, "llama", "f32");
    Engine engine(path, EngineOptions{2});
    const auto n_ctx = engine.config().n_ctx;
    const auto n_vocab = static_cast<std::int32_t>(engine.config().n_vocab);
    RollingRequest doc{some_tokens(n_ctx * 2 + 7, n_vocab, 21), 1};
    const auto out = engine.score_rolling(std::span(&doc, 1));
    REQUIRE(out[0].ok());
    REQUIRE(out[0].token_logprobs.size() == doc.tokens.size());
    // The first window is the plain prefix-conditioned score of the first n_ctx tokens.
    ScoreRequest first{{1}, std::vector<std::int32_t>(doc.tokens.begin(), doc.tokens.begin() + n_ctx)};
    const auto first_scored = engine.score(std::span(&first, 1));
    for (std::size_t i = 0; i < n_ctx; ++i) CHECK(out[0].token_logprobs[i] == first_scored[0].token_logprobs[i]);
    double sum = 0;
    for (double lp : out[0].token_logprobs) sum += lp;
    CHECK(out[0].logprob == Approx(sum));
}

TEST_CASE("quantized weights stay within stated tolerances of the f32 model", "[engine]") {
    // Same seed: the synthesizer draws the same f32 weights, then packs them per dtype.
    struct Tolerance {
        const char* dtype;
        double max_abs;  // per-token |logprob - logprob(f32)|
    };
    const Tolerance tolerances[] = {{"f16", 2e-3}, {"bf16", 1.5e-2}, {"q8_0", 3e-2}, {"q4_0", 0.5}};
    podium::test::TempDir dir;
    for (const std::string arch : {"llama", "falcon"}) {
        Engine f32(synth(dir, arch, "f32", 3), EngineOptions{2});
        const auto tokens = some_tokens(40, static_cast<std::int32_t>(f32.config().n_vocab), 8);
        const auto exact = engine_logprobs(f32, tokens);
        for (const auto& tol : tolerances) {
            Engine packed(synth(dir, arch, tol.dtype, 3), EngineOptions{2});
            const auto got = engine_logprobs(packed, tokens);
            double worst = 0;
            for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - exact[i]));
            INFO(arch << " " << tol.dtype << ": max |logprob - f32| = " << worst);
            CHECK(worst < tol.max_abs);
            CHECK(worst > 0);  // the weights really were packed
        }
    }
}

TEST_CASE("continuous batching: each sequence gets exactly the tokens it gets alone", "[engine]") {
    podium::test::TempDir dir;
    const auto path = synth(dir, "llama", "q8_0", 12);
    EngineOptions batched_options{2};
    batched_options.max_batch_sequences = 3;  // fewer slots than requests: sequences join as others finish
    Engine batched(path, batched_options);
    EngineOptions tight{1};
    tight.kv_cache_budget_bytes = 1;  // admits one sequence at a time
    Engine alone(path, tight);
    const auto n_vocab = static_cast<std::int32_t>(batched.config().n_vocab);

    std::vector<GenerateRequest> requests;
    for (std::uint32_t i = 0; i < 7; ++i) {
        GenerateRequest r;
        r.prompt = some_tokens(3 + 5 * i, n_vocab, 40 + i);
        r.max_new_tokens = 4 + static_cast<int>(3 * i);
        r.temperature = i % 2 ? 0.8f : 0.0f;
        r.top_p = 0.9f;
        r.seed = 1000 + i;
        requests.push_back(r);
    }
    requests[3].max_new_tokens = 0;
    requests[5].prompt.clear();  // rejected; the others proceed
    const auto together = batched.generate(requests);
    CHECK_FALSE(together[5].ok());
    CHECK(together[3].tokens.empty());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (i == 5) continue;
        const auto one = alone.generate(std::span(&requests[i], 1));
        INFO("request " << i);
        REQUIRE(together[i].ok());
        CHECK(together[i].tokens == one[0].tokens);
        CHECK(together[i].text == one[0].text);
        CHECK(together[i].finish_reason == one[0].finish_reason);
        if (together[i].finish_reason == "length") CHECK(together[i].tokens.size() == std::size_t(requests[i].max_new_tokens));
    }
}

TEST_CASE("generate stops before the first stop string and at the token limit", "[engine]") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    Engine engine(*path, EngineOptions{2});
    GenerateRequest req;
    req.prompt = engine.tokenizer().encode("Once upon a time", true);
    req.max_new_tokens = 60;
    req.stop = {" named", "."};
    GenerateRequest limited = req;
    limited.stop.clear();
    limited.max_new_tokens = 3;
    const std::vector<GenerateRequest> both{req, limited};
    const auto out = engine.generate(both);
    REQUIRE(out[0].ok());
    CHECK(out[0].finish_reason == "stop");
    CHECK(out[0].text == ", there was a little girl");  // cut before " named", the earlier of the two
    CHECK(out[1].finish_reason == "length");
    CHECK(out[1].tokens.size() == 3);
}
