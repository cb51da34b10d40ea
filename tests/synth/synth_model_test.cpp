#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/model_synth.h"
#include "kernels/cpu/dequantize.h"
#include "tests/support/test_support.h"

using namespace podium;
using podium::test::TempDir;

namespace {

SynthOptions tiny(SynthArch arch, TensorType dtype, std::uint64_t seed = 7) {
    SynthOptions o;
    o.arch = arch;
    o.preset = SynthPreset::Tiny;
    o.dtype = dtype;
    o.seed = seed;
    o.n_threads = 2;
    return o;
}

std::vector<std::uint8_t> regenerate(const SynthTensor& t, std::uint64_t seed) {
    std::vector<std::uint8_t> bytes(t.n_bytes());
    synth_tensor_bytes(t, seed, bytes, 1);
    return bytes;
}

std::vector<float> dequantized(const GgufTensorInfo& info) {
    std::vector<float> out(info.n_elements);
    dequantize_row_reference(info.type, info.data, out.data(), out.size());
    return out;
}

}  // namespace

TEST_CASE("synth: tiny models read back with the planned metadata, tensors and bytes", "[synth]") {
    const auto arch = GENERATE(SynthArch::Llama, SynthArch::Falcon, SynthArch::Falcon40b);
    const auto dtype = GENERATE(TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0,
                                TensorType::Q4_0);
    CAPTURE(synth_arch_name(arch), tensor_type_name(dtype));
    TempDir dir;
    const auto path = dir / "model.gguf";
    const SynthResult result = write_synthetic_model(tiny(arch, dtype), path);
    const GgufFile file = GgufFile::open(path);
    CHECK(result.file_bytes == file.file_size());

    const bool llama = arch == SynthArch::Llama;
    const std::string a = llama ? "llama" : "falcon";
    CHECK(file.require_string("general.architecture") == a);
    CHECK(file.require_string("general.name") ==
          "podium-synth-" + std::string(synth_arch_name(arch)) + "-tiny-seed7");
    const std::uint64_t file_type = dtype == TensorType::F32    ? 0
                                    : dtype == TensorType::F16  ? 1
                                    : dtype == TensorType::Q4_0 ? 2
                                    : dtype == TensorType::Q8_0 ? 7
                                                                : 32;
    CHECK(file.require_uint("general.file_type") == file_type);
    const bool quantized = dtype == TensorType::Q8_0 || dtype == TensorType::Q4_0;
    CHECK(file.get_uint("general.quantization_version") ==
          (quantized ? std::optional<std::uint64_t>(2) : std::nullopt));
    CHECK(file.require_uint(a + ".context_length") == 512);
    CHECK(file.require_uint(a + ".embedding_length") == 64);
    CHECK(file.require_uint(a + ".block_count") == 2);
    CHECK(file.require_uint(a + ".feed_forward_length") == (llama ? 192 : 256));
    CHECK(file.require_uint(a + ".attention.head_count") == 4);
    CHECK(file.require_uint(a + ".attention.head_count_kv") == (arch == SynthArch::Falcon ? 1 : 2));
    CHECK(file.require_uint(a + ".rope.dimension_count") == 16);
    CHECK(file.require_real(a + ".rope.freq_base") == 10000.0);
    const std::string eps_key = llama ? ".attention.layer_norm_rms_epsilon" : ".attention.layer_norm_epsilon";
    CHECK(file.require_real(a + eps_key) == static_cast<double>(1e-5f));
    const std::uint64_t n_vocab = file.require_uint(a + ".vocab_size");
    CHECK(n_vocab == file.require_array("tokenizer.ggml.tokens").elements.size());
    CHECK(file.require_string("tokenizer.ggml.model") == (llama ? "llama" : "gpt2"));
    if (!llama) CHECK(file.require_string("falcon.tensor_data_layout") == "jploski");

    // Shapes written out by hand, not taken from the plan.
    const auto shape_of = [&](const char* name) {
        const GgufTensorInfo* t = file.find_tensor(name);
        REQUIRE(t != nullptr);
        return t->shape;
    };
    using Shape = std::vector<std::uint64_t>;
    CHECK(shape_of("token_embd.weight") == Shape{64, n_vocab});
    CHECK(shape_of("output_norm.weight") == Shape{64});
    CHECK(shape_of("blk.1.attn_output.weight") == Shape{64, 64});
    if (llama) {
        CHECK(file.tensors().size() == 1 + 2 * 9 + 2);
        CHECK(shape_of("blk.0.attn_q.weight") == Shape{64, 64});
        CHECK(shape_of("blk.0.attn_k.weight") == Shape{64, 32});
        CHECK(shape_of("blk.0.attn_v.weight") == Shape{64, 32});
        CHECK(shape_of("blk.0.ffn_gate.weight") == Shape{64, 192});
        CHECK(shape_of("blk.0.ffn_down.weight") == Shape{192, 64});
        CHECK(shape_of("output.weight") == Shape{64, n_vocab});
    } else {
        CHECK(file.find_tensor("output.weight") == nullptr);  // tied to token_embd
        CHECK(shape_of("output_norm.bias") == Shape{64});
        CHECK(shape_of("blk.0.attn_norm.bias") == Shape{64});
        CHECK(shape_of("blk.0.attn_qkv.weight") == Shape{64, arch == SynthArch::Falcon ? 96u : 128u});
        CHECK(shape_of("blk.1.ffn_up.weight") == Shape{64, 256});
        CHECK(shape_of("blk.1.ffn_down.weight") == Shape{256, 64});
        CHECK((file.find_tensor("blk.0.attn_norm_2.weight") != nullptr) == (arch == SynthArch::Falcon40b));
        CHECK(file.tensors().size() == 1 + 2 * (arch == SynthArch::Falcon ? 6 : 8) + 2);
    }

    REQUIRE(file.tensors().size() == result.plan.tensors.size());
    for (std::size_t i = 0; i < file.tensors().size(); ++i) {
        const GgufTensorInfo& got = file.tensors()[i];
        const SynthTensor& want = result.plan.tensors[i];
        CAPTURE(want.name);
        CHECK(got.name == want.name);
        CHECK(got.shape == want.shape);
        CHECK(got.type == (want.shape.size() == 1 ? TensorType::F32 : dtype));
        CHECK(got.type == want.type);
        REQUIRE(got.n_bytes == want.n_bytes());
        const auto bytes = regenerate(want, 7);
        CHECK(std::memcmp(got.data, bytes.data(), bytes.size()) == 0);
    }
}

