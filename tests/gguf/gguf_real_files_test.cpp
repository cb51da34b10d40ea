// Reading the real GGUF files in shared/data (values from shared/data/SOURCES.md and
// engine-anchors.md §2.1), and rewriting them through GgufWriter byte for byte.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/support/test_support.h"

using namespace podium;
namespace fs = std::filesystem;

namespace {

// Writes every key and tensor of `f` back out with GgufWriter.
void rewrite(const GgufFile& f, const fs::path& out) {
    GgufWriter w;
    for (const auto& [key, value] : f.metadata()) w.set(key, value);
    for (const auto& t : f.tensors())
        w.add_tensor(t.name, t.type, t.shape, [&t](std::span<std::uint8_t> bytes) {
            std::memcpy(bytes.data(), t.data, bytes.size());
        });
    w.write(out);
}

}  // namespace

TEST_CASE("stories260K.gguf: header, hyperparameters, vocabulary and tensors", "[gguf][real]") {
    auto path = test::shared_file("models/stories260K.gguf");
    if (!path) return;
    const auto f = GgufFile::open(*path);
    CHECK(f.version() == 3);
    CHECK(f.alignment() == 32);
    CHECK(f.data_offset() % 32 == 0);
    CHECK(f.tensors().size() == 48);
    CHECK(f.metadata().size() == 19);

    CHECK(f.require_string("general.architecture") == "llama");
    CHECK(f.require_uint("llama.embedding_length") == 64);
    CHECK(f.require_uint("llama.feed_forward_length") == 172);
    CHECK(f.require_uint("llama.block_count") == 5);
    CHECK(f.require_uint("llama.attention.head_count") == 8);
    CHECK(f.require_uint("llama.attention.head_count_kv") == 4);
    CHECK(f.require_uint("llama.rope.dimension_count") == 8);
    CHECK(f.require_uint("llama.context_length") == 2048);
    CHECK(f.require_real("llama.attention.layer_norm_rms_epsilon") == static_cast<double>(1e-5f));
    CHECK(f.find("llama.attention.layer_norm_rms_epsilon")->type == GgufValueType::F32);
    CHECK(f.find("llama.block_count")->type == GgufValueType::U32);

    CHECK(f.require_string("tokenizer.ggml.model") == "llama");
    CHECK(f.require_uint("tokenizer.ggml.bos_token_id") == 1);
    CHECK(f.require_uint("tokenizer.ggml.eos_token_id") == 2);
    CHECK(f.require_uint("tokenizer.ggml.unknown_token_id") == 0);
    const auto& tokens = f.require_array("tokenizer.ggml.tokens");
    CHECK(tokens.element_type == GgufValueType::String);
    REQUIRE(tokens.elements.size() == 512);
    CHECK(tokens.elements[0].string == "<unk>");
    CHECK(tokens.elements[1].string == "<s>");
    CHECK(tokens.elements[2].string == "</s>");
    CHECK(tokens.elements[3].string == "<0x00>");
    CHECK(tokens.elements[258].string == "<0xFF>");
    CHECK(f.require_array("tokenizer.ggml.scores").elements.size() == 512);
    CHECK(f.require_array("tokenizer.ggml.token_type").element_type == GgufValueType::I32);

    for (const auto& t : f.tensors()) {
        INFO(t.name);
        CHECK(t.type == TensorType::F32);
        CHECK(t.offset % 32 == 0);
        CHECK(t.n_bytes == t.n_elements * 4);
        CHECK(f.data_offset() + t.offset + t.n_bytes <= f.file_size());
    }
    const auto* embd = f.find_tensor("token_embd.weight");
    const auto* output = f.find_tensor("output.weight");
    REQUIRE(embd);
    REQUIRE(output);
    CHECK(embd->shape == std::vector<std::uint64_t>{64, 512});
    CHECK(f.find_tensor("blk.0.attn_k.weight")->shape == std::vector<std::uint64_t>{64, 32});  // 4 KV heads of 8
    CHECK(f.find_tensor("blk.4.ffn_up.weight")->shape == std::vector<std::uint64_t>{64, 172});
    // The output matrix is stored and tied to the embedding.
    CHECK(std::memcmp(embd->data, output->data, embd->n_bytes) == 0);
    // The last tensor ends exactly at the end of the file.
    const auto& last = f.tensors().back();
    CHECK(f.data_offset() + last.offset + last.n_bytes == f.file_size());
}

