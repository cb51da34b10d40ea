#pragma once
// A weight tensor inside a mapped model file, under podium's (= llama.cpp's GGUF) name.
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/tensor_type.h"

namespace podium {

struct TensorView {
    std::string name;                  // e.g. "blk.0.attn_q.weight"
    TensorType type = TensorType::F32;
    std::vector<std::uint64_t> shape;  // ggml order: shape[0] fastest (= PyTorch shape reversed)
    const std::uint8_t* data = nullptr;
    std::uint64_t n_bytes = 0;

    std::uint64_t n_elements() const {
        std::uint64_t n = 1;
        for (auto d : shape) n *= d;
        return n;
    }
};

}  // namespace podium
