#pragma once
// The forward pass of one architecture: token ids in, logits out at the rows asked
// for (no output projection elsewhere). One implementation file per architecture.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "engine/kv_cache.h"
#include "engine/model/model_config.h"
#include "kernels/cpu/thread_pool.h"

namespace podium {

struct ModelFile;

// Tokens of one sequence, continuing from what its cache holds.
struct ForwardSegment {
    std::span<const std::int32_t> tokens;
    KvCache* cache = nullptr;
    std::span<const std::size_t> logit_rows;  // indices into `tokens` whose next-token logits are wanted
};

class Transformer {
public:
    virtual ~Transformer() = default;

    const ModelConfig& config() const { return config_; }
    std::size_t kv_dim() const { return static_cast<std::size_t>(config_.n_head_kv) * config_.head_dim(); }
    KvCache make_cache(std::size_t capacity) const { return KvCache(config_.n_layer, kv_dim(), capacity); }

    // Runs several sequences in one pass (their tokens share every matrix product) and
    // appends each segment's tokens to its cache. Logits of all segments' logit_rows are
    // written in order, n_vocab floats each. Each token's result is the same as when its
    // sequence runs alone: products are per token and attention reads only its own cache.
    virtual void forward(std::span<const ForwardSegment> segments, float* logits, ThreadPool& pool) const = 0;

    // One sequence.
    void forward(std::span<const std::int32_t> tokens, KvCache& cache, std::span<const std::size_t> logit_rows,
                 float* logits, ThreadPool& pool) const {
        const ForwardSegment segment{tokens, &cache, logit_rows};
        forward(std::span(&segment, 1), logits, pool);
    }

protected:
    explicit Transformer(ModelConfig config) : config_(std::move(config)) {}
    ModelConfig config_;
};

// Builds the model for the file's architecture; checks every tensor's presence,
// type and shape (FileError naming the tensor otherwise). The file must outlive it.
std::unique_ptr<Transformer> make_transformer(const ModelFile& file);

std::unique_ptr<Transformer> make_llama(const ModelFile& file);
std::unique_ptr<Transformer> make_falcon(const ModelFile& file);

}  // namespace podium
