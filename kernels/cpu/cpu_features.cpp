#include "kernels/cpu/cpu_features.h"

#include <cstdlib>

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
        f.avx512bw = __builtin_cpu_supports("avx512bw");
#endif
        return f;
    }();
    return features;
}

std::string_view simd_level_name(SimdLevel level) {
    switch (level) {
        case SimdLevel::Portable: return "portable";
        case SimdLevel::Avx2: return "avx2";
        case SimdLevel::Avx512: return "avx512";
    }
    return "portable";
}

bool simd_level_supported(SimdLevel level) {
    const auto& f = cpu_features();
    const bool avx2 = f.avx2 && f.fma && f.f16c;
    switch (level) {
        case SimdLevel::Portable: return true;
        case SimdLevel::Avx2: return avx2;
        case SimdLevel::Avx512: return avx2 && f.avx512f && f.avx512bw;
    }
    return false;
}

SimdLevel active_simd_level() {
    static const SimdLevel level = [] {
        SimdLevel best = SimdLevel::Portable;
        for (SimdLevel l : {SimdLevel::Avx2, SimdLevel::Avx512})
            if (simd_level_supported(l)) best = l;
        if (const char* env = std::getenv("PODIUM_SIMD"); env && *env) {
            for (SimdLevel l : {SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512})
                if (simd_level_name(l) == env && static_cast<int>(l) <= static_cast<int>(best)) return l;
        }
        return best;
    }();
    return level;
}

std::string simd_level() {
    std::string line(simd_level_name(active_simd_level()));
    line += " (CPU has:";
    const auto& f = cpu_features();
    if (f.avx2) line += " avx2";
    if (f.fma) line += " fma";
    if (f.f16c) line += " f16c";
    if (f.avx512f) line += " avx512f";
    if (f.avx512bw) line += " avx512bw";
    return line + ")";
}

}  // namespace podium
