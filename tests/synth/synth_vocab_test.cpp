#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/builtin_vocab.h"
#include "engine/model/model_synth.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::TempDir;

namespace {

// UTF-8 characters of `s` (the built-in pieces are valid UTF-8).
std::vector<std::string> utf8_chars(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

std::vector<std::string> tokenizer_keys(const GgufFile& file) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : file.metadata())
        if (key.starts_with("tokenizer.")) keys.push_back(key);
    return keys;
}

}  // namespace

TEST_CASE("synth vocab: the built-in SentencePiece vocabulary is laid out as Llama's", "[synth]") {
    const Vocabulary v = builtin_llama_vocabulary();
    REQUIRE(v.tokens.size() == v.scores.size());
    REQUIRE(v.tokens.size() == v.types.size());
    CHECK(v.kind == TokenizerKind::SentencePiece);
    CHECK(v.tokens[0] == "<unk>");
    CHECK(v.types[0] == TokenType::Unknown);
    CHECK(v.tokens[1] == "<s>");
    CHECK(v.tokens[2] == "</s>");
    CHECK(v.types[2] == TokenType::Control);
    CHECK(v.tokens[3] == "<0x00>");
    CHECK(v.tokens[3 + 0x0A] == "<0x0A>");
    CHECK(v.tokens[258] == "<0xFF>");
    CHECK(v.types[258] == TokenType::Byte);
    CHECK(v.tokens[259] == "\xE2\x96\x81t");  // "▁t"
    CHECK((v.bos_id == 1 && v.eos_id == 2 && v.unk_id == 0 && v.add_bos && !v.add_eos));
    CHECK(v.tokens.size() > 300);

    std::set<std::string> seen(v.tokens.begin(), v.tokens.begin() + 259);
    for (std::size_t id = 259; id < v.tokens.size(); ++id) {
        const std::string& piece = v.tokens[id];
        CAPTURE(id, piece);
        CHECK(v.types[id] == TokenType::Normal);
        CHECK(v.scores[id] < v.scores[id - 1] + (id == 259 ? 1.0f : 0.0f));
        CHECK(seen.count(piece) == 0);
        // SPM reaches a piece by merging two adjacent symbols: each a character or an earlier piece.
        const auto chars = utf8_chars(piece);
        if (chars.size() > 1) {
            bool reachable = false;
            std::string left;
            for (std::size_t i = 0; i + 1 < chars.size(); ++i) {
                left += chars[i];
                const std::string right = piece.substr(left.size());
                const bool left_ok = seen.count(left) || utf8_chars(left).size() == 1;
                const bool right_ok = seen.count(right) || utf8_chars(right).size() == 1;
                reachable = reachable || (left_ok && right_ok);
            }
            CHECK(reachable);
        }
        seen.insert(piece);
    }
}

TEST_CASE("synth vocab: the built-in byte-level BPE vocabulary is consistent with its merges", "[synth]") {
    const Vocabulary v = builtin_falcon_vocabulary();
    CHECK(v.kind == TokenizerKind::ByteLevelBpe);
    CHECK(v.pre == PreTokenizer::Falcon);
    CHECK(v.tokens[0] == "<|endoftext|>");
    CHECK(v.types[0] == TokenType::Control);
    CHECK((v.bos_id == 0 && v.eos_id == 0 && !v.add_bos));
    CHECK(v.tokens[1 + 'A'] == "A");
    CHECK(v.tokens[1 + ' '] == "\xC4\xA0");   // Ġ = U+0120
    CHECK(v.tokens[1 + '\n'] == "\xC4\x8A");  // Ċ = U+010A
    CHECK(v.tokens[1 + 0x00] == "\xC4\x80");  // U+0100
    CHECK(v.tokens[1 + 0xAD] == "\xC5\x83");  // soft hyphen is the 68th (last) shifted byte: U+0143
    CHECK(v.tokens[1 + 0xFF] == "\xC3\xBF");  // ÿ stands for itself
    REQUIRE(v.merges.size() >= 30);
    CHECK(v.tokens.size() == 257 + v.merges.size());
    CHECK(v.scores.empty());

    std::set<std::string> all(v.tokens.begin(), v.tokens.end());
    CHECK(all.size() == v.tokens.size());
    std::set<std::string> known(v.tokens.begin(), v.tokens.begin() + 257);
    for (std::size_t rank = 0; rank < v.merges.size(); ++rank) {
        const std::string& m = v.merges[rank];
        CAPTURE(m);
        const auto space = m.find(' ');
        REQUIRE(space != std::string::npos);
        const std::string left = m.substr(0, space), right = m.substr(space + 1);
        CHECK(known.count(left));
        CHECK(known.count(right));
        CHECK(v.tokens[257 + rank] == left + right);
        known.insert(left + right);
    }
}

