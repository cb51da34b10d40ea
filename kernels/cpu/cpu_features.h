#pragma once
#include <string>
#include <string_view>

namespace podium {

struct CpuFeatures {
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
};

// What this CPU supports, detected once at run time.
const CpuFeatures& cpu_features();

// Instruction sets the CPU kernels have paths for, lowest first. Results are
// bit-identical within one level; different levels sum in different lane widths.
enum class SimdLevel { Portable = 0, Avx2 = 1, Avx512 = 2 };

std::string_view simd_level_name(SimdLevel level);  // "portable", "avx2", "avx512"
bool simd_level_supported(SimdLevel level);
// The best level this CPU supports, or the one $PODIUM_SIMD names (portable, avx2,
// avx512) when that is supported: a way to reproduce another machine's numbers.
SimdLevel active_simd_level();
// One line for `podium --version`: the active level and what the CPU has.
std::string simd_level();

}  // namespace podium
