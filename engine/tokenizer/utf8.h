#pragma once
// UTF-8 checks and conversions shared by the tokenizers. Tokenizers validate their
// input once up front, so the hot loops can decode without re-checking.
#include <cstddef>
#include <string>
#include <string_view>

namespace podium {

// Throws Error("invalid UTF-8 at byte N") at the first malformed sequence: a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate, or a code
// point above U+10FFFF.
void validate_utf8(std::string_view text);

// Length of the sequence starting with `lead`, for text already validated.
inline std::size_t utf8_sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    return 4;
}

// Decodes the code point at text[pos] (text already validated) and advances pos.
inline char32_t next_code_point(std::string_view text, std::size_t& pos) {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    const std::size_t n = utf8_sequence_length(b0);
    char32_t cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    pos += n;
    return cp;
}

void append_utf8(std::string& out, char32_t cp);

// Calls f(code_point, raw_bytes) for each character of text that need not be valid:
// a malformed byte is passed on its own with code point U+FFFD.
template <class F>
void for_each_code_point(std::string_view text, F&& f) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[pos]);
        std::size_t n = (b0 >= 0xC2 && b0 <= 0xF4) ? utf8_sequence_length(b0) : 1;
        bool ok = b0 < 0x80 || n > 1;
        for (std::size_t i = 1; ok && i < n; ++i)
            ok = pos + i < text.size() && (static_cast<unsigned char>(text[pos + i]) & 0xC0) == 0x80;
        if (!ok) {
            f(U'\uFFFD', text.substr(pos, 1));
            ++pos;
            continue;
        }
        std::size_t next = pos;
        const char32_t cp = next_code_point(text, next);
        f(cp, text.substr(pos, n));
        pos = next;
    }
}

}  // namespace podium
