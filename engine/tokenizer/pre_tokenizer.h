#pragma once
// The pre-tokenizer splits of byte-level BPE vocabularies, written out by hand over
// code points (std::regex has no \p{L}). They reproduce Hugging Face tokenizers:
//   gpt-2:  's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   falcon: Punctuation(contiguous) -> the gpt-2 split -> Digits(contiguous) -> isolate [0-9]{3}
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.h"

namespace podium {

struct ByteRange {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

// Appends the pieces of `text` (valid UTF-8) to `pieces`, as byte ranges in order.
// PreTokenizer::Default is treated as the gpt-2 split.
void pre_tokenize(PreTokenizer kind, std::string_view text, std::vector<ByteRange>& pieces);

}  // namespace podium