TEST_CASE("synth vocab: padding adds unused tokens and the metadata round-trips", "[synth]") {
    Vocabulary v = builtin_llama_vocabulary();
    const std::size_t before = v.tokens.size();
    pad_vocabulary(v, 1000);
    REQUIRE(v.tokens.size() == 1000);
    CHECK(v.scores.size() == 1000);
    CHECK(v.types[999] == TokenType::Unused);
    CHECK(v.tokens[before] == "<unused_" + std::to_string(before) + ">");
    pad_vocabulary(v, 10);  // never shrinks
    CHECK(v.tokens.size() == 1000);

    TempDir dir;
    SynthOptions options;
    options.arch = SynthArch::Falcon;
    write_synthetic_model(options, dir / "f.gguf");
    const GgufFile file = GgufFile::open(dir / "f.gguf");
    const Vocabulary falcon = builtin_falcon_vocabulary();
    CHECK(file.require_uint("falcon.vocab_size") == falcon.tokens.size());
    CHECK(file.require_string("tokenizer.ggml.pre") == "falcon");
    const auto& merges = file.require_array("tokenizer.ggml.merges");
    REQUIRE(merges.elements.size() == falcon.merges.size());
    CHECK(merges.elements[0].string == "\xC4\xA0 t");
    const auto& types = file.require_array("tokenizer.ggml.token_type");
    CHECK(types.element_type == GgufValueType::I32);
    CHECK(types.elements[0].integer == 3);
    CHECK(file.require_uint("tokenizer.ggml.eos_token_id") == 0);
    CHECK(file.get_bool("tokenizer.ggml.add_bos_token") == false);
    CHECK(file.find("tokenizer.ggml.scores") == nullptr);

    const auto written = vocabulary_gguf_metadata(falcon);
    for (const auto& [key, value] : written) {
        CAPTURE(key);
        REQUIRE(file.find(key) != nullptr);
        CHECK(*file.find(key) == value);
    }
    CHECK(tokenizer_keys(file).size() == written.size());
}

TEST_CASE("synth vocab: --vocab copies every tokenizer key and sets n_vocab", "[synth]") {
    const auto spm = test::shared_file("vocab/ggml-vocab-llama-spm.gguf");
    if (!spm) return;
    TempDir dir;
    SynthOptions options;
    options.arch = SynthArch::Llama;
    options.dtype = TensorType::Q8_0;
    options.vocab = *spm;
    const SynthResult result = write_synthetic_model(options, dir / "m.gguf");
    CHECK(result.plan.config.n_vocab == 32000);
    const GgufFile file = GgufFile::open(dir / "m.gguf");
    const GgufFile source = GgufFile::open(*spm);
    CHECK(file.require_uint("llama.vocab_size") == 32000);
    CHECK(file.find_tensor("token_embd.weight")->shape == std::vector<std::uint64_t>{64, 32000});
    CHECK(file.find_tensor("output.weight")->shape == std::vector<std::uint64_t>{64, 32000});
    const auto keys = tokenizer_keys(source);
    CHECK(keys.size() >= 9);
    CHECK(tokenizer_keys(file) == keys);
    for (const auto& key : keys) {
        CAPTURE(key);
        CHECK(*file.find(key) == *source.find(key));
    }
    // The model keys are ours, not the vocab file's (which describes Llama-2-7B).
    CHECK(file.require_uint("llama.embedding_length") == 64);
    CHECK(file.require_string("general.name") == "podium-synth-llama-tiny-seed0");
}

TEST_CASE("synth vocab: a Falcon vocab file gives a 65024-token Falcon model", "[synth]") {
    const auto falcon = test::shared_file("vocab/ggml-vocab-falcon.gguf");
    if (!falcon) return;
    SynthOptions options;
    options.arch = SynthArch::Falcon40b;
    options.vocab = *falcon;
    const SynthPlan plan = plan_for_options(options);
    CHECK(plan.config.n_vocab == 65024);
    CHECK(plan.find("token_embd.weight")->shape == std::vector<std::uint64_t>{64, 65024});
}

TEST_CASE("synth vocab: vocab files without a tokenizer are refused", "[synth]") {
    TempDir dir;
    SynthOptions options;
    options.vocab = dir / "absent.gguf";
    CHECK_THROWS_WITH(plan_for_options(options), Catch::Contains("absent.gguf: vocabulary file not found"));

    GgufWriter writer;
    writer.set("general.architecture", GgufValue::string_value("llama"));
    writer.write(dir / "empty.gguf");
    options.vocab = dir / "empty.gguf";
    CHECK_THROWS_WITH(write_synthetic_model(options, dir / "out.gguf"),
                      Catch::Contains("tokenizer.ggml.tokens"));
    CHECK(!std::filesystem::exists(dir / "out.gguf"));

    test::write_file(dir / "junk.gguf", "not a gguf file at all");
    options.vocab = dir / "junk.gguf";
    CHECK_THROWS_AS(plan_for_options(options), FileError);
}
