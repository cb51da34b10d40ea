#include "engine/models/batch_layout.h"

#include <stdexcept>
#include <string>

namespace podium {

BatchLayout::BatchLayout(std::span<const ForwardSegment> segments) {
    for (std::size_t s = 0; s < segments.size(); ++s) {
        const ForwardSegment& seg = segments[s];
        if (seg.cache->length() + seg.tokens.size() > seg.cache->capacity())
            throw std::logic_error("forward: segment of " + std::to_string(seg.tokens.size()) +
                                   " tokens overflows its KV cache");
        first_row.push_back(tokens.size());
        n_past.push_back(seg.cache->length());
        for (std::size_t i = 0; i < seg.tokens.size(); ++i) {
            tokens.push_back(seg.tokens[i]);
            positions.push_back(seg.cache->length() + i);
            segment_of.push_back(s);
        }
        for (std::size_t r : seg.logit_rows) logit_rows.push_back(first_row.back() + r);
    }
}

}  // namespace podium
