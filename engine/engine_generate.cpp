// Engine::generate: continuous batching. Each step runs one forward pass over every
// running sequence (one new token each) plus the prompts of sequences joining now;
// finished sequences leave and waiting ones take their place. Each sequence's tokens
// are exactly those it would get alone: products are per token, attention reads only
// its own cache, and each sequence samples with its own seeded generator.
#include <algorithm>
#include <deque>
#include <memory>

#include "engine/engine.h"
#include "engine/models/transformer.h"
#include "engine/request_checks.h"
#include "engine/sampler.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/thread_pool.h"

namespace podium {

namespace {

std::string check_prompt(const GenerateRequest& r, const ModelConfig& c) {
    if (r.prompt.empty()) return "empty prompt (put BOS there)";
    if (r.prompt.size() >= c.n_ctx)
        return "prompt of " + std::to_string(r.prompt.size()) + " tokens fills the model's context of " +
               std::to_string(c.n_ctx);
    return check_token_ids(r.prompt, c.n_vocab, "prompt");
}

struct RunningSequence {
    std::size_t request;
    KvCache cache;
    SplitMix64 rng;
    std::vector<std::int32_t> input;  // tokens to feed in the next step
    std::size_t row = 0;              // this step: which logits row is ours
};

// Takes the sampled token; returns true when the sequence is finished.
bool advance(RunningSequence& s, const GenerateRequest& r, GenerateResult& out, const float* logits,
             std::size_t n_vocab, const Tokenizer* tokenizer) {
    const std::int32_t next = sample_token(logits, n_vocab, r.temperature, r.top_p, s.rng);
    if (tokenizer && next == tokenizer->eos_id()) {
        out.finish_reason = "eos";
        return true;
    }
    out.tokens.push_back(next);
    if (tokenizer && !r.stop.empty()) {
        const std::string text = tokenizer->decode(out.tokens);
        std::size_t cut = std::string::npos;
        for (const auto& stop : r.stop)
            if (!stop.empty()) cut = std::min(cut, text.find(stop));
        if (cut != std::string::npos) {
            out.text = text.substr(0, cut);
            out.finish_reason = "stop";
            return true;
        }
    }
    if (out.tokens.size() >= static_cast<std::size_t>(r.max_new_tokens)) {
        out.finish_reason = "length";
        return true;
    }
    if (s.cache.length() + 1 > s.cache.capacity()) {
        out.finish_reason = "context";
        return true;
    }
    s.input = {next};
    return false;
}

}  // namespace

std::vector<GenerateResult> Engine::generate(std::span<const GenerateRequest> requests) {
    const auto& c = config();
    const Tokenizer* tok = tokenizer_.get();
    std::vector<GenerateResult> results(requests.size());
    std::deque<std::size_t> waiting;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        results[i].error = check_prompt(requests[i], c);
        if (!results[i].ok()) continue;
        if (requests[i].max_new_tokens <= 0) {
            results[i].finish_reason = "length";
            continue;
        }
        waiting.push_back(i);
    }
    const std::size_t bytes_per_position = 2 * sizeof(float) * c.n_layer * model_->kv_dim();
    std::vector<std::unique_ptr<RunningSequence>> running;
    std::size_t cache_bytes = 0;
    std::vector<float> logits;
    while (!waiting.empty() || !running.empty()) {
        // Join: as many waiting sequences as the batch, token and memory budgets allow.
        std::size_t prompt_tokens = 0;
        while (!waiting.empty() && running.size() < static_cast<std::size_t>(std::max(1, options_.max_batch_sequences))) {
            const GenerateRequest& r = requests[waiting.front()];
            const std::size_t capacity = std::min<std::size_t>(c.n_ctx, r.prompt.size() + r.max_new_tokens);
            const bool first = running.empty();
            if (!first && (prompt_tokens + r.prompt.size() > options_.max_batch_tokens ||
                           cache_bytes + capacity * bytes_per_position > options_.kv_cache_budget_bytes))
                break;
            running.push_back(std::make_unique<RunningSequence>(
                RunningSequence{waiting.front(), model_->make_cache(capacity), SplitMix64(r.seed), r.prompt}));
            results[waiting.front()].finish_reason = "length";
            cache_bytes += capacity * bytes_per_position;
            prompt_tokens += r.prompt.size();
            waiting.pop_front();
        }

        std::vector<ForwardSegment> segments;
        std::vector<std::size_t> last_rows(running.size());
        for (std::size_t i = 0; i < running.size(); ++i) {
            last_rows[i] = running[i]->input.size() - 1;
            segments.push_back({running[i]->input, &running[i]->cache, std::span(&last_rows[i], 1)});
        }
        logits.resize(running.size() * c.n_vocab);
        model_->forward(segments, logits.data(), *pool_);

        std::vector<std::unique_ptr<RunningSequence>> still_running;
        for (std::size_t i = 0; i < running.size(); ++i) {
            RunningSequence& s = *running[i];
            GenerateResult& out = results[s.request];
            if (advance(s, requests[s.request], out, &logits[i * c.n_vocab], c.n_vocab, tok)) {
                if (tok && out.finish_reason != "stop") out.text = tok->decode(out.tokens);
                cache_bytes -= s.cache.capacity() * bytes_per_position;
            } else {
                still_running.push_back(std::move(running[i]));
            }
        }
        running = std::move(still_running);
    }
    return results;
}

}  // namespace podium
