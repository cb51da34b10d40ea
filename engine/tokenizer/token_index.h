#pragma once
// Token text -> id, keyed by views into the vocabulary's strings (no copies).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace podium {

class TokenIndex {
public:
    explicit TokenIndex(const std::vector<std::string>& tokens) {
        map_.reserve(tokens.size());
        for (std::size_t i = 0; i < tokens.size(); ++i)
            if (!tokens[i].empty()) map_.emplace(tokens[i], static_cast<std::int32_t>(i));
    }
    // -1 when `text` is not a token.
    std::int32_t find(std::string_view text) const {
        const auto it = map_.find(text);
        return it == map_.end() ? -1 : it->second;
    }

private:
    std::unordered_map<std::string_view, std::int32_t> map_;
};

}  // namespace podium
