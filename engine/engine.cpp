#include "engine/engine.h"

#include <algorithm>
#include <numeric>

#include "engine/core/error.h"
#include "engine/model/model_file.h"
#include "engine/models/transformer.h"
#include "engine/request_checks.h"
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
    tokenizer_error_ = file_->vocabulary_error;
    if (file_->vocabulary) {
        try {
            tokenizer_ = make_tokenizer(*file_->vocabulary);
        } catch (const Error& e) {
            tokenizer_error_ = e.what();
        }
    }
}

Engine::~Engine() = default;

const ModelConfig& Engine::config() const { return model_->config(); }

const Tokenizer& Engine::tokenizer() const {
    if (!tokenizer_ && !tokenizer_error_.empty()) throw Error(tokenizer_error_);
    if (!tokenizer_) throw FileError(file_->path, "the model file carries no tokenizer");
    return *tokenizer_;
}

std::vector<ScoreResult> Engine::score(std::span<const ScoreRequest> requests) {
    const auto& c = config();
    std::vector<ScoreResult> results(requests.size());
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        std::string& error = results[i].error;
        if (r.context.empty()) error = "empty context (put BOS or EOT there)";
        else if (r.continuation.empty()) error = "empty continuation";
        else if (r.context.size() + r.continuation.size() - 1 > c.n_ctx)
            error = "request of " + std::to_string(r.context.size() + r.continuation.size()) +
                    " tokens is longer than the model's context of " + std::to_string(c.n_ctx) + " (+1)";
        if (error.empty()) error = check_token_ids(r.context, c.n_vocab, "context");
        if (error.empty()) error = check_token_ids(r.continuation, c.n_vocab, "continuation");
        if (error.empty()) order.push_back(i);
    }
    if (order.empty()) return results;
    score_valid(requests, order, results);
    return results;
}

// Requests with the same context form a group: the context (all but its last token)
// is computed once into a shared prefix cache, and the group's continuations run
// together in one forward pass, each in a small cache extending that prefix. Groups
// are taken in sorted order, so the next group's context reuses the longest common
// prefix of this one's.
void Engine::score_valid(std::span<const ScoreRequest> requests, std::vector<std::size_t> order,
                         std::vector<ScoreResult>& results) {
    const auto& c = config();
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = requests[a].context;
        const auto& y = requests[b].context;
        return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end()) || (x == y && a < b);
    });
    std::size_t longest_context = 0;
    for (std::size_t i : order) longest_context = std::max(longest_context, requests[i].context.size());
    KvCache prefix = model_->make_cache(longest_context);
    std::vector<float> logits;
    for (std::size_t g = 0; g < order.size();) {
        const auto& context = requests[order[g]].context;
        std::size_t group_end = g;
        while (group_end < order.size() && requests[order[group_end]].context == context) ++group_end;

        const std::span<const std::int32_t> shared(context.data(), context.size() - 1);
        prefix.truncate(common_prefix(prefix.tokens(), shared));
        if (prefix.length() < shared.size())
            model_->forward(shared.subspan(prefix.length()), prefix, {}, nullptr, *pool_);

        // Continuations of the group, as many per pass as the token budget allows.
        for (std::size_t first = g; first < group_end;) {
            std::size_t last = first, tokens = 0;
            while (last < group_end && (last == first || tokens + requests[order[last]].continuation.size() <=
                                                             options_.max_batch_tokens))
                tokens += requests[order[last++]].continuation.size();
            std::vector<KvCache> caches;
            std::vector<std::vector<std::int32_t>> inputs;
            std::vector<std::vector<std::size_t>> rows;
            caches.reserve(last - first);
            for (std::size_t i = first; i < last; ++i) {
                const auto& cont = requests[order[i]].continuation;
                inputs.push_back({context.back()});
                inputs.back().insert(inputs.back().end(), cont.begin(), cont.end() - 1);
                rows.emplace_back(cont.size());
                std::iota(rows.back().begin(), rows.back().end(), std::size_t{0});
                caches.emplace_back(c.n_layer, model_->kv_dim(), cont.size(), &prefix);
            }
            std::vector<ForwardSegment> segments;
            for (std::size_t s = 0; s < inputs.size(); ++s) segments.push_back({inputs[s], &caches[s], rows[s]});
            logits.resize(tokens * c.n_vocab);
            model_->forward(segments, logits.data(), *pool_);

            const float* row_logits = logits.data();
            for (std::size_t i = first; i < last; ++i) {
                const auto& cont = requests[order[i]].continuation;
                ScoreResult& out = results[order[i]];
                out.is_greedy = true;
                for (std::size_t t = 0; t < cont.size(); ++t, row_logits += c.n_vocab) {
                    const auto lp = token_logprob(row_logits, c.n_vocab, cont[t]);
                    out.token_logprobs.push_back(lp.logprob);
                    out.logprob += lp.logprob;
                    out.is_greedy = out.is_greedy && lp.is_argmax;
                }
            }
            first = last;
        }
        g = group_end;
    }
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
        results[i].error = check_token_ids(r.tokens, c.n_vocab, "document");
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
