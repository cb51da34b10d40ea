#pragma once
// The Unicode character classes the pre-tokenizer regexes ask about, as bit flags.
// Values come from ICU; the Basic Multilingual Plane is tabulated once on first use.
#include <cstdint>

namespace podium {

enum CharClass : std::uint8_t {
    kLetter = 1,       // \p{L}
    kNumber = 2,       // \p{N}
    kWhitespace = 4,   // \s (Unicode White_Space, as Oniguruma's \s)
    kPunctuation = 8,  // HF Punctuation pre-tokenizer: \p{P} or ASCII punctuation ($+<=>^`|~ included)
};

std::uint8_t char_class(char32_t cp);

}  // namespace podium
