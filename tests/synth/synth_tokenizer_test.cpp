#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/model/builtin_vocab.h"
#include "engine/model/model_synth.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::TempDir;

namespace {

std::unique_ptr<Tokenizer> tokenizer_of_synth_model(SynthArch arch, SynthPreset preset = SynthPreset::Tiny) {
    TempDir dir;
    SynthOptions options;
    options.arch = arch;
    options.preset = preset;
    if (preset != SynthPreset::Tiny) {
        // The padded vocabulary, without writing the (large) weights.
        Vocabulary v = builtin_vocabulary(arch == SynthArch::Llama ? Architecture::Llama : Architecture::Falcon);
        pad_vocabulary(v, plan_for_options(options).config.n_vocab);
        return make_tokenizer(std::move(v));
    }
    write_synthetic_model(options, dir / "m.gguf");
    return make_tokenizer(vocabulary_from_gguf(GgufFile::open(dir / "m.gguf")));
}

std::vector<std::string> pieces(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
    std::vector<std::string> out;
    for (auto id : ids) out.push_back(tok.vocabulary().tokens.at(static_cast<std::size_t>(id)));
    return out;
}

using Pieces = std::vector<std::string>;

}  // namespace

TEST_CASE("synth tokenizer: podium's SentencePiece tokenizer loads the built-in Llama vocabulary", "[synth]") {
    const auto tok = tokenizer_of_synth_model(SynthArch::Llama);
    CHECK(tok->kind() == TokenizerKind::SentencePiece);
    CHECK(tok->bos_id() == 1);
    CHECK(tok->adds_bos());
    CHECK(pieces(*tok, tok->encode("Hello world", false)) == Pieces{"\u2581Hello", "\u2581world"});
    CHECK(pieces(*tok, tok->encode("Once upon a time", false)) ==
          Pieces{"\u2581Once", "\u2581upon", "\u2581a", "\u2581time"});
    CHECK(pieces(*tok, tok->encode("She said they had a day", false)) ==
          Pieces{"\u2581She", "\u2581said", "\u2581they", "\u2581had", "\u2581a", "\u2581day"});
    // A character with no piece falls back to its UTF-8 bytes.
    const auto& tokens = tok->vocabulary().tokens;
    const auto space = static_cast<std::int32_t>(std::find(tokens.begin(), tokens.end(), "\u2581") - tokens.begin());
    CHECK(tok->encode("\xC3\xA9", false) == std::vector<std::int32_t>{space, 3 + 0xC3, 3 + 0xA9});
    const auto ids = tok->encode("Hello, world! 42 caf\xC3\xA9", true);
    CHECK(ids.front() == 1);
    CHECK(tok->decode(std::vector<std::int32_t>(ids.begin() + 1, ids.end())) == "Hello, world! 42 caf\xC3\xA9");
}

TEST_CASE("synth tokenizer: podium's byte-level BPE tokenizer loads the built-in Falcon vocabulary", "[synth]") {
    const auto tok = tokenizer_of_synth_model(SynthArch::Falcon40b);
    CHECK(tok->kind() == TokenizerKind::ByteLevelBpe);
    CHECK(!tok->adds_bos());
    CHECK(tok->eos_id() == 0);
    CHECK(pieces(*tok, tok->encode("Hello world", false)) == Pieces{"Hello", "\u0120world"});
    CHECK(pieces(*tok, tok->encode("the cat and the hat", false)) ==
          Pieces{"t", "he", "\u0120c", "at", "\u0120and", "\u0120the", "\u0120h", "at"});
    const std::string text = "Hello, world!\n\nSo \xC3\xA9t\xC3\xA9 1000 <|endoftext|>";
    CHECK(tok->decode(tok->encode(text, false)) == text);
}

TEST_CASE("synth tokenizer: padded built-in vocabularies still tokenize the same", "[synth]") {
    const auto tiny = tokenizer_of_synth_model(SynthArch::Llama);
    const auto padded = tokenizer_of_synth_model(SynthArch::Llama, SynthPreset::B7);
    CHECK(padded->vocab_size() == 32000);
    const std::string text = "Once upon a time, <unused_400> said \"hi\" 7";
    CHECK(padded->encode(text, true) == tiny->encode(text, true));
    const auto falcon_tiny = tokenizer_of_synth_model(SynthArch::Falcon);
    const auto falcon_padded = tokenizer_of_synth_model(SynthArch::Falcon, SynthPreset::M110);
    CHECK(falcon_padded->vocab_size() == 65024);
    CHECK(falcon_padded->encode(text, false) == falcon_tiny->encode(text, false));
}
