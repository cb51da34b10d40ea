#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/cpu/fma_chain.h"
#include "kernels/cpu/simd_avx2.h"

namespace podium::avx2 {

float fma_chain(std::size_t iterations) { return simd::fma_chains<Avx2, 10>(iterations); }

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
