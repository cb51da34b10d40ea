#pragma once
// Independent FMA chains over a vector-traits type S (simd_avx2.h, simd_avx512.h):
// enough chains to cover FMA latency on two ports, so the loop runs at peak.
#include <cstddef>

namespace podium::simd {

// Returns a value derived from the result so the loop is not optimized away.
template <class S, int Chains>
float fma_chains(std::size_t iterations) {
    typename S::Vec acc[Chains];
    for (int i = 0; i < Chains; ++i) acc[i] = S::set1(static_cast<float>(i) * 1e-3f);
    const typename S::Vec a = S::set1(0.999999f), b = S::set1(1e-7f);
    for (std::size_t it = 0; it < iterations; ++it)
        for (int i = 0; i < Chains; ++i) acc[i] = S::fma(acc[i], a, b);
    float sum = 0.0f;
    for (int i = 0; i < Chains; ++i) sum += S::reduce(acc[i]);
    return sum;
}

}  // namespace podium::simd
