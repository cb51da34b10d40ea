#include "engine/tokenizer/unicode_classes.h"

#include <unicode/uchar.h>

#include <array>
#include <memory>

namespace podium {

namespace {

std::uint8_t classify_with_icu(char32_t cp) {
    const auto c = static_cast<UChar32>(cp);
    const std::uint32_t mask = U_GET_GC_MASK(c);
    std::uint8_t flags = 0;
    if (mask & U_GC_L_MASK) flags |= kLetter;
    if (mask & U_GC_N_MASK) flags |= kNumber;
    if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) flags |= kWhitespace;
    // Rust's char::is_ascii_punctuation (used by HF) also counts the ASCII symbols.
    const bool ascii_punct = cp < 0x80 && cp > 0x20 && cp != 0x7F && !(flags & (kLetter | kNumber));
    if ((mask & U_GC_P_MASK) || ascii_punct) flags |= kPunctuation;
    return flags;
}

const std::array<std::uint8_t, 0x10000>& bmp_table() {
    static const auto table = [] {
        auto t = std::make_unique<std::array<std::uint8_t, 0x10000>>();
        for (char32_t cp = 0; cp < 0x10000; ++cp) (*t)[cp] = classify_with_icu(cp);
        return t;
    }();
    return *table;
}

}  // namespace

std::uint8_t char_class(char32_t cp) {
    if (cp < 0x10000) return bmp_table()[cp];
    return classify_with_icu(cp);
}

}  // namespace podium
