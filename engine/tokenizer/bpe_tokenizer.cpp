#include "engine/tokenizer/bpe_tokenizer.h"

#include "engine/core/error.h"
#include "engine/tokenizer/byte_level_alphabet.h"
#include "engine/tokenizer/pair_merger.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/utf8.h"

namespace podium {

BpeTokenizer::BpeTokenizer(Vocabulary vocab) : Tokenizer(std::move(vocab)), index_(vocab_.tokens), specials_(vocab_) {
    const auto& alphabet = ByteLevelAlphabet::instance();
    for (int b = 0; b < 256; ++b) byte_tokens_[b] = index_.find(alphabet.text(static_cast<std::uint8_t>(b)));

    token_bytes_.reserve(vocab_.tokens.size());
    for (std::size_t id = 0; id < vocab_.tokens.size(); ++id) {
        const std::string& piece = vocab_.tokens[id];
        const TokenType type = vocab_.types.empty() ? TokenType::Normal : vocab_.types[id];
        // Added (special) tokens are stored as plain text, not in the byte alphabet.
        if (type == TokenType::Control || type == TokenType::UserDefined) {
            token_bytes_.push_back(piece);
            continue;
        }
        std::string bytes;
        for_each_code_point(piece, [&](char32_t cp, std::string_view raw) {
            if (const int b = alphabet.byte_of(cp); b >= 0) {
                bytes.push_back(static_cast<char>(b));
            } else {
                bytes += raw;
            }
        });
        token_bytes_.push_back(std::move(bytes));
    }

    std::size_t capacity = 1024;
    while (capacity < vocab_.merges.size() * 2) capacity *= 2;
    merges_.assign(capacity, MergeSlot{});
    merge_mask_ = capacity - 1;
    std::string joined;
    for (std::size_t rank = 0; rank < vocab_.merges.size(); ++rank) {
        const std::string& m = vocab_.merges[rank];
        const std::size_t space = m.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == m.size() || m.find(' ', space + 1) != std::string::npos)
            throw Error("merge " + std::to_string(rank) + " \"" + m + "\": expected two tokens separated by one space");
        const std::string_view left(m.data(), space), right(m.data() + space + 1, m.size() - space - 1);
        joined.assign(left).append(right);
        const std::int32_t l = index_.find(left), r = index_.find(right), result = index_.find(joined);
        // A merge whose parts or result are not tokens can never apply; skip it.
        if (l < 0 || r < 0 || result < 0) continue;
        if (find_merge(l, r)) continue;  // the first rank wins
        const std::uint64_t key = pair_key(l, r);
        std::size_t s = slot_of(key) & merge_mask_;
        while (merges_[s].key != ~std::uint64_t{0}) s = (s + 1) & merge_mask_;
        merges_[s] = {key, static_cast<std::int32_t>(rank), result};
    }
}

const BpeTokenizer::MergeSlot* BpeTokenizer::find_merge(std::int32_t left, std::int32_t right) const {
    const std::uint64_t key = pair_key(left, right);
    for (std::size_t s = slot_of(key) & merge_mask_;; s = (s + 1) & merge_mask_) {
        if (merges_[s].key == key) return &merges_[s];
        if (merges_[s].key == ~std::uint64_t{0}) return nullptr;
    }
}

std::vector<std::int32_t> BpeTokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    std::vector<std::int32_t> out = start_encoding(text, add_special);

    std::vector<TextFragment> fragments;
    specials_.split(text, parse_special, fragments);
    std::vector<ByteRange> pieces;
    MergeScratch scratch;
    for (const TextFragment& f : fragments) {
        if (f.token >= 0) {
            out.push_back(f.token);
            continue;
        }
        pieces.clear();
        pre_tokenize(vocab_.pre, f.text, pieces);
        for (const ByteRange& p : pieces) encode_piece(f.text.substr(p.begin, p.end - p.begin), scratch, out);
    }
    if (add_special && vocab_.add_eos && vocab_.eos_id >= 0) out.push_back(vocab_.eos_id);
    return out;
}

void BpeTokenizer::encode_piece(std::string_view piece, MergeScratch& scratch, std::vector<std::int32_t>& out) const {
    if (piece.size() == 1) {  // nothing to merge
        if (const std::int32_t id = byte_tokens_[static_cast<std::uint8_t>(piece[0])]; id >= 0) {
            out.push_back(id);
            return;
        }
    }
    if (cache_.lookup(piece, out)) return;
    const std::size_t first = out.size();

    std::vector<MergeSymbol>& symbols = scratch.symbols;
    symbols.resize(piece.size());
    for (std::size_t i = 0; i < piece.size(); ++i) {
        const auto k = static_cast<std::int32_t>(i);
        symbols[i] = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1),
                      byte_tokens_[static_cast<std::uint8_t>(piece[i])], k - 1, k + 1};
    }
    symbols.back().next = -1;

    merge_symbols(symbols, scratch.heap, [&](const MergeSymbol& l, const MergeSymbol& r) -> std::optional<MergeCandidate> {
        if (l.id < 0 || r.id < 0) return std::nullopt;
        const MergeSlot* m = find_merge(l.id, r.id);
        if (!m) return std::nullopt;
        return MergeCandidate{static_cast<double>(m->rank), m->result};
    });

    for (std::int32_t i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
        const std::int32_t id = symbols[static_cast<std::size_t>(i)].id;
        // A byte outside the vocabulary: HF emits the unknown token when there is one.
        if (id >= 0) {
            out.push_back(id);
        } else if (vocab_.unk_id >= 0) {
            out.push_back(vocab_.unk_id);
        }
    }
    cache_.insert(piece, std::span<const std::int32_t>(out).subspan(first));
}

std::string BpeTokenizer::decode(std::span<const std::int32_t> ids) const {
    return concat_token_bytes(token_bytes_, ids);
}

}  // namespace podium
