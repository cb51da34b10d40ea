// The GPU dequantizer against the CPU reference: same packed bytes in, the
// same f32 bits out. Packed rows are random bytes (a fixed mt19937 seed) with
// the edge cases spelled out: ±0, subnormal, largest and infinite scales, and
// the extreme quants.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "kernels/cpu/dequantize.h"
#include "kernels/cuda/cuda_dequantize.h"
#include "kernels/cuda_runtime_info.h"
#include "kernels/tensor_type.h"

#if PODIUM_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace podium {
namespace {

bool gpu_available() {
    if (!cuda_compiled()) {
        WARN("skipped: CUDA not compiled");
        return false;
    }
    if (cuda_device_count() == 0) {
        WARN("skipped: no CUDA device");
        return false;
    }
    return true;
}

// fp16 bit patterns every scale field is tried with: ±0, the smallest and largest
// subnormals, the smallest normal, 1, the largest finite, ±infinity and a NaN.
constexpr std::uint16_t kEdgeHalves[] = {0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00,
                                         0xBC00, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00};

void store_u16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v & 0xFF);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

// Random bytes for `n_blocks` blocks of `type`; block b's fp16 fields at `half_offsets`
// take kEdgeHalves[b] for the first blocks, and its first bytes after them are forced
// to the extremes (0x00, 0xFF, 0x80, 0x7F) so every type sees its largest and
// smallest quants.
std::vector<std::uint8_t> random_blocks(TensorType type, std::size_t n_blocks,
                                        std::initializer_list<std::size_t> half_offsets,
                                        std::uint32_t seed) {
    const std::size_t block_bytes = traits(type).block_bytes;
    std::vector<std::uint8_t> bytes(n_blocks * block_bytes);
    std::mt19937 rng(seed);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng() >> 24);
    constexpr std::uint8_t kExtremes[] = {0x00, 0xFF, 0x80, 0x7F};
    constexpr std::size_t kEdges = std::size(kEdgeHalves);
    for (std::size_t b = 0; b < n_blocks; ++b) {
        std::uint8_t* block = bytes.data() + b * block_bytes;
        for (std::size_t offset : half_offsets)
            if (b < kEdges) store_u16(block + offset, kEdgeHalves[(b + offset) % kEdges]);
        if (b >= kEdges && b < 2 * kEdges) {
            // A run of blocks whose quants are all one extreme.
            const std::uint8_t fill = kExtremes[b % std::size(kExtremes)];
            for (std::size_t i = 0; i < block_bytes; ++i) {
                bool is_scale = false;
                for (std::size_t offset : half_offsets) is_scale |= i == offset || i == offset + 1;
                if (!is_scale) block[i] = fill;
            }
        }
    }
    return bytes;
}

std::vector<float> cpu_reference(TensorType type, const std::vector<std::uint8_t>& bytes, std::size_t n) {
    std::vector<float> out(n);
    dequantize_row_reference(type, bytes.data(), out.data(), n);
    return out;
}

// Same bits, except that any NaN matches any NaN: the GPU makes its own canonical
// NaN where x86 keeps (or creates) another payload, and a NaN weight is no number anyway.
void require_same_bits(const std::vector<float>& gpu, const std::vector<float>& cpu) {
    REQUIRE(gpu.size() == cpu.size());
    REQUIRE(!gpu.empty());
    std::size_t mismatches = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < gpu.size(); ++i) {
        std::uint32_t g, c;
        std::memcpy(&g, &gpu[i], 4);
        std::memcpy(&c, &cpu[i], 4);
        const bool both_nan = gpu[i] != gpu[i] && cpu[i] != cpu[i];
        if (g != c && !both_nan && mismatches++ == 0) first = i;
    }
    INFO("of " << gpu.size() << " values; first mismatch at " << first << ": gpu " << gpu[first]
                << ", cpu " << cpu[first]);
    CHECK(mismatches == 0);
}

void check_type(TensorType type, std::size_t n_blocks, std::initializer_list<std::size_t> half_offsets,
                std::uint32_t seed) {
    const std::size_t n = n_blocks * traits(type).block_elems;
    const auto bytes = random_blocks(type, n_blocks, half_offsets, seed);
    require_same_bits(cuda_dequantize_on_device(type, bytes, n), cpu_reference(type, bytes, n));
}

}  // namespace

TEST_CASE("cuda: Q8_0 rows dequantize on the GPU exactly as on the CPU", "[cuda]") {
    if (!gpu_available()) return;
    check_type(TensorType::Q8_0, 4099, {0}, 80);
}

TEST_CASE("cuda: Q4_0 rows dequantize on the GPU exactly as on the CPU", "[cuda]") {
    if (!gpu_available()) return;
    check_type(TensorType::Q4_0, 4099, {0}, 40);
}

TEST_CASE("cuda: a row longer than one grid (2^24 values and more) is expanded to its end", "[cuda]") {
    if (!gpu_available()) return;
    // 65536 CTAs x 256 threads cover 2^24 values per pass; this row needs a second pass.
    check_type(TensorType::Q4_0, (std::size_t{1} << 19) + 7, {0}, 41);
}

