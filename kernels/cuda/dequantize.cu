// GPU twins of dequantize_row_reference (kernels/cpu/dequantize.cpp): one thread
// per output value, so writes coalesce and any row length fits. Products and
// differences use the _rn intrinsics, which nvcc never fuses into an FMA: the
// CPU reference rounds after every operation, and so must we to match it bit for bit.
#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/cuda/dequantize_launch.h"

namespace podium {

namespace {

constexpr unsigned kThreadsPerBlock = 256;
// Enough CTAs to fill any current GPU; longer rows loop (grid-stride).
constexpr std::size_t kMaxBlocks = std::size_t{1} << 16;

// Bytes are read one at a time: GGUF tensors may start at any offset, and the
// block sizes (18, 34, 210 bytes) break 4-byte alignment anyway.
__device__ __forceinline__ std::uint16_t load_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

// Exact for every finite value and infinity (fp16 fits in f32 without rounding).
__device__ __forceinline__ float load_half(const std::uint8_t* p) {
    return __half2float(__ushort_as_half(load_u16(p)));
}

__device__ __forceinline__ std::size_t first_index() {
    return static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ std::size_t grid_stride() {
    return static_cast<std::size_t>(gridDim.x) * blockDim.x;
}

__global__ void dequantize_f16(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride()) dst[i] = load_half(src + 2 * i);
}

__global__ void dequantize_bf16(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride())
        dst[i] = __uint_as_float(static_cast<std::uint32_t>(load_u16(src + 2 * i)) << 16);
}

// Block: fp16 d, int8 qs[32]; y = qs[j] * d.
__global__ void dequantize_q8_0(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride()) {
        const std::uint8_t* block = src + (i / 32) * 34;
        const auto q = static_cast<std::int8_t>(block[2 + i % 32]);
        dst[i] = __fmul_rn(static_cast<float>(q), load_half(block));
    }
}

// Block: fp16 d, uint8 qs[16]; low nibbles are values 0..15, high nibbles 16..31;
// y = (nibble - 8) * d.
__global__ void dequantize_q4_0(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride()) {
        const std::uint8_t* block = src + (i / 32) * 18;
        const unsigned j = i % 32;
        const std::uint8_t byte = block[2 + j % 16];
        const int nibble = j < 16 ? (byte & 0xF) : (byte >> 4);
        dst[i] = __fmul_rn(static_cast<float>(nibble - 8), load_half(block));
    }
}

// Block: fp16 d, fp16 dmin, 12 bytes of 6-bit (scale, min) pairs for 8 sub-blocks
// of 32, uint8 qs[128]. Chunk c (64 values) reads qs[32c..32c+31]: low nibbles
// belong to sub-block 2c, high nibbles to 2c+1. y = (d*sc)*q - dmin*m.
__global__ void dequantize_q4_k(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride()) {
        const std::uint8_t* block = src + (i / 256) * 144;
        const unsigned k = i % 256;
        const unsigned sub = k / 32;  // 0..7
        const std::uint8_t* s = block + 4;
        unsigned sc, m;
        if (sub < 4) {
            sc = s[sub] & 63;
            m = s[sub + 4] & 63;
        } else {
            sc = (s[sub + 4] & 0xF) | ((s[sub - 4] >> 6) << 4);
            m = (s[sub + 4] >> 4) | ((s[sub] >> 6) << 4);
        }
        const std::uint8_t byte = block[16 + 32 * (k / 64) + k % 32];
        const unsigned q = (sub % 2 == 0) ? (byte & 0xF) : (byte >> 4);
        const float scale = __fmul_rn(load_half(block), static_cast<float>(sc));
        const float offset = __fmul_rn(load_half(block + 2), static_cast<float>(m));
        dst[i] = __fsub_rn(__fmul_rn(scale, static_cast<float>(q)), offset);
    }
}

// Block: uint8 ql[128], uint8 qh[64], int8 scales[16], fp16 d (last). Two halves
// of 128 values; within a half, quarter r (32 values) takes its low 4 bits from
// ql[l + 32*(r%2)] (low nibble for r < 2, high for r >= 2) and its top 2 bits from
// qh[l] >> 2r, with scale index l/16 + 2r. y = (d*sc)*(q - 32).
__global__ void dequantize_q6_k(const std::uint8_t* src, float* dst, std::size_t n) {
    for (std::size_t i = first_index(); i < n; i += grid_stride()) {
        const std::uint8_t* block = src + (i / 256) * 210;
        const unsigned k = i % 256;
        const unsigned half = k / 128;
        const unsigned r = (k % 128) / 32;
        const unsigned l = k % 32;
        const std::uint8_t* ql = block + 64 * half;
        const std::uint8_t* qh = block + 128 + 32 * half;
        const auto* sc = reinterpret_cast<const std::int8_t*>(block + 192 + 8 * half);
        const std::uint8_t low_byte = ql[l + 32 * (r % 2)];
        const unsigned low = r < 2 ? (low_byte & 0xF) : (low_byte >> 4);
        const unsigned high = (qh[l] >> (2 * r)) & 3;
        const int q = static_cast<int>(low | (high << 4)) - 32;
        const float scale = __fmul_rn(load_half(block + 208), static_cast<float>(sc[l / 16 + 2 * r]));
        dst[i] = __fmul_rn(scale, static_cast<float>(q));
    }
}

}  // namespace

cudaError_t launch_dequantize(TensorType type, const void* src, float* dst, std::size_t n,
                              cudaStream_t stream) {
    if (n == 0) return cudaSuccess;
    if (type == TensorType::F32)
        return cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice, stream);

    const std::size_t wanted = (n + kThreadsPerBlock - 1) / kThreadsPerBlock;
    const auto blocks = static_cast<unsigned>(wanted < kMaxBlocks ? wanted : kMaxBlocks);
    const auto* bytes = static_cast<const std::uint8_t*>(src);
    switch (type) {
        case TensorType::F16: dequantize_f16<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        case TensorType::BF16: dequantize_bf16<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        case TensorType::Q8_0: dequantize_q8_0<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        case TensorType::Q4_0: dequantize_q4_0<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        case TensorType::Q4_K: dequantize_q4_k<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        case TensorType::Q6_K: dequantize_q6_k<<<blocks, kThreadsPerBlock, 0, stream>>>(bytes, dst, n); break;
        default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

}  // namespace podium
