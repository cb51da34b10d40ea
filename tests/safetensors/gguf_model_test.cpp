#include <catch2/catch.hpp>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model_file.h"
#include "tests/safetensors/hf_folder_builder.h"
#include "tests/support/test_support.h"

using namespace podium;
using namespace podium::test;
using Catch::Matchers::Contains;

TEST_CASE("gguf: open_model on stories260K") {
    auto path = shared_file("models/stories260K.gguf");
    if (!path) return;
    const ModelFile m = open_model(*path);
    CHECK(m.format == ModelFormat::Gguf);
    const ModelConfig& c = m.config;
    CHECK(c.arch == Architecture::Llama);
    CHECK(c.n_embd == 64);
    CHECK(c.n_layer == 5);
    CHECK(c.n_head == 8);
    CHECK(c.n_head_kv == 4);
    CHECK(c.head_dim() == 8);
    CHECK(c.n_ff == 172);
    CHECK(c.n_vocab == 512);
    CHECK(c.n_rot == 8);
    CHECK(c.n_ctx == 2048);
    CHECK(c.norm_eps == Approx(1e-5f));
    CHECK(c.rope_freq_base == 10000.0f);
    CHECK(c.rope_pairing == RopePairing::Adjacent);
    CHECK(c.qkv_layout == QkvLayout::Separate);
    CHECK_FALSE(c.tied_output);  // output.weight is stored
    CHECK_FALSE(c.falcon_two_norms);

    CHECK(m.tensors.size() == 48);
    const TensorView* k = m.find("blk.4.attn_k.weight");
    REQUIRE(k);
    CHECK(k->shape == std::vector<std::uint64_t>{64, 32});
    CHECK(k->type == TensorType::F32);
    CHECK(k->n_bytes == 64 * 32 * 4);
    CHECK(m.find("token_embd.weight")->shape == std::vector<std::uint64_t>{64, 512});
    // 2 x 64x512 embeddings, the final norm, and 5 blocks of 45440.
    CHECK(m.parameter_count() == 2 * 64 * 512 + 64 + 5 * 45440);

    // Tensors point into the same map the GGUF reader serves.
    const auto gguf = GgufFile::open(*path);
    const auto* info = gguf.find_tensor("blk.4.attn_k.weight");
    REQUIRE(info);
    CHECK(std::equal(k->data, k->data + k->n_bytes, info->data));

    REQUIRE(m.vocabulary.has_value());
    CHECK(m.vocabulary->kind == TokenizerKind::SentencePiece);
    CHECK(m.vocabulary->tokens.size() == 512);
}

namespace {

// A minimal tensor-free Falcon GGUF with the keys llama.cpp's converter writes.
void write_falcon_header_gguf(const std::filesystem::path& path, bool with_kv) {
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("falcon"));
    w.set("general.name", GgufValue::string_value("tiny-falcon"));
    w.set("falcon.context_length", GgufValue::u32(2048));
    w.set("falcon.embedding_length", GgufValue::u32(4544));
    w.set("falcon.feed_forward_length", GgufValue::u32(18176));
    w.set("falcon.block_count", GgufValue::u32(32));
    w.set("falcon.attention.head_count", GgufValue::u32(71));
    if (with_kv) w.set("falcon.attention.head_count_kv", GgufValue::u32(1));
    w.set("falcon.attention.layer_norm_epsilon", GgufValue::f32(1e-5f));
    w.set("falcon.vocab_size", GgufValue::u32(65024));
    w.write(path);
}

}  // namespace

TEST_CASE("gguf: config_from_gguf on Falcon metadata, with defaults") {
    TempDir dir;
    write_falcon_header_gguf(dir / "f.gguf", true);
    const ModelConfig c = config_from_gguf(GgufFile::open(dir / "f.gguf"));
    CHECK(c.arch == Architecture::Falcon);
    CHECK(c.name == "tiny-falcon");
    CHECK(c.n_embd == 4544);
    CHECK(c.n_head == 71);
    CHECK(c.n_head_kv == 1);
    CHECK(c.head_dim() == 64);
    CHECK(c.n_rot == 64);  // no rope.dimension_count: the head size
    CHECK(c.rope_freq_base == 10000.0f);
    CHECK(c.n_vocab == 65024);
    CHECK(c.rope_pairing == RopePairing::HalfSplit);
    CHECK(c.qkv_layout == QkvLayout::Contiguous);
    CHECK_FALSE(c.falcon_two_norms);
    CHECK(c.tied_output);

    write_falcon_header_gguf(dir / "nokv.gguf", false);
    CHECK(config_from_gguf(GgufFile::open(dir / "nokv.gguf")).n_head_kv == 71);  // default: head_count
}

TEST_CASE("gguf: vocabulary-only files open with their tokenizer") {
    auto path = shared_file("vocab/ggml-vocab-falcon.gguf");
    if (!path) return;
    const ModelFile m = open_model(*path);
    CHECK(m.config.arch == Architecture::Falcon);
    CHECK(m.config.n_head_kv == 1);
    CHECK(m.tensors.empty());
    REQUIRE(m.vocabulary);
    CHECK(m.vocabulary->kind == TokenizerKind::ByteLevelBpe);
    CHECK(m.vocabulary->tokens.size() == 65024);
}

TEST_CASE("gguf: unknown architecture and missing keys name the file") {
    TempDir dir;
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("gpt2"));
    w.write(dir / "gpt2.gguf");
    CHECK_THAT(file_error_message([&] { open_model(dir / "gpt2.gguf"); }),
               Contains("gpt2.gguf") && Contains("general.architecture is \"gpt2\""));

    GgufWriter l;
    l.set("general.architecture", GgufValue::string_value("llama"));
    l.set("llama.context_length", GgufValue::u32(128));
    l.write(dir / "partial.gguf");
    CHECK_THAT(file_error_message([&] { open_model(dir / "partial.gguf"); }),
               Contains("partial.gguf") && Contains("llama.embedding_length"));
}

TEST_CASE("gguf: a tensor whose shape disagrees with the metadata") {
    TempDir dir;
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("llama"));
    w.set("llama.context_length", GgufValue::u32(128));
    w.set("llama.embedding_length", GgufValue::u32(8));
    w.set("llama.feed_forward_length", GgufValue::u32(16));
    w.set("llama.block_count", GgufValue::u32(1));
    w.set("llama.attention.head_count", GgufValue::u32(2));
    w.set("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(1e-5f));
    w.set("llama.vocab_size", GgufValue::u32(10));
    w.add_tensor("token_embd.weight", TensorType::F32, {8, 11}, [](std::span<std::uint8_t> out) {
        std::fill(out.begin(), out.end(), 0);
    });
    w.write(dir / "bad-shape.gguf");
    CHECK_THAT(file_error_message([&] { open_model(dir / "bad-shape.gguf"); }),
               Contains("bad-shape.gguf") && Contains("'token_embd.weight' has shape {8, 11}, expected {8, 10}"));
}
