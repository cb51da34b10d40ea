#pragma once
// An independent, deliberately plain forward pass in double precision: whole
// sequence at once, no cache, no threads, written apart from engine/models.
// The engine's log-probs are checked against it.
#include <cstdint>
#include <vector>

#include "engine/model/model_file.h"

namespace podium::test {

// log P(tokens[i+1] | tokens[..i]) for i = 0 .. n-2, and the argmax at each position.
struct ReferenceOutput {
    std::vector<double> logprobs;
    std::vector<int> argmax;
};

ReferenceOutput reference_forward(const ModelFile& model, const std::vector<std::int32_t>& tokens);

}  // namespace podium::test
