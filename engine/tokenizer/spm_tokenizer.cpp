#include "engine/tokenizer/spm_tokenizer.h"

#include <cmath>
#include <cstdio>

#include "engine/core/error.h"
#include "engine/tokenizer/pair_merger.h"
#include "engine/tokenizer/utf8.h"

namespace podium {

namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space

bool starts_with_space_mark(std::string_view s, std::size_t pos) { return s.substr(pos, 3) == kSpace; }

bool has_space_mark_after_other_char(std::string_view token) {
    for (std::size_t p = token.find(kSpace); p != std::string_view::npos; p = token.find(kSpace, p + 1)) {
        if (p > 0 && !(p >= 3 && starts_with_space_mark(token, p - 3))) return true;
    }
    return false;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The byte a "<0xNN>" token stands for, or -1.
int byte_token_value(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    const int hi = hex_digit(text[3]), lo = hex_digit(text[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

SpmTokenizer::SpmTokenizer(Vocabulary vocab)
    : Tokenizer(std::move(vocab)), index_(vocab_.tokens), specials_(vocab_) {
    if (vocab_.scores.size() != vocab_.tokens.size())
        throw Error("sentencepiece vocabulary has " + std::to_string(vocab_.tokens.size()) + " tokens but " +
                    std::to_string(vocab_.scores.size()) + " scores");
    byte_tokens_.fill(-1);
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        byte_tokens_[b] = index_.find(name);
    }
    for (int c = 0; c < 128; ++c) ascii_tokens_[c] = index_.find(std::string(1, static_cast<char>(c)));
    token_bytes_.reserve(vocab_.tokens.size());
    for (std::size_t id = 0; id < vocab_.tokens.size(); ++id) {
        const std::string& piece = vocab_.tokens[id];
        const bool maybe_byte = vocab_.types.empty() || vocab_.types[id] == TokenType::Byte;
        if (const int b = maybe_byte ? byte_token_value(piece) : -1; b >= 0) {
            token_bytes_.emplace_back(1, static_cast<char>(b));
            continue;
        }
        std::string bytes;
        for (std::size_t pos = 0; pos < piece.size();) {
            if (starts_with_space_mark(piece, pos)) {
                bytes.push_back(' ');
                pos += 3;
            } else {
                bytes.push_back(piece[pos++]);
            }
        }
        token_bytes_.push_back(std::move(bytes));
    }
    words_are_independent_ = true;
    for (const std::string& t : vocab_.tokens)
        if (has_space_mark_after_other_char(t)) words_are_independent_ = false;
}

std::vector<std::int32_t> SpmTokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    std::vector<std::int32_t> out = start_encoding(text, add_special);

    std::vector<TextFragment> fragments;
    specials_.split(text, parse_special, fragments);
    std::string normalized;
    MergeScratch scratch;
    bool after_special = true;  // the text start counts: it gets the space prefix too
    for (const TextFragment& f : fragments) {
        if (f.token >= 0) {
            out.push_back(f.token);
            after_special = true;
            continue;
        }
        normalized.clear();
        normalized.reserve(f.text.size() + f.text.size() / 2 + 3);
        if (vocab_.add_space_prefix && after_special) normalized += kSpace;
        for (char c : f.text) {
            if (c == ' ') {
                normalized += kSpace;
            } else {
                normalized.push_back(c);
            }
        }
        after_special = false;
        encode_normalized(normalized, scratch, out);
    }
    if (add_special && vocab_.add_eos && vocab_.eos_id >= 0) out.push_back(vocab_.eos_id);
    return out;
}

void SpmTokenizer::encode_normalized(std::string_view text, MergeScratch& scratch,
                                     std::vector<std::int32_t>& out) const {
    if (!words_are_independent_) {
        encode_word(text, scratch, out);
        return;
    }
    // Words start at a U+2581 that follows some other character.
    std::size_t start = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t next = pos + utf8_sequence_length(static_cast<unsigned char>(text[pos]));
        if (next < text.size() && starts_with_space_mark(text, next) && !starts_with_space_mark(text, pos)) {
            encode_word(text.substr(start, next - start), scratch, out);
            start = next;
        }
        pos = next;
    }
    if (start < text.size()) encode_word(text.substr(start), scratch, out);
}

void SpmTokenizer::encode_word(std::string_view word, MergeScratch& scratch, std::vector<std::int32_t>& out) const {
    if (cache_.lookup(word, out)) return;
    const std::size_t first = out.size();

    std::vector<MergeSymbol>& symbols = scratch.symbols;
    symbols.clear();
    for (std::size_t pos = 0; pos < word.size();) {
        const auto lead = static_cast<unsigned char>(word[pos]);
        const std::size_t len = utf8_sequence_length(lead);
        const auto i = static_cast<std::int32_t>(symbols.size());
        const std::int32_t id = lead < 0x80 ? ascii_tokens_[lead] : index_.find(word.substr(pos, len));
        symbols.push_back({static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + len), id, i - 1, i + 1});
        pos += len;
    }
    symbols.back().next = -1;

    merge_symbols(symbols, scratch.heap, [&](const MergeSymbol& l, const MergeSymbol& r) -> std::optional<MergeCandidate> {
        const std::int32_t id = index_.find(word.substr(l.begin, r.end - l.begin));
        if (id < 0) return std::nullopt;
        const float score = vocab_.scores[static_cast<std::size_t>(id)];
        // A -inf score marks a token no merge produces (vocabularies read from tokenizer.json).
        if (!std::isfinite(score)) return std::nullopt;
        return MergeCandidate{-static_cast<double>(score), id};
    });

    for (std::int32_t i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
        const MergeSymbol& s = symbols[static_cast<std::size_t>(i)];
        if (s.id >= 0) {
            out.push_back(s.id);
            continue;
        }
        // Only single characters can be unknown here: every merge produces a token.
        for (std::uint32_t b = s.begin; b < s.end; ++b) {
            const std::int32_t byte_id = byte_tokens_[static_cast<std::uint8_t>(word[b])];
            if (byte_id >= 0) {
                out.push_back(byte_id);
            } else if (vocab_.unk_id >= 0) {
                out.push_back(vocab_.unk_id);
                break;  // one <unk> for the whole character, as SentencePiece does
            }
        }
    }
    cache_.insert(word, std::span<const std::int32_t>(out).subspan(first));
}

std::string SpmTokenizer::decode(std::span<const std::int32_t> ids) const {
    std::string text = concat_token_bytes(token_bytes_, ids);
    // The space the encoder put in front of the text.
    if (vocab_.add_space_prefix && !text.empty() && text[0] == ' ') text.erase(0, 1);
    return text;
}

}  // namespace podium
