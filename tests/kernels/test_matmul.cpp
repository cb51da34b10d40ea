#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/dequantize.h"
#include "kernels/cpu/matmul.h"
#include "kernels/cpu/matmul_avx2.h"

using namespace podium;

namespace {

std::vector<float> random_values(std::size_t n, std::uint32_t seed, float scale = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = scale * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    }
    return v;
}

struct PackedWeight {
    std::vector<std::uint8_t> bytes;
    WeightMatrix matrix;
};

PackedWeight pack(TensorType type, std::size_t n_in, std::size_t n_out, std::uint32_t seed) {
    PackedWeight p;
    const auto values = random_values(n_in * n_out, seed, 0.5f);
    const std::size_t row_bytes = tensor_bytes(type, n_in);
    p.bytes.resize(row_bytes * n_out);
    for (std::size_t r = 0; r < n_out; ++r)
        quantize_row_reference(type, values.data() + r * n_in, p.bytes.data() + r * row_bytes, n_in);
    p.matrix = WeightMatrix{type, p.bytes.data(), n_in, n_out};
    return p;
}

// Plain double-precision product of the dequantized weights.
std::vector<double> reference_product(const WeightMatrix& w, const std::vector<float>& x, std::size_t n_tokens) {
    std::vector<double> y(n_tokens * w.n_out);
    std::vector<float> row(w.n_in);
    for (std::size_t j = 0; j < w.n_out; ++j) {
        dequantize_row_reference(w.type, w.row(j), row.data(), w.n_in);
        for (std::size_t t = 0; t < n_tokens; ++t) {
            double s = 0;
            for (std::size_t i = 0; i < w.n_in; ++i) s += static_cast<double>(row[i]) * x[t * w.n_in + i];
            y[t * w.n_out + j] = s;
        }
    }
    return y;
}

std::vector<SimdLevel> supported_levels() {
    std::vector<SimdLevel> levels;
    for (SimdLevel l : {SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512})
        if (simd_level_supported(l)) levels.push_back(l);
    return levels;
}

const TensorType kTypes[] = {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0,
                             TensorType::Q4_0, TensorType::Q4_K, TensorType::Q6_K};

}  // namespace

TEST_CASE("matmul matches a double-precision product for every weight type and SIMD level", "[kernels]") {
    ThreadPool pool(2);
    for (SimdLevel level : supported_levels())
    for (TensorType type : kTypes) {
        const std::size_t n_in = traits(type).block_elems == 256 ? 512 : 96;
        for (std::size_t n_out : {1u, 7u, 33u}) {
            for (std::size_t n_tokens : {1u, 4u, 70u}) {
                const auto w = pack(type, n_in, n_out, 42 + static_cast<std::uint32_t>(n_out));
                const auto x = random_values(n_tokens * n_in, 9);
                std::vector<float> y(n_tokens * n_out);
                matmul_rows_at(level, w.matrix, 0, n_out, x.data(), n_tokens, y.data(), pool);
                const auto ref = reference_product(w.matrix, x, n_tokens);
                for (std::size_t i = 0; i < y.size(); ++i) {
                    INFO(simd_level_name(level) << " " << tensor_type_name(type) << " n_out " << n_out << " n_tokens "
                                                << n_tokens << " i " << i);
                    REQUIRE(std::abs(y[i] - ref[i]) <= 1e-5 * (1 + std::abs(ref[i])) * std::sqrt(double(n_in)));
                }
            }
        }
    }
}

TEST_CASE("matmul results do not depend on batch size, row range or thread count", "[kernels]") {
    ThreadPool one(1), three(3);
    for (SimdLevel level : supported_levels())
    for (TensorType type : kTypes) {
        INFO(simd_level_name(level) << " " << tensor_type_name(type));
        // Odd sizes hit every tail path (f32 rows of 132: a tail of 4 past 8 and 16 lanes).
        const std::size_t n_in = traits(type).block_elems == 256 ? 256 : 100 - 100 % traits(type).block_elems + 32;
        const std::size_t n_out = 37, n_tokens = 131;  // odd sizes hit every tail path
        const auto w = pack(type, n_in, n_out, 5);
        const auto x = random_values(n_tokens * n_in, 6);
        std::vector<float> batched(n_tokens * n_out);
        matmul_rows_at(level, w.matrix, 0, n_out, x.data(), n_tokens, batched.data(), three);
        for (std::size_t t = 0; t < n_tokens; t += 13) {
            std::vector<float> alone(n_out);
            matmul_rows_at(level, w.matrix, 0, n_out, x.data() + t * n_in, 1, alone.data(), one);
            for (std::size_t j = 0; j < n_out; ++j) REQUIRE(alone[j] == batched[t * n_out + j]);
        }
        std::vector<float> part(n_tokens * 10);
        matmul_rows_at(level, w.matrix, 20, 30, x.data(), n_tokens, part.data(), one);
        for (std::size_t t = 0; t < n_tokens; ++t)
            for (std::size_t j = 0; j < 10; ++j) REQUIRE(part[t * 10 + j] == batched[t * n_out + 20 + j]);
    }
}

TEST_CASE("AVX2 dequantization gives exactly the reference values", "[kernels]") {
    if (!simd_level_supported(SimdLevel::Avx2)) {
        WARN("skipped: this CPU has no AVX2/FMA/F16C");
        return;
    }
    for (TensorType type : kTypes) {
        const std::size_t n = 512;
        const auto w = pack(type, n, 1, 77);
        std::vector<float> ref(n), simd(n);
        dequantize_row_reference(type, w.bytes.data(), ref.data(), n);
        avx2::dequantize_row(type, w.bytes.data(), simd.data(), n);
        INFO(tensor_type_name(type));
        CHECK(ref == simd);
    }
}
