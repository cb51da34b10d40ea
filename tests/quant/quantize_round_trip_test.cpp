// quantize -> dequantize round trips: exact where the input is on the format's grid,
// within each format's error bound otherwise, and ggml's rounding rules for Q8_0/Q4_0.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/cpu/dequantize.h"
#include "kernels/half.h"

using namespace podium;

namespace {

std::vector<float> round_trip(TensorType type, const std::vector<float>& x) {
    std::vector<std::uint8_t> packed(tensor_bytes(type, x.size()));
    quantize_row_reference(type, x.data(), packed.data(), x.size());
    std::vector<float> y(x.size());
    dequantize_row_reference(type, packed.data(), y.data(), x.size());
    return y;
}

std::vector<std::uint8_t> quantize(TensorType type, const std::vector<float>& x) {
    std::vector<std::uint8_t> packed(tensor_bytes(type, x.size()));
    quantize_row_reference(type, x.data(), packed.data(), x.size());
    return packed;
}

// Weight-like values: Gaussian with a few large outliers, fixed seed.
std::vector<float> weights(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> x(n);
    for (auto& v : x) v = normal(rng);
    for (std::size_t i = 7; i < n; i += 97) x[i] *= 12.0f;
    return x;
}

float max_abs(const float* x, std::size_t n) {
    float m = 0.0f;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
    return m;
}

}  // namespace

TEST_CASE("f16 and bf16 round trips keep 11 and 8 significant bits", "[quantize]") {
    const auto x = weights(1024, 1);
    const auto h = round_trip(TensorType::F16, x);
    const auto b = round_trip(TensorType::BF16, x);
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("x = " << x[i]);
        // Halves are normal down to 2^-14; below that the absolute step is 2^-24.
        CHECK(std::fabs(h[i] - x[i]) <= std::max(std::fabs(x[i]) * 0x1p-11f, 0x1p-25f));
        CHECK(std::fabs(b[i] - x[i]) <= std::fabs(x[i]) * 0x1p-8f);
        CHECK(h[i] == fp16_to_f32(f32_to_fp16(x[i])));
        CHECK(b[i] == bf16_to_f32(f32_to_bf16(x[i])));
    }
}

TEST_CASE("f32 round trip is the identity", "[quantize]") {
    const auto x = weights(64, 2);
    CHECK(round_trip(TensorType::F32, x) == x);
}

TEST_CASE("q8_0: values on the grid come back exactly, others within half a step", "[quantize]") {
    std::vector<float> grid(32);
    for (int j = 0; j < 32; ++j) grid[j] = (j * 8 - 127) * 0.5f;  // amax 63.5 -> d = 0.5
    grid[31] = 63.5f;
    CHECK(round_trip(TensorType::Q8_0, grid) == grid);

    const auto x = weights(32 * 64, 3);
    const auto y = round_trip(TensorType::Q8_0, x);
    for (std::size_t b = 0; b < x.size() / 32; ++b) {
        const float d = max_abs(&x[32 * b], 32) / 127.0f;
        // half a step, plus the fp16 rounding of d times the largest q (127 * d * 2^-11)
        for (std::size_t j = 32 * b; j < 32 * b + 32; ++j) CHECK(std::fabs(y[j] - x[j]) <= d * 0.5625f);
    }
}

TEST_CASE("q8_0 follows ggml: d = amax / 127 in fp16, q rounds half away from zero", "[quantize]") {
    std::vector<float> x(32, 0.0f);
    x[0] = -127.0f;  // d = 1
    x[1] = 2.5f;
    x[2] = -2.5f;
    x[3] = 0.49f;
    const auto packed = quantize(TensorType::Q8_0, x);
    CHECK(packed[0] == 0x00);
    CHECK(packed[1] == 0x3C);  // fp16 1.0
    CHECK(static_cast<std::int8_t>(packed[2]) == -127);
    CHECK(static_cast<std::int8_t>(packed[3]) == 3);
    CHECK(static_cast<std::int8_t>(packed[4]) == -3);
    CHECK(static_cast<std::int8_t>(packed[5]) == 0);
}

TEST_CASE("q4_0 follows ggml: the largest-magnitude value maps to -8, the other end clamps at 7",
          "[quantize]") {
    std::vector<float> x(32, 0.0f);
    x[0] = 8.0f;   // max: d = 8 / -8 = -1
    x[1] = -8.0f;  // -8 / -1 + 8.5 = 16.5 -> 16 -> clamped to 15 -> (15 - 8) * -1 = -7
    x[2] = 3.0f;   // 3 / -1 + 8.5 = 5.5 -> 5 -> -3 * -1 = 3
    x[17] = -2.6f;  // 2.6 + 8.5 = 11.1 -> 11 -> 3 * -1 = -3
    const auto packed = quantize(TensorType::Q4_0, x);
    CHECK(packed[0] == 0x00);
    CHECK(packed[1] == 0xBC);  // fp16 -1.0
    CHECK((packed[2] & 0xF) == 0);
    CHECK((packed[3] & 0xF) == 15);
    CHECK((packed[4] & 0xF) == 5);
    CHECK((packed[2 + 1] >> 4) == 11);
    CHECK((packed[2 + 5] & 0xF) == 8);  // zero stays zero: 0 + 8.5 -> 8
    const auto y = round_trip(TensorType::Q4_0, x);
    CHECK(y[0] == 8.0f);
    CHECK(y[1] == -7.0f);
    CHECK(y[2] == 3.0f);
    CHECK(y[17] == -3.0f);
    CHECK(y[5] == 0.0f);
}

