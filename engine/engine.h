#pragma once
// The engine's public API: token ids in, log-probabilities and text out. It knows
// nothing of tasks or metrics (those live in harness/).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/model/model_config.h"

namespace podium {

class Tokenizer;

struct EngineOptions {
    int threads = 0;  // 0: one per hardware thread
    // generate: sequences decoded together (continuous batching: finished ones leave,
    // waiting ones join), prompt tokens admitted per step, and the KV-cache memory all
    // running sequences may hold. One sequence is always admitted, whatever the budget.
    int max_batch_sequences = 16;
    std::size_t max_batch_tokens = 2048;
    std::size_t kv_cache_budget_bytes = std::size_t{4} << 30;
};

// Score log P(continuation | context). The context must hold at least one token
// (lm-eval puts BOS/EOT there when the text context is empty).
struct ScoreRequest {
    std::vector<std::int32_t> context;
    std::vector<std::int32_t> continuation;
};

struct ScoreResult {
    double logprob = 0.0;                 // sum over the continuation tokens
    bool is_greedy = false;               // every continuation token is the argmax
    std::vector<double> token_logprobs;   // one per continuation token
    std::string error;                    // non-empty when this request was rejected
    bool ok() const { return error.empty(); }
};

// Perplexity-style scoring of a whole document in windows of the model's context,
// as lm-eval's loglikelihood_rolling: every token is predicted once, the first from
// `prefix_token`.
struct RollingRequest {
    std::vector<std::int32_t> tokens;
    std::int32_t prefix_token = -1;  // BOS or EOT
};

struct RollingResult {
    double logprob = 0.0;
    std::vector<double> token_logprobs;  // one per document token
    std::string error;
    bool ok() const { return error.empty(); }
};

struct GenerateRequest {
    std::vector<std::int32_t> prompt;
    int max_new_tokens = 256;
    std::vector<std::string> stop;  // generation ends before the first occurrence of any
    float temperature = 0.0f;       // 0: greedy
    float top_p = 1.0f;
    std::uint64_t seed = 0;
};

struct GenerateResult {
    std::vector<std::int32_t> tokens;  // generated ids, including any that spell the stop string
    std::string text;                  // decoded, cut before the stop string
    std::string finish_reason;         // "stop", "eos", "length", "context"
    std::string error;
    bool ok() const { return error.empty(); }
};

class Transformer;
struct ModelFile;
class ThreadPool;

class Engine {
public:
    // Opens a GGUF file or HF folder. Throws FileError on a bad file.
    explicit Engine(const std::filesystem::path& model, EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const ModelConfig& config() const;
    bool has_tokenizer() const { return tokenizer_ != nullptr; }
    // Throws Error when the model file carries no tokenizer, or one podium cannot read
    // (the message says why); scoring token ids works either way.
    const Tokenizer& tokenizer() const;

    // Requests sharing a prefix compute it once. Results come back in request order
    // and are bit-identical to scoring each request alone.
    std::vector<ScoreResult> score(std::span<const ScoreRequest> requests);
    std::vector<RollingResult> score_rolling(std::span<const RollingRequest> requests);
    std::vector<GenerateResult> generate(std::span<const GenerateRequest> requests);

private:
    void score_valid(std::span<const ScoreRequest> requests, std::vector<std::size_t> order,
                     std::vector<ScoreResult>& results);

    std::unique_ptr<ModelFile> file_;
    std::unique_ptr<Transformer> model_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::string tokenizer_error_;  // why there is no tokenizer, when the file has a broken one
    std::unique_ptr<ThreadPool> pool_;
    EngineOptions options_;
};

}  // namespace podium
