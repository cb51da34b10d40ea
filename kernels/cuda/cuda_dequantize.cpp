#include "kernels/cuda/cuda_dequantize.h"

#include <string>

#include "engine/core/error.h"

#if PODIUM_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "kernels/cuda/dequantize_launch.h"
#endif

namespace podium {

namespace {

std::string type_name(TensorType type) { return std::string(tensor_type_name(type)); }

void require_whole_blocks(TensorType type, std::size_t n) {
    const std::size_t block = traits(type).block_elems;
    if (n % block != 0)
        throw Error("cuda dequantize: " + std::to_string(n) + " " + type_name(type) +
                    " values is not a whole number of blocks of " + std::to_string(block));
}

#if PODIUM_HAVE_CUDA

void check(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return;
    cudaGetLastError();  // clear it so the next call starts clean
    throw Error(std::string("cuda dequantize: ") + what + " failed: " + cudaGetErrorString(err));
}

class DeviceBuffer {
public:
    explicit DeviceBuffer(std::size_t bytes) {
        if (bytes) check(cudaMalloc(&ptr_, bytes), "cudaMalloc");
    }
    ~DeviceBuffer() {
        if (ptr_) cudaFree(ptr_);
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    void* get() const { return ptr_; }

private:
    void* ptr_ = nullptr;
};

#else

[[noreturn]] void throw_not_compiled() {
    throw Error("cuda dequantize: this podium was built without CUDA (no nvcc at build time, or PODIUM_CUDA=OFF)");
}

#endif

}  // namespace

bool cuda_dequantize_supported(TensorType type) {
    switch (type) {
        case TensorType::F32:
        case TensorType::F16:
        case TensorType::BF16:
        case TensorType::Q8_0:
        case TensorType::Q4_0:
        case TensorType::Q4_K:
        case TensorType::Q6_K: return true;
    }
    return false;
}

void cuda_dequantize_rows(TensorType type, const void* src, float* dst, std::size_t n,
                          CUstream_st* stream) {
    if (!cuda_dequantize_supported(type))
        throw Error("cuda dequantize: no GPU kernel for tensor type id " +
                    std::to_string(static_cast<std::uint32_t>(type)));
    require_whole_blocks(type, n);
    if (n == 0) return;
    if (!src || !dst) throw Error("cuda dequantize: null device pointer for " + std::to_string(n) + " values");
#if PODIUM_HAVE_CUDA
    check(launch_dequantize(type, src, dst, n, stream), "launching the dequantize kernel");
#else
    (void)stream;
    throw_not_compiled();
#endif
}

std::vector<float> cuda_dequantize_on_device(TensorType type, std::span<const std::uint8_t> src,
                                             std::size_t n) {
    if (!cuda_dequantize_supported(type))
        throw Error("cuda dequantize: no GPU kernel for tensor type id " +
                    std::to_string(static_cast<std::uint32_t>(type)));
    require_whole_blocks(type, n);
    // Compared block by block so a huge n cannot overflow the byte count.
    const auto& t = traits(type);
    if (src.size() % t.block_bytes != 0 || src.size() / t.block_bytes != n / t.block_elems)
        throw Error("cuda dequantize: " + std::to_string(n) + " " + type_name(type) + " values need " +
                    std::to_string(n / t.block_elems) + " blocks of " + std::to_string(t.block_bytes) +
                    " bytes, but the input holds " + std::to_string(src.size()) + " bytes");
    if (n == 0) return {};
#if PODIUM_HAVE_CUDA
    std::vector<float> out(n);
    DeviceBuffer device_src(src.size());
    DeviceBuffer device_dst(n * sizeof(float));
    check(cudaMemcpy(device_src.get(), src.data(), src.size(), cudaMemcpyHostToDevice),
          "copying the packed row to the GPU");
    cuda_dequantize_rows(type, device_src.get(), static_cast<float*>(device_dst.get()), n, nullptr);
    check(cudaStreamSynchronize(nullptr), "running the dequantize kernel");
    check(cudaMemcpy(out.data(), device_dst.get(), n * sizeof(float), cudaMemcpyDeviceToHost),
          "copying the floats back from the GPU");
    return out;
#else
    throw_not_compiled();
#endif
}

}  // namespace podium
