#include "engine/tokenizer/utf8.h"

#include "engine/core/error.h"

namespace podium {

namespace {

[[noreturn]] void invalid_at(std::size_t pos) {
    throw Error("invalid UTF-8 at byte " + std::to_string(pos));
}

}  // namespace

void validate_utf8(std::string_view text) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        // The allowed range of the second byte rules out overlong forms, surrogates
        // (ED A0..BF) and values past U+10FFFF (F4 90..) in one check (RFC 3629 table).
        unsigned char lo = 0x80, hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            if (b0 == 0xE0) lo = 0xA0;
            if (b0 == 0xED) hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            if (b0 == 0xF0) lo = 0x90;
            if (b0 == 0xF4) hi = 0x8F;
        } else {
            invalid_at(i);  // stray continuation byte, C0/C1 overlong lead, or F5..FF
        }
        if (i + len > n) invalid_at(i);
        const auto b1 = static_cast<unsigned char>(text[i + 1]);
        if (b1 < lo || b1 > hi) invalid_at(i);
        for (std::size_t k = 2; k < len; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if (b < 0x80 || b > 0xBF) invalid_at(i);
        }
        i += len;
    }
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace podium
