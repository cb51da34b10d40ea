#include "engine/tokenizer/byte_level_alphabet.h"

#include "engine/tokenizer/utf8.h"

namespace podium {

ByteLevelAlphabet::ByteLevelAlphabet() {
    cp_to_byte_.fill(-1);
    char32_t next_extra = 0x100;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        const char32_t cp = printable ? static_cast<char32_t>(b) : next_extra++;
        byte_to_cp_[b] = cp;
        cp_to_byte_[cp] = b;
        append_utf8(byte_text_[b], cp);
    }
}

const ByteLevelAlphabet& ByteLevelAlphabet::instance() {
    static const ByteLevelAlphabet alphabet;
    return alphabet;
}

std::string ByteLevelAlphabet::encode(std::string_view raw) const {
    std::string out;
    out.reserve(raw.size() * 2);
    for (char c : raw) out += byte_text_[static_cast<std::uint8_t>(c)];
    return out;
}

}  // namespace podium