TEST_CASE("q4_0: on-grid values are exact, others within one step", "[quantize]") {
    std::vector<float> grid(32);
    for (int j = 0; j < 32; ++j) grid[j] = static_cast<float>((j % 16) - 8) * 0.125f;  // max -1 -> d = 0.125
    CHECK(round_trip(TensorType::Q4_0, grid) == grid);

    const auto x = weights(32 * 64, 4);
    const auto y = round_trip(TensorType::Q4_0, x);
    for (std::size_t b = 0; b < x.size() / 32; ++b) {
        const float d = max_abs(&x[32 * b], 32) / 8.0f;
        // Half a step inside the range; a full step at the clamped end (+8d has no code).
        for (std::size_t j = 32 * b; j < 32 * b + 32; ++j) CHECK(std::fabs(y[j] - x[j]) <= d * 1.01f);
    }
}

TEST_CASE("q4_k: round trip stays within a step of each sub-block's range", "[quantize]") {
    auto x = weights(256 * 16, 5);
    // One block of all-positive values and one of all-negative values: min 0, and the widest mins.
    for (int i = 0; i < 256; ++i) x[i] = std::fabs(x[i]) + 0.01f;
    for (int i = 256; i < 512; ++i) x[i] = -std::fabs(x[i]) - 0.01f;
    const auto y = round_trip(TensorType::Q4_K, x);
    double worst_ratio = 0.0;
    for (std::size_t b = 0; b < x.size() / 256; ++b) {
        float widest = 0.0f, deepest = 0.0f;
        for (int j = 0; j < 8; ++j) {
            const float* s = &x[256 * b + 32 * j];
            const float lo = std::min(0.0f, *std::min_element(s, s + 32));
            const float hi = std::max(0.0f, *std::max_element(s, s + 32));
            widest = std::max(widest, (hi - lo) / 15.0f);
            deepest = std::max(deepest, -lo);
        }
        // A step of d*sc <= range/15 + d, and the min is rounded to a multiple of dmin.
        const float d = widest / 63.0f, dmin = deepest / 63.0f;
        for (int j = 0; j < 8; ++j) {
            const float* s = &x[256 * b + 32 * j];
            const float lo = std::min(0.0f, *std::min_element(s, s + 32));
            const float hi = std::max(0.0f, *std::max_element(s, s + 32));
            const float bound = (0.5f * ((hi - lo) / 15.0f + d) + 0.5f * dmin) * 1.01f;
            for (int l = 0; l < 32; ++l) {
                const std::size_t i = 256 * b + 32 * j + l;
                CHECK(std::fabs(y[i] - x[i]) <= bound);
                worst_ratio = std::max(worst_ratio, static_cast<double>(std::fabs(y[i] - x[i]) / bound));
            }
        }
    }
    INFO("worst error / bound = " << worst_ratio);
    CHECK(worst_ratio > 0.0);
}

TEST_CASE("q6_k: round trip stays within a step of each sub-block's scale", "[quantize]") {
    const auto x = weights(256 * 16, 6);
    const auto y = round_trip(TensorType::Q6_K, x);
    for (std::size_t b = 0; b < x.size() / 256; ++b) {
        float max_scale = 0.0f;
        for (int j = 0; j < 16; ++j) max_scale = std::max(max_scale, max_abs(&x[256 * b + 16 * j], 16) / 32.0f);
        const float d = max_scale / 127.0f;
        for (int j = 0; j < 16; ++j) {
            const float scale = max_abs(&x[256 * b + 16 * j], 16) / 32.0f;
            // The int8 scale is off by at most d/2; q in [-32, 31] so +32*step clamps to 31.
            const float bound = (scale + d) * 1.01f;
            for (int l = 0; l < 16; ++l) {
                const std::size_t i = 256 * b + 16 * j + l;
                CHECK(std::fabs(y[i] - x[i]) <= bound);
            }
        }
    }
}

TEST_CASE("k-quants reproduce on-grid blocks closely and all-zero blocks exactly", "[quantize]") {
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K}) {
        INFO(tensor_type_name(type));
        std::vector<float> zeros(256, 0.0f);
        const auto y = round_trip(type, zeros);
        for (float v : y) CHECK(v == 0.0f);
    }
    // A sub-block-wise linear ramp is representable: Q6_K keeps it to within a small step.
    std::vector<float> ramp(256);
    for (int i = 0; i < 256; ++i) ramp[i] = static_cast<float>((i % 64) - 32) / 32.0f;
    const auto y = round_trip(TensorType::Q6_K, ramp);
    for (int i = 0; i < 256; ++i) CHECK(std::fabs(y[i] - ramp[i]) <= 1.0f / 32.0f);
}

TEST_CASE("quantizing is deterministic and does not read past the row", "[quantize]") {
    for (TensorType type : {TensorType::F16, TensorType::BF16, TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K,
                            TensorType::Q6_K}) {
        INFO(tensor_type_name(type));
        const auto x = weights(512, 7);
        CHECK(quantize(type, x) == quantize(type, x));
        // Quantizing two halves separately gives the same bytes as the whole row.
        const std::size_t half = 256;
        std::vector<float> first(x.begin(), x.begin() + half), second(x.begin() + half, x.end());
        auto a = quantize(type, first);
        const auto b = quantize(type, second);
        a.insert(a.end(), b.begin(), b.end());
        CHECK(a == quantize(type, x));
    }
}
