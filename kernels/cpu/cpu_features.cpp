#include "kernels/cpu/cpu_features.h"

namespace podium {

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = [] {
        CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        f.avx2 = __builtin_cpu_supports("avx2");
        f.fma = __builtin_cpu_supports("fma");
        f.f16c = __builtin_cpu_supports("f16c");
        f.avx512f = __builtin_cpu_supports("avx512f");
#endif
        return f;
    }();
    return features;
}

std::string simd_level() {
    const auto& f = cpu_features();
    if (f.avx2 && f.fma && f.f16c) return f.avx512f ? "avx2+fma+f16c (avx512f present)" : "avx2+fma+f16c";
    return "portable";
}

}  // namespace podium
