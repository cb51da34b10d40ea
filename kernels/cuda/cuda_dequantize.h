#pragma once
// Expands packed weight rows to f32 on the GPU. Plain C++: includable without
// nvcc and in builds without CUDA, where every call throws podium::Error.
// The numbers equal dequantize_row_reference (kernels/cpu/dequantize.h) bit for
// bit; only NaN payloads may differ (the GPU makes its own canonical NaN).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/tensor_type.h"

// Same type as cudaStream_t, declared here so this header needs no CUDA headers.
struct CUstream_st;

namespace podium {

// Types the GPU dequantizer reads: F32, F16, BF16, Q8_0, Q4_0.
bool cuda_dequantize_supported(TensorType type);

// Enqueues the expansion of `n` values of `type` from device memory `src` into
// device memory `dst` on `stream` (nullptr: the legacy default stream) and
// returns without waiting. `n` must be a multiple of the type's block size;
// `src` may sit at any byte offset (GGUF tensor data need not be aligned).
// Throws podium::Error with CUDA's message when the launch fails.
void cuda_dequantize_rows(TensorType type, const void* src, float* dst, std::size_t n,
                          CUstream_st* stream = nullptr);

// Copies `src` (exactly tensor_bytes(type, n) bytes) to the device, expands
// it there and copies the `n` floats back. Waits for the GPU; for tests and tools.
std::vector<float> cuda_dequantize_on_device(TensorType type, std::span<const std::uint8_t> src,
                                             std::size_t n);

}  // namespace podium
