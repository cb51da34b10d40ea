#include "engine/tokenizer/pre_tokenizer.h"

#include <array>

#include "engine/tokenizer/byte_level_alphabet.h"
#include "engine/tokenizer/unicode_classes.h"
#include "engine/tokenizer/utf8.h"

namespace podium {

namespace {

constexpr std::uint8_t kOther = 16;  // [^\s\p{L}\p{N}]

// The text as code points, with each one's class and byte offset (offsets has n+1 entries).
struct CodePoints {
    std::vector<char32_t> cps;
    std::vector<std::uint8_t> classes;
    std::vector<std::uint32_t> offsets;

    explicit CodePoints(std::string_view text) {
        cps.reserve(text.size());
        classes.reserve(text.size());
        offsets.reserve(text.size() + 1);
        std::size_t pos = 0;
        while (pos < text.size()) {
            offsets.push_back(static_cast<std::uint32_t>(pos));
            const char32_t cp = next_code_point(text, pos);
            std::uint8_t cls = char_class(cp);
            if (!(cls & (kLetter | kNumber | kWhitespace))) cls |= kOther;
            cps.push_back(cp);
            classes.push_back(cls);
        }
        offsets.push_back(static_cast<std::uint32_t>(text.size()));
    }
    std::size_t size() const { return cps.size(); }
};

std::size_t run_end(const CodePoints& t, std::size_t i, std::size_t end, std::uint8_t cls) {
    while (i < end && (t.classes[i] & cls)) ++i;
    return i;
}

// End of the gpt-2 regex match that starts at code point i (the regex matches
// everywhere, so there is always one). Alternatives are tried in the regex's order.
std::size_t gpt2_match_end(const CodePoints& t, std::size_t i, std::size_t end) {
    const char32_t c = t.cps[i];
    if (c == U'\'' && i + 1 < end) {
        const char32_t n1 = t.cps[i + 1];
        if (n1 == U's' || n1 == U't' || n1 == U'm' || n1 == U'd') return i + 2;
        if (i + 2 < end) {
            const char32_t n2 = t.cps[i + 2];
            if ((n1 == U'r' && n2 == U'e') || (n1 == U'v' && n2 == U'e') || (n1 == U'l' && n2 == U'l')) return i + 3;
        }
    }
    // " ?X+" for X in letters, numbers, other: the optional space is a literal U+0020.
    const std::size_t k = (c == U' ' && i + 1 < end) ? i + 1 : i;
    for (std::uint8_t cls : {std::uint8_t{kLetter}, std::uint8_t{kNumber}, kOther}) {
        if (t.classes[k] & cls) return run_end(t, k, end, cls);
    }
    // \s+(?!\S) backtracks to leave the last whitespace for the next word; a single
    // whitespace before a non-space falls through to \s+.
    const std::size_t r = run_end(t, i, end, kWhitespace);
    if (r == end || r - i == 1) return r;
    return r - 1;
}

void split_gpt2(const CodePoints& t, std::size_t begin, std::size_t end, std::vector<ByteRange>& out) {
    std::size_t i = begin;
    while (i < end) {
        const std::size_t m = gpt2_match_end(t, i, end);
        out.push_back({t.offsets[i], t.offsets[m]});
        i = m;
    }
}

// HF's Digits pre-tokenizer runs after ByteLevel, so it sees the alphabet characters:
// besides ASCII digits, the bytes B2 B3 B9 BC BD BE stand for ²³¹¼½¾ and count as numbers.
const std::array<bool, 256>& numeric_bytes() {
    static const std::array<bool, 256> table = [] {
        std::array<bool, 256> t{};
        const auto& alphabet = ByteLevelAlphabet::instance();
        for (int b = 0; b < 256; ++b) t[b] = (char_class(alphabet.code_point(static_cast<std::uint8_t>(b))) & kNumber) != 0;
        return t;
    }();
    return table;
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Isolates each non-overlapping [0-9][0-9][0-9], left to right.
void split_digit_triples(std::string_view text, ByteRange piece, std::vector<ByteRange>& out) {
    std::uint32_t start = piece.begin;
    std::uint32_t i = piece.begin;
    while (i + 3 <= piece.end) {
        if (is_ascii_digit(text[i]) && is_ascii_digit(text[i + 1]) && is_ascii_digit(text[i + 2])) {
            if (start < i) out.push_back({start, i});
            out.push_back({i, i + 3});
            i += 3;
            start = i;
        } else {
            ++i;
        }
    }
    if (start < piece.end) out.push_back({start, piece.end});
}

// Isolates runs of numeric bytes, then the digit triples inside every piece.
void split_digits(std::string_view text, ByteRange piece, std::vector<ByteRange>& out) {
    const auto& numeric = numeric_bytes();
    std::uint32_t start = piece.begin;
    while (start < piece.end) {
        const bool is_num = numeric[static_cast<std::uint8_t>(text[start])];
        std::uint32_t stop = start + 1;
        while (stop < piece.end && numeric[static_cast<std::uint8_t>(text[stop])] == is_num) ++stop;
        split_digit_triples(text, {start, stop}, out);
        start = stop;
    }
}

void split_falcon(std::string_view text, const CodePoints& t, std::vector<ByteRange>& out) {
    std::vector<ByteRange> words;
    std::size_t i = 0;
    const std::size_t n = t.size();
    while (i < n) {
        const bool punct = (t.classes[i] & kPunctuation) != 0;
        std::size_t j = i + 1;
        while (j < n && ((t.classes[j] & kPunctuation) != 0) == punct) ++j;
        // A punctuation run is a single match of the gpt-2 regex (all of it is [^\s\p{L}\p{N}]).
        if (punct) {
            words.push_back({t.offsets[i], t.offsets[j]});
        } else {
            split_gpt2(t, i, j, words);
        }
        i = j;
    }
    for (const ByteRange& w : words) split_digits(text, w, out);
}

}  // namespace

void pre_tokenize(PreTokenizer kind, std::string_view text, std::vector<ByteRange>& pieces) {
    if (text.empty()) return;
    const CodePoints t(text);
    if (kind == PreTokenizer::Falcon) {
        split_falcon(text, t, pieces);
    } else {
        split_gpt2(t, 0, t.size(), pieces);
    }
}

}  // namespace podium
