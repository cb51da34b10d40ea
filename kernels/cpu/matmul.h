#pragma once
// Matrix products against packed weight matrices. A weight row is expanded to f32
// once per call and dotted with every token's activations, so whole matrices are
// never dequantized. Each output element is one dot product in a fixed order:
// results do not depend on the thread count or on how many tokens share the call.
#include <cstddef>
#include <cstdint>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/thread_pool.h"
#include "kernels/tensor_type.h"

namespace podium {

// A row-major [n_out, n_in] weight (PyTorch layout = GGUF ne {n_in, n_out}).
struct WeightMatrix {
    TensorType type = TensorType::F32;
    const std::uint8_t* data = nullptr;
    std::size_t n_in = 0;
    std::size_t n_out = 0;
    std::size_t row_bytes() const { return tensor_bytes(type, n_in); }
    const std::uint8_t* row(std::size_t j) const { return data + j * row_bytes(); }
    // F32 rows that can be read in place as floats (safetensors data may be misaligned).
    bool f32_in_place() const {
        return type == TensorType::F32 && reinterpret_cast<std::uintptr_t>(data) % alignof(float) == 0;
    }
};

// Dot product with a fixed summation order (8 interleaved partial sums).
float dot_f32(const float* a, const float* b, std::size_t n);

// y[t * n_out + j] = sum_i W[j][i] * x[t * n_in + i] for t < n_tokens.
void matmul(const WeightMatrix& w, const float* x, std::size_t n_tokens, float* y, ThreadPool& pool);

// Only rows [row_begin, row_end) of the output, written to y[t * (row_end-row_begin) + j - row_begin].
void matmul_rows(const WeightMatrix& w, std::size_t row_begin, std::size_t row_end, const float* x,
                 std::size_t n_tokens, float* y, ThreadPool& pool);

// The same at a given instruction-set level (which must be supported); matmul and
// matmul_rows use active_simd_level(). For tests and benchmarks of each path.
void matmul_rows_at(SimdLevel level, const WeightMatrix& w, std::size_t row_begin, std::size_t row_end,
                    const float* x, std::size_t n_tokens, float* y, ThreadPool& pool);

}  // namespace podium
