#include "engine/request_checks.h"

namespace podium {

std::string check_token_ids(std::span<const std::int32_t> ids, std::size_t n_vocab, const char* what) {
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= n_vocab)
            return std::string(what) + " token " + std::to_string(i) + " has id " + std::to_string(ids[i]) +
                   ", outside the vocabulary [0, " + std::to_string(n_vocab) + ")";
    return {};
}

}  // namespace podium
