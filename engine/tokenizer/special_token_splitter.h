#pragma once
// Cuts the text of special tokens out of the input before the model's own splitting.
// User-defined tokens are always cut (as HF does for added tokens); control and unknown
// tokens only when parse_special is set. At each position the longest match wins.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.h"

namespace podium {

struct TextFragment {
    std::string_view text;    // plain text, when token < 0
    std::int32_t token = -1;  // a special token's id
};

class SpecialTokenSplitter {
public:
    explicit SpecialTokenSplitter(const Vocabulary& vocab);
    void split(std::string_view text, bool parse_special, std::vector<TextFragment>& out) const;

private:
    struct Candidate {
        std::string_view text;
        std::int32_t id;
        bool always;  // user-defined: cut even without parse_special
    };
    // By first byte, longest first.
    std::array<std::vector<Candidate>, 256> by_first_byte_;
    bool has_user_defined_ = false;
    bool has_control_ = false;
};

}  // namespace podium