TEST_CASE("synth: weights have the documented scales and are finite", "[synth]") {
    TempDir dir;
    const auto path = dir / "model.gguf";
    write_synthetic_model(tiny(SynthArch::Falcon40b, TensorType::F32), path);
    const GgufFile file = GgufFile::open(path);
    const auto stats = [&](const char* name) {
        const auto values = dequantized(*file.find_tensor(name));
        double sum = 0, sum2 = 0, max_abs = 0;
        for (float v : values) {
            REQUIRE(std::isfinite(v));
            sum += v;
            sum2 += double(v) * v;
        }
        const double mean = sum / values.size();
        for (float v : values) max_abs = std::max(max_abs, std::abs(v - mean));
        return std::array<double, 3>{mean, std::sqrt(sum2 / values.size() - mean * mean), max_abs};
    };
    const auto ffn = stats("blk.0.ffn_up.weight");  // 16384 values
    CHECK(std::abs(ffn[0]) < 0.002);
    CHECK(ffn[1] == Approx(0.02).epsilon(0.05));
    CHECK(ffn[2] <= 0.02 * 3.47);
    const auto embd = stats("token_embd.weight");  // tied: std 1/sqrt(64)
    CHECK(embd[1] == Approx(0.125).epsilon(0.05));
    const auto norm = stats("blk.1.attn_norm_2.weight");
    CHECK(norm[0] == Approx(1.0).margin(0.03));
    CHECK(norm[2] <= 0.05 * 3.47);
    const auto bias = stats("output_norm.bias");
    CHECK(std::abs(bias[0]) < 0.01);
    CHECK(bias[2] <= 0.02 * 3.47);

    // Quantized tensors dequantize to nearly the f32 values.
    TempDir qdir;
    write_synthetic_model(tiny(SynthArch::Falcon40b, TensorType::Q8_0), qdir / "q.gguf");
    const GgufFile qfile = GgufFile::open(qdir / "q.gguf");
    const auto exact = dequantized(*file.find_tensor("blk.0.attn_qkv.weight"));
    const auto approx = dequantized(*qfile.find_tensor("blk.0.attn_qkv.weight"));
    REQUIRE(exact.size() == approx.size());
    for (std::size_t i = 0; i < exact.size(); ++i) REQUIRE(std::abs(exact[i] - approx[i]) < 0.0006);
}

