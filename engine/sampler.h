#pragma once
// Picks the next token from logits: argmax at temperature 0, else nucleus (top-p)
// sampling with a seeded generator, so a seed always gives the same text.
#include <cstddef>
#include <cstdint>

namespace podium {

// splitmix64: tiny, fast, and identical on every platform and library version.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    double uniform();  // [0, 1)

private:
    std::uint64_t state_;
};

int sample_token(const float* logits, std::size_t n, float temperature, float top_p, SplitMix64& rng);

}  // namespace podium
