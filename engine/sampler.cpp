#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "kernels/cpu/ops.h"

namespace podium {

std::uint64_t SplitMix64::next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int sample_token(const float* logits, std::size_t n, float temperature, float top_p, SplitMix64& rng) {
    if (temperature <= 0.0f) return argmax(logits, n);
    const double max_logit = logits[argmax(logits, n)];
    std::vector<double> probs(n);
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        probs[i] = std::exp((static_cast<double>(logits[i]) - max_logit) / temperature);
        sum += probs[i];
    }
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // Ties broken by id so the order (and the draw) is fully determined.
    std::sort(order.begin(), order.end(), [&](int a, int b) { return probs[a] > probs[b] || (probs[a] == probs[b] && a < b); });
    std::size_t kept = 0;
    double mass = 0.0;
    while (kept < n && (kept == 0 || mass < top_p * sum)) mass += probs[order[kept++]];
    double r = rng.uniform() * mass;
    for (std::size_t i = 0; i < kept; ++i) {
        r -= probs[order[i]];
        if (r < 0.0) return order[i];
    }
    return order[kept - 1];
}

}  // namespace podium