TEST_CASE("synth: the same options give the same bytes; another seed gives others", "[synth]") {
    TempDir dir;
    const auto arch = GENERATE(SynthArch::Llama, SynthArch::Falcon);
    auto options = tiny(arch, TensorType::Q4_0, 11);
    write_synthetic_model(options, dir / "a.gguf");
    options.n_threads = 1;
    write_synthetic_model(options, dir / "b.gguf");
    options.seed = 12;
    write_synthetic_model(options, dir / "c.gguf");
    const std::string a = test::read_file(dir / "a.gguf"), b = test::read_file(dir / "b.gguf"),
                      c = test::read_file(dir / "c.gguf");
    CHECK(a.size() > 10000);
    CHECK(a == b);
    CHECK(a.size() == c.size());
    CHECK(a != c);
    CHECK(!std::filesystem::exists(dir / "a.gguf.tmp"));
}

TEST_CASE("synth: tensor bytes do not depend on the thread count", "[synth]") {
    // Large enough that synth_tensor_bytes really splits the rows.
    const SynthTensor t{"blk.3.ffn_up.weight", {1024, 1536}, TensorType::Q8_0, 0.0f, 0.02f};
    std::vector<std::uint8_t> one(t.n_bytes()), three(t.n_bytes()), eight(t.n_bytes());
    synth_tensor_bytes(t, 99, one, 1);
    synth_tensor_bytes(t, 99, three, 3);
    synth_tensor_bytes(t, 99, eight, 8);
    CHECK(one == three);
    CHECK(one == eight);

    // Rows are streams of their own: row 5 alone equals row 5 of the whole tensor.
    std::vector<float> row(1024);
    synth_row_values(t, 99, 5, row);
    std::vector<std::uint8_t> packed(tensor_bytes(TensorType::Q8_0, 1024));
    quantize_row_reference(TensorType::Q8_0, row.data(), packed.data(), row.size());
    CHECK(std::memcmp(packed.data(), one.data() + 5 * packed.size(), packed.size()) == 0);
    const SynthTensor ragged{"x", {48, 2}, TensorType::Q8_0, 0.0f, 0.02f};
    std::vector<std::uint8_t> none(ragged.n_bytes());
    CHECK_THROWS_WITH(synth_tensor_bytes(ragged, 1, none, 2), Catch::Contains("not a multiple of the q8_0 block size"));
    std::vector<float> other(1024);
    synth_row_values(t, 99, 6, other);
    CHECK(row != other);
}

