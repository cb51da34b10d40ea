#include "engine/engine.h"

#include <algorithm>
#include <numeric>

#include "engine/core/error.h"
#include "engine/model/model_file.h"
#include "engine/models/transformer.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/thread_pool.h"

namespace podium {

namespace {

std::size_t common_prefix(const std::vector<std::int32_t>& a, std::span<const std::int32_t> b) {
    const std::size_t n = std::min(a.size(), b.size());
    std::size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

// Empty when every id is a valid token, else a message naming the first bad one.
std::string check_ids(std::span<const std::int32_t> ids, std::size_t n_vocab, const char* what) {
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= n_vocab)
            return std::string(what) + " token " + std::to_string(i) + " has id " + std::to_string(ids[i]) +
                   ", outside the vocabulary [0, " + std::to_string(n_vocab) + ")";
    return {};
}

// lm-eval's get_rolling_token_windows + make_disjoint_window with context_len 1:
// each window predicts up to max_len tokens from the tokens just before them.
std::vector<ScoreRequest> rolling_windows(const std::vector<std::int32_t>& tokens, std::int32_t prefix,
                                          std::size_t max_len) {
    std::vector<ScoreRequest> windows;
    if (tokens.empty()) return windows;
    const std::size_t first = std::min(max_len, tokens.size());
    ScoreRequest w;
    w.context = {prefix};
    w.continuation.assign(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(first));
    windows.push_back(std::move(w));
    std::size_t predicted = first;
    while (predicted < tokens.size()) {
        const std::size_t n_pred = std::min(tokens.size() - predicted, max_len);
        const std::size_t end = predicted + n_pred;
        // Input window: tokens[end - max_len - 1, end - 1); its last n_pred - 1 entries are predictions too.
        const std::size_t input_begin = end > max_len + 1 ? end - max_len - 1 : 0;
        ScoreRequest r;
        r.context.assign(tokens.begin() + static_cast<std::ptrdiff_t>(input_begin),
                         tokens.begin() + static_cast<std::ptrdiff_t>(predicted));
        r.continuation.assign(tokens.begin() + static_cast<std::ptrdiff_t>(predicted),
                              tokens.begin() + static_cast<std::ptrdiff_t>(end));
        windows.push_back(std::move(r));
        predicted = end;
    }
    return windows;
}

}  // namespace

Engine::Engine(const std::filesystem::path& model, EngineOptions options)
    : file_(std::make_unique<ModelFile>(open_model(model))),
      model_(make_transformer(*file_)),
      pool_(std::make_unique<ThreadPool>(options.threads)),
      options_(options) {
    if (file_->vocabulary) tokenizer_ = make_tokenizer(*file_->vocabulary);
}

Engine::~Engine() = default;

const ModelConfig& Engine::config() const { return model_->config(); }

const Tokenizer& Engine::tokenizer() const {
    if (!tokenizer_) throw FileError(file_->path, "the model file carries no tokenizer");
    return *tokenizer_;
}

std::vector<ScoreResult> Engine::score(std::span<const ScoreRequest> requests) {
    const auto& c = config();
    std::vector<ScoreResult> results(requests.size());
    std::vector<std::vector<std::int32_t>> inputs(requests.size());
    std::vector<std::size_t> order;
    std::size_t longest = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        std::string& error = results[i].error;
        if (r.context.empty()) error = "empty context (put BOS or EOT there)";
        else if (r.continuation.empty()) error = "empty continuation";
        else if (r.context.size() + r.continuation.size() - 1 > c.n_ctx)
            error = "request of " + std::to_string(r.context.size() + r.continuation.size()) +
                    " tokens is longer than the model's context of " + std::to_string(c.n_ctx) + " (+1)";
        if (error.empty()) error = check_ids(r.context, c.n_vocab, "context");
        if (error.empty()) error = check_ids(r.continuation, c.n_vocab, "continuation");
        if (!error.empty()) continue;
        inputs[i] = r.context;
        inputs[i].insert(inputs[i].end(), r.continuation.begin(), r.continuation.end() - 1);
        longest = std::max(longest, inputs[i].size());
        order.push_back(i);
    }
    if (order.empty()) return results;

    // Neighbours in sorted order share the longest prefixes; the cache keeps them.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::lexicographical_compare(inputs[a].begin(), inputs[a].end(), inputs[b].begin(), inputs[b].end()) ||
               (inputs[a] == inputs[b] && a < b);
    });
    KvCache cache = model_->make_cache(longest);
    std::vector<float> logits;
    for (std::size_t i : order) {
        const auto& r = requests[i];
        const auto& input = inputs[i];
        const std::size_t first_scored = r.context.size() - 1;
        const std::size_t keep = std::min(common_prefix(cache.tokens(), input), first_scored);
        cache.truncate(keep);
        std::vector<std::size_t> rows(r.continuation.size());
        std::iota(rows.begin(), rows.end(), first_scored - keep);
        logits.resize(rows.size() * c.n_vocab);
        model_->forward(std::span(input).subspan(keep), cache, rows, logits.data(), *pool_);
        ScoreResult& out = results[i];
        out.is_greedy = true;
        for (std::size_t t = 0; t < rows.size(); ++t) {
            const auto lp = token_logprob(&logits[t * c.n_vocab], c.n_vocab, r.continuation[t]);
            out.token_logprobs.push_back(lp.logprob);
            out.logprob += lp.logprob;
            out.is_greedy = out.is_greedy && lp.is_argmax;
        }
    }
    return results;
}

std::vector<RollingResult> Engine::score_rolling(std::span<const RollingRequest> requests) {
    const auto& c = config();
    std::vector<RollingResult> results(requests.size());
    std::vector<ScoreRequest> windows;
    std::vector<std::size_t> owner;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        if (r.prefix_token < 0 || static_cast<std::size_t>(r.prefix_token) >= c.n_vocab) {
            results[i].error = "prefix token " + std::to_string(r.prefix_token) + " is outside the vocabulary";
            continue;
        }
        results[i].error = check_ids(r.tokens, c.n_vocab, "document");
        if (!results[i].ok()) continue;
        for (auto& w : rolling_windows(r.tokens, r.prefix_token, c.n_ctx)) {
            windows.push_back(std::move(w));
            owner.push_back(i);
        }
    }
    const auto scored = score(windows);
    for (std::size_t w = 0; w < scored.size(); ++w) {
        RollingResult& out = results[owner[w]];
        if (!scored[w].ok()) {
            out.error = scored[w].error;
            continue;
        }
        out.logprob += scored[w].logprob;
        out.token_logprobs.insert(out.token_logprobs.end(), scored[w].token_logprobs.begin(),
                                  scored[w].token_logprobs.end());
    }
    return results;
}

}  // namespace podium
