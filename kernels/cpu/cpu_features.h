#pragma once
#include <string>

namespace podium {

struct CpuFeatures {
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
};

// What this CPU supports, detected once at run time.
const CpuFeatures& cpu_features();
// The SIMD level the CPU kernels use here: "avx512", "avx2+fma+f16c" or "portable".
std::string simd_level();

}  // namespace podium