TEST_CASE("synth: the 7b plans match Llama-2-7B and Falcon-7B without writing a file", "[synth]") {
    SECTION("llama") {
        const SynthPlan plan = plan_for_options({SynthArch::Llama, SynthPreset::B7, TensorType::Q8_0, 0, {}, 0});
        CHECK(plan.config.n_vocab == 32000);
        CHECK(plan.config.n_ctx == 4096);
        CHECK(plan.tensors.size() == 1 + 32 * 9 + 2);
        CHECK(plan.parameter_count() == 6738415616ull);  // Llama-2-7B
        CHECK(plan.find("blk.31.ffn_gate.weight")->shape == std::vector<std::uint64_t>{4096, 11008});
        CHECK(plan.find("blk.31.ffn_down.weight")->shape == std::vector<std::uint64_t>{11008, 4096});
        CHECK(plan.find("blk.0.attn_k.weight")->shape == std::vector<std::uint64_t>{4096, 4096});
        CHECK(plan.find("output.weight")->shape == std::vector<std::uint64_t>{4096, 32000});
        CHECK(plan.find("blk.0.attn_q.weight")->type == TensorType::Q8_0);
        CHECK(plan.find("blk.0.ffn_norm.weight")->type == TensorType::F32);
        // Q8_0 is 34 bytes per 32 weights (plus the F32 norms): about 6.67 GiB, as llama-bench reports.
        CHECK(plan.tensor_data_bytes() / double(1ull << 30) == Approx(6.67).margin(0.01));
    }
    SECTION("falcon") {
        const SynthPlan plan = plan_for_options({SynthArch::Falcon, SynthPreset::B7, TensorType::F16, 0, {}, 0});
        CHECK(plan.config.n_vocab == 65024);
        CHECK(plan.config.n_head == 71);
        CHECK(plan.config.n_head_kv == 1);
        CHECK(plan.tensors.size() == 1 + 32 * 6 + 2);
        CHECK(plan.parameter_count() == 6921720704ull);  // Falcon-7B (tied output)
        CHECK(plan.find("blk.0.attn_qkv.weight")->shape == std::vector<std::uint64_t>{4544, 4672});
        CHECK(plan.find("blk.0.ffn_up.weight")->shape == std::vector<std::uint64_t>{4544, 18176});
        CHECK(plan.find("output.weight") == nullptr);
        const std::uint64_t norm_elements = (32 * 2 + 2) * 4544;  // F32 weights and biases
        CHECK(plan.tensor_data_bytes() == 2 * (plan.parameter_count() - norm_elements) + 4 * norm_elements);
    }
    SECTION("falcon-40b structure at 7b") {
        const SynthPlan plan =
            plan_for_options({SynthArch::Falcon40b, SynthPreset::B7, TensorType::BF16, 0, {}, 0});
        CHECK(plan.config.n_embd == 4096);
        CHECK(plan.config.n_head == 64);
        CHECK(plan.config.n_head_kv == 8);
        CHECK(plan.config.head_dim() == 64);
        CHECK(plan.find("blk.31.attn_norm_2.bias") != nullptr);
        CHECK(plan.find("blk.0.attn_qkv.weight")->shape == std::vector<std::uint64_t>{4096, 4096 + 2 * 8 * 64});
        CHECK(plan.parameter_count() == 5769797632ull);  // 5.77e9: narrower than Falcon-7B, same depth
    }
    SECTION("110m") {
        const SynthPlan plan = plan_for_options({SynthArch::Llama, SynthPreset::M110, TensorType::F32, 0, {}, 0});
        CHECK(plan.config.n_layer == 12);
        CHECK(plan.config.n_embd == 768);
        CHECK(plan.config.n_head_kv == 12);
        CHECK(plan.find("blk.11.ffn_up.weight")->shape == std::vector<std::uint64_t>{768, 2048});
    }
}

TEST_CASE("synth: rows a quantized type cannot hold fall back to F16", "[synth]") {
    ModelConfig config = synth_preset_config(SynthArch::Llama, SynthPreset::Tiny);
    config.n_vocab = 100;
    config.n_embd = 48;  // not a multiple of 32
    config.n_head = 4;
    config.n_head_kv = 2;
    config.n_ff = 128;
    const SynthPlan plan = plan_synthetic_model(config, TensorType::Q4_0);
    CHECK(plan.find("blk.0.attn_q.weight")->type == TensorType::F16);
    CHECK(plan.find("blk.0.ffn_up.weight")->type == TensorType::F16);
    CHECK(plan.find("blk.0.ffn_down.weight")->type == TensorType::Q4_0);  // rows of 128
    CHECK(plan.find("blk.0.attn_norm.weight")->type == TensorType::F32);
}

TEST_CASE("synth: unsupported dtypes and shapes are refused", "[synth]") {
    const ModelConfig config = [] {
        ModelConfig c = synth_preset_config(SynthArch::Falcon, SynthPreset::Tiny);
        c.n_vocab = 300;
        return c;
    }();
    CHECK_THROWS_WITH(plan_synthetic_model(config, TensorType::Q4_K),
                      Catch::Contains("unsupported dtype \"q4_k\""));
    ModelConfig bad = config;
    bad.n_head = 5;
    CHECK_THROWS_AS(plan_synthetic_model(bad, TensorType::F32), Error);
    bad = config;
    bad.n_vocab = 0;
    CHECK_THROWS_AS(plan_synthetic_model(bad, TensorType::F32), Error);
    CHECK_THROWS_WITH(parse_synth_arch("mistral"), Catch::Contains("expected llama, falcon or falcon-40b"));
    CHECK_THROWS_WITH(parse_synth_preset("13b"), Catch::Contains("expected tiny, 110m or 7b"));
    CHECK(parse_synth_arch("falcon-40b") == SynthArch::Falcon40b);
    CHECK(parse_synth_preset("110m") == SynthPreset::M110);
}
