#pragma once
// GPT-2's bytes-to-unicode alphabet: every byte is shown as one printable code point,
// so byte-level BPE vocabularies can be stored as text. Printable Latin-1 bytes map to
// themselves; the other 68 bytes map, in order, to U+0100 onwards (space -> U+0120 'Ġ').
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace podium {

class ByteLevelAlphabet {
public:
    static const ByteLevelAlphabet& instance();

    char32_t code_point(std::uint8_t byte) const { return byte_to_cp_[byte]; }
    // The UTF-8 text of the code point standing for `byte`.
    std::string_view text(std::uint8_t byte) const { return byte_text_[byte]; }
    // The byte a code point stands for, or -1 when it is outside the alphabet.
    int byte_of(char32_t cp) const { return cp < cp_to_byte_.size() ? cp_to_byte_[cp] : -1; }

    // Maps every byte of `raw` to its alphabet character.
    std::string encode(std::string_view raw) const;

private:
    ByteLevelAlphabet();
    std::array<char32_t, 256> byte_to_cp_{};
    std::array<std::string, 256> byte_text_;
    std::array<int, 0x144> cp_to_byte_{};
};

}  // namespace podium
