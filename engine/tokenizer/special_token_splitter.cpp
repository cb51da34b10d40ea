#include "engine/tokenizer/special_token_splitter.h"

#include <algorithm>

namespace podium {

SpecialTokenSplitter::SpecialTokenSplitter(const Vocabulary& vocab) {
    for (std::size_t id = 0; id < vocab.types.size() && id < vocab.tokens.size(); ++id) {
        const TokenType type = vocab.types[id];
        const std::string_view text = vocab.tokens[id];
        if (text.empty()) continue;
        const bool user = type == TokenType::UserDefined;
        const bool control = type == TokenType::Control || type == TokenType::Unknown;
        if (!user && !control) continue;
        by_first_byte_[static_cast<std::uint8_t>(text[0])].push_back({text, static_cast<std::int32_t>(id), user});
        (user ? has_user_defined_ : has_control_) = true;
    }
    for (auto& list : by_first_byte_)
        std::stable_sort(list.begin(), list.end(),
                         [](const Candidate& a, const Candidate& b) { return a.text.size() > b.text.size(); });
}

void SpecialTokenSplitter::split(std::string_view text, bool parse_special, std::vector<TextFragment>& out) const {
    if (!has_user_defined_ && !(parse_special && has_control_)) {
        if (!text.empty()) out.push_back({text, -1});
        return;
    }
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const Candidate* hit = nullptr;
        for (const Candidate& c : by_first_byte_[static_cast<std::uint8_t>(text[i])]) {
            if ((c.always || parse_special) && text.substr(i, c.text.size()) == c.text) {
                hit = &c;
                break;
            }
        }
        if (!hit) {
            ++i;
            continue;
        }
        if (start < i) out.push_back({text.substr(start, i - start), -1});
        out.push_back({{}, hit->id});
        i += hit->text.size();
        start = i;
    }
    if (start < text.size()) out.push_back({text.substr(start), -1});
}

}  // namespace podium
