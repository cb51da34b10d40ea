#pragma once
// Where each segment of a multi-sequence forward pass sits in the concatenated
// token rows, and each row's position in its own sequence.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/models/transformer.h"

namespace podium {

struct BatchLayout {
    std::vector<std::int32_t> tokens;       // all segments' tokens, concatenated
    std::vector<std::size_t> positions;     // per row: position in its sequence
    std::vector<std::size_t> segment_of;    // per row: its segment
    std::vector<std::size_t> first_row;     // per segment: its first row
    std::vector<std::size_t> n_past;        // per segment: tokens its cache held before
    std::vector<std::size_t> logit_rows;    // rows whose logits are wanted, in output order

    explicit BatchLayout(std::span<const ForwardSegment> segments);
    std::size_t size() const { return tokens.size(); }
};

}  // namespace podium
