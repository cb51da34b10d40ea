#include <cstddef>

#include "kernels/cpu/fma_chain.h"
#include "kernels/cpu/simd_avx512.h"

namespace podium::avx512 {

float fma_chain(std::size_t iterations) { return simd::fma_chains<Avx512, 12>(iterations); }

}  // namespace podium::avx512
