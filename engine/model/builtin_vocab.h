#pragma once
// Small built-in vocabularies for synthetic models written without --vocab, and the
// tokenizer.ggml.* metadata that stores any vocabulary in a GGUF file.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "engine/gguf/gguf_value.h"
#include "engine/model/model_config.h"
#include "engine/tokenizer/vocabulary.h"

namespace podium {

// SentencePiece, laid out as Llama's: 0 <unk>, 1 <s> (BOS), 2 </s> (EOS), 3..258 the
// byte tokens <0x00>..<0xFF>, then merged pieces (each reachable by merging two earlier
// tokens or single characters; scores fall with the id, so earlier pieces merge first),
// then single characters with the lowest scores. add_bos is on, as for Llama.
Vocabulary builtin_llama_vocabulary();

// GPT-2 byte-level BPE with Falcon's pre-tokenizer: 0 <|endoftext|> (BOS = EOS, control),
// 1..256 the bytes in the bytes-to-unicode alphabet (token 1 + b is byte b), then one
// token per merge, in rank order. No BOS is added, as for Falcon.
Vocabulary builtin_falcon_vocabulary();

Vocabulary builtin_vocabulary(Architecture arch);

// Appends unused filler tokens "<unused_N>" (type Unused) until `vocab` holds n_tokens.
// They can never be produced by encoding: no merge or piece leads to them.
void pad_vocabulary(Vocabulary& vocab, std::size_t n_tokens);

// The tokenizer.ggml.* keys for `vocab`, spelled and typed as llama.cpp's converter
// writes them (ids u32, tokens/merges string arrays, scores f32, types i32).
std::vector<std::pair<std::string, GgufValue>> vocabulary_gguf_metadata(const Vocabulary& vocab);

}  // namespace podium
