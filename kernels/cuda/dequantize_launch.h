#pragma once
// The boundary between nvcc-compiled kernels and host C++: launches report a
// cudaError_t and never throw, so no exception crosses code nvcc compiled.
// Callers validate type and size first (cuda_dequantize.cpp).
#include <cuda_runtime_api.h>

#include <cstddef>

#include "kernels/tensor_type.h"

namespace podium {

// Enqueues the expansion of `n` values (a whole number of blocks) of `type` from
// device bytes `src` into device floats `dst`. cudaErrorInvalidValue for a type
// without a kernel.
cudaError_t launch_dequantize(TensorType type, const void* src, float* dst, std::size_t n,
                              cudaStream_t stream);

}  // namespace podium
