#include <immintrin.h>

#include <cstddef>
#include <cstdint>

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

// Sum of 64-bit words in [begin, end) with 256-bit loads and four independent
// accumulators: as close to the memory's read speed as one core gets.
std::uint64_t sum_words(const std::uint64_t* begin, const std::uint64_t* end) {
    __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    const std::uint64_t* p = begin;
    for (; p + 16 <= end; p += 16)
        for (int i = 0; i < 4; ++i)
            acc[i] = _mm256_add_epi64(acc[i], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4 * i)));
    std::uint64_t lanes[4];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes),
                        _mm256_add_epi64(_mm256_add_epi64(acc[0], acc[1]), _mm256_add_epi64(acc[2], acc[3])));
    std::uint64_t s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; p < end; ++p) s += *p;
    return s;
}

}  // namespace podium::avx2
