#include <immintrin.h>

#include <cstddef>

namespace podium::avx2 {

// 10 independent 8-lane FMA chains (enough to cover FMA latency on two ports).
// Returns a value derived from the result so the loop is not optimized away.
float fma_chain(std::size_t iterations) {
    __m256 acc[10];
    for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i) * 1e-3f);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (std::size_t it = 0; it < iterations; ++it)
        for (int i = 0; i < 10; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __m256 s = acc[0];
    for (int i = 1; i < 10; ++i) s = _mm256_add_ps(s, acc[i]);
    return _mm256_cvtss_f32(s);
}

}  // namespace podium::avx2