TEST_CASE("cuda: every F16 and BF16 bit pattern converts exactly as on the CPU", "[cuda]") {
    if (!gpu_available()) return;
    std::vector<std::uint8_t> bytes(2 * 65536);
    for (std::uint32_t v = 0; v < 65536; ++v) store_u16(bytes.data() + 2 * v, static_cast<std::uint16_t>(v));
    for (TensorType type : {TensorType::F16, TensorType::BF16}) {
        INFO(tensor_type_name(type));
        require_same_bits(cuda_dequantize_on_device(type, bytes, 65536), cpu_reference(type, bytes, 65536));
    }
}

TEST_CASE("cuda: F32 rows are copied unchanged", "[cuda]") {
    if (!gpu_available()) return;
    check_type(TensorType::F32, 1000, {}, 32);
}

TEST_CASE("cuda: Q4_K and Q6_K rows dequantize on the GPU exactly as on the CPU", "[cuda]") {
    if (!gpu_available()) return;
    check_type(TensorType::Q4_K, 517, {0, 2}, 412);
    check_type(TensorType::Q6_K, 517, {208}, 614);
}

TEST_CASE("cuda: device pointers at odd byte offsets, on a stream of our own", "[cuda]") {
    if (!gpu_available()) return;
#if PODIUM_HAVE_CUDA
    const std::size_t n_blocks = 333;
    const std::size_t n = n_blocks * 32;
    const auto bytes = random_blocks(TensorType::Q8_0, n_blocks, {0}, 7);
    const auto expected = cpu_reference(TensorType::Q8_0, bytes, n);

    void* src = nullptr;
    void* dst = nullptr;
    cudaStream_t stream = nullptr;
    REQUIRE(cudaMalloc(&src, bytes.size() + 1) == cudaSuccess);
    REQUIRE(cudaMalloc(&dst, (n + 1) * sizeof(float)) == cudaSuccess);
    REQUIRE(cudaStreamCreate(&stream) == cudaSuccess);
    auto* src_odd = static_cast<std::uint8_t*>(src) + 1;
    auto* dst_shifted = static_cast<float*>(dst) + 1;
    REQUIRE(cudaMemcpy(src_odd, bytes.data(), bytes.size(), cudaMemcpyHostToDevice) == cudaSuccess);
    cuda_dequantize_rows(TensorType::Q8_0, src_odd, dst_shifted, n, stream);
    REQUIRE(cudaStreamSynchronize(stream) == cudaSuccess);
    std::vector<float> got(n);
    REQUIRE(cudaMemcpy(got.data(), dst_shifted, n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess);
    cudaStreamDestroy(stream);
    cudaFree(src);
    cudaFree(dst);
    require_same_bits(got, expected);
#endif
}

TEST_CASE("cuda: bad arguments are rejected with a message before any GPU work", "[cuda]") {
    const std::vector<std::uint8_t> one_q8_block(34, 0);
    // These checks come first, so they hold with or without CUDA and a GPU.
    CHECK_THROWS_WITH(cuda_dequantize_on_device(static_cast<TensorType>(99), one_q8_block, 32),
                      Catch::Contains("no GPU kernel for tensor type id 99"));
    CHECK_THROWS_WITH(cuda_dequantize_on_device(TensorType::Q8_0, one_q8_block, 33),
                      Catch::Contains("33 q8_0 values is not a whole number of blocks of 32"));
    CHECK_THROWS_WITH(cuda_dequantize_on_device(TensorType::Q8_0, one_q8_block, 64),
                      Catch::Contains("need 2 blocks of 34 bytes, but the input holds 34 bytes"));
    const std::vector<std::uint8_t> ragged(35, 0);
    CHECK_THROWS_AS(cuda_dequantize_on_device(TensorType::Q8_0, ragged, 32), Error);
    CHECK_THROWS_WITH(cuda_dequantize_rows(TensorType::Q4_0, nullptr, nullptr, 32),
                      Catch::Contains("null device pointer"));
    CHECK_FALSE(cuda_dequantize_supported(static_cast<TensorType>(99)));
    CHECK(cuda_dequantize_supported(TensorType::Q8_0));
    CHECK(cuda_dequantize_supported(TensorType::Q4_0));
    // Nothing to expand is not an error, and touches no GPU.
    CHECK(cuda_dequantize_on_device(TensorType::Q4_0, {}, 0).empty());
    CHECK_NOTHROW(cuda_dequantize_rows(TensorType::Q4_0, nullptr, nullptr, 0));
}

TEST_CASE("cuda: without CUDA or without a GPU the host API throws podium::Error, not a crash", "[cuda]") {
    if (cuda_compiled() && cuda_device_count() > 0) {
        WARN("skipped: a CUDA device is present, so there is no failure to observe");
        return;
    }
    const std::vector<std::uint8_t> one_q4_block(18, 0x88);
    try {
        cuda_dequantize_on_device(TensorType::Q4_0, one_q4_block, 32);
        FAIL("expected podium::Error");
    } catch (const Error& e) {
        const std::string what = e.what();
        INFO(what);
        if (cuda_compiled())
            CHECK(what.find("cuda dequantize: cudaMalloc failed: ") == 0);
        else
            CHECK(what.find("built without CUDA") != std::string::npos);
    }
}

}  // namespace podium
