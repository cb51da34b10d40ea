#include "harness/cli/build_features.h"

#include <sstream>

#include "build_info.h"
#include "kernels/cpu/cpu_features.h"
#include "kernels/cuda_runtime_info.h"

namespace podium::cli {

std::string version_text() {
    std::ostringstream out;
    out << "podium " << PODIUM_VERSION << "\n";
    out << "  build:  " << PODIUM_BUILD_TYPE << ", " << PODIUM_COMPILER << "\n";
    out << "  simd:   " << simd_level() << "\n";
    if (cuda_compiled()) {
        out << "  cuda:   compiled for " << PODIUM_CUDA_ARCHS << "; " << cuda_status() << "\n";
    } else {
        out << "  cuda:   not compiled (no nvcc at build time, or PODIUM_CUDA=OFF)\n";
    }
    return out.str();
}

}  // namespace podium::cli