TEST_CASE("tokenizer-only vocab files: counts and hyperparameters", "[gguf][real]") {
    if (auto path = test::shared_file("vocab/ggml-vocab-llama-spm.gguf")) {
        const auto f = GgufFile::open(*path);
        CHECK(f.version() == 3);
        CHECK(f.tensors().empty());
        CHECK(f.require_string("tokenizer.ggml.model") == "llama");
        CHECK(f.require_string("tokenizer.ggml.pre") == "default");
        CHECK(f.require_array("tokenizer.ggml.tokens").elements.size() == 32000);
        CHECK(f.require_uint("llama.vocab_size") == 32000);
        CHECK(f.require_uint("llama.feed_forward_length") == 11008);
        CHECK(f.require_uint("llama.rope.dimension_count") == 128);
        CHECK(f.get_bool("tokenizer.ggml.add_bos_token") == true);
        CHECK(f.get_bool("tokenizer.ggml.add_eos_token") == false);
        CHECK_FALSE(f.find("llama.rope.freq_base"));
    }
    if (auto path = test::shared_file("vocab/ggml-vocab-falcon.gguf")) {
        const auto f = GgufFile::open(*path);
        CHECK(f.version() == 3);
        CHECK(f.tensors().empty());
        CHECK(f.require_string("general.architecture") == "falcon");
        CHECK(f.require_string("tokenizer.ggml.model") == "gpt2");
        CHECK(f.require_string("tokenizer.ggml.pre") == "falcon");
        CHECK(f.require_string("falcon.tensor_data_layout") == "jploski");
        CHECK(f.require_uint("falcon.embedding_length") == 4544);
        CHECK(f.require_uint("falcon.attention.head_count") == 71);
        CHECK(f.require_uint("falcon.attention.head_count_kv") == 1);
        CHECK(f.require_array("tokenizer.ggml.tokens").elements.size() == 65024);
        CHECK(f.require_array("tokenizer.ggml.merges").elements.size() == 64784);
        CHECK(f.require_array("tokenizer.ggml.merges").elements[0].string == "\xC4\xA0 t");  // "Ġ t"
    }
    if (auto path = test::shared_file("vocab/ggml-vocab-gpt-2.gguf")) {
        const auto f = GgufFile::open(*path);
        CHECK(f.version() == 3);
        CHECK(f.tensors().empty());
        const auto& tokens = f.require_array("tokenizer.ggml.tokens");
        REQUIRE(tokens.elements.size() == 50257);
        CHECK(tokens.elements.back().string == "<|endoftext|>");
        CHECK(f.require_uint("tokenizer.ggml.eos_token_id") == 50256);
        CHECK(f.require_array("tokenizer.ggml.merges").elements.size() == 50000);
    }
}

TEST_CASE("the real files rewritten through GgufWriter come back byte for byte", "[gguf][real][round-trip]") {
    test::TempDir dir;
    for (const char* name : {"models/stories260K.gguf", "vocab/ggml-vocab-llama-spm.gguf",
                             "vocab/ggml-vocab-falcon.gguf", "vocab/ggml-vocab-gpt-2.gguf"}) {
        auto path = test::shared_file(name);
        if (!path) continue;
        INFO(name);
        const auto f = GgufFile::open(*path);
        const fs::path out = dir / path->filename();
        rewrite(f, out);
        CHECK(test::read_file(out) == test::read_file(*path));
    }
}
