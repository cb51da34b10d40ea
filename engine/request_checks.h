#pragma once
// Checks shared by the engine's request types.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace podium {

// Empty when every id is a valid token, else a message naming the first bad one
// ("<what> token 3 has id 70000, outside the vocabulary [0, 32000)").
std::string check_token_ids(std::span<const std::int32_t> ids, std::size_t n_vocab, const char* what);

}  // namespace podium
