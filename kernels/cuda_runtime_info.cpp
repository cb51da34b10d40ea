#include "kernels/cuda_runtime_info.h"

#include <sstream>

#if PODIUM_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace podium {

bool cuda_compiled() {
#if PODIUM_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

int cuda_device_count() {
#if PODIUM_HAVE_CUDA
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no driver" error
        return 0;
    }
    return n;
#else
    return 0;
#endif
}

std::string cuda_status() {
#if PODIUM_HAVE_CUDA
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        cudaGetLastError();
        return std::string("no GPU found (") + cudaGetErrorString(err) + ")";
    }
    if (n == 0) return "no GPU found";
    std::ostringstream out;
    for (int i = 0; i < n; ++i) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
        if (i) out << "; ";
        out << "GPU " << i << ": " << prop.name << " (sm_" << prop.major << prop.minor << ", "
            << (prop.totalGlobalMem >> 20) << " MiB)";
    }
    return out.str();
#else
    return "not compiled";
#endif
}

}  // namespace podium
