// GgufWriter -> GgufFile round trips: every metadata value type, every tensor type, custom
// alignment; and the writer's own guarantees (write-then-rename, refusing bad tensors).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "kernels/cpu/dequantize.h"
#include "tests/support/test_support.h"

using namespace podium;
namespace fs = std::filesystem;

namespace {

GgufValue scalar(GgufValueType type, std::int64_t integer) {
    GgufValue v;
    v.type = type;
    v.integer = integer;
    return v;
}

GgufValue f64(double x) {
    GgufValue v;
    v.type = GgufValueType::F64;
    v.real = x;
    return v;
}

std::vector<std::pair<std::string, GgufValue>> every_value_type() {
    using T = GgufValueType;
    std::vector<std::pair<std::string, GgufValue>> kv;
    kv.emplace_back("t.u8", scalar(T::U8, 255));
    kv.emplace_back("t.i8", scalar(T::I8, -128));
    kv.emplace_back("t.u16", scalar(T::U16, 65535));
    kv.emplace_back("t.i16", scalar(T::I16, -32768));
    kv.emplace_back("t.u32", GgufValue::u32(std::numeric_limits<std::uint32_t>::max()));
    kv.emplace_back("t.i32", GgufValue::i32(std::numeric_limits<std::int32_t>::min()));
    kv.emplace_back("t.u64", GgufValue::u64(std::numeric_limits<std::uint64_t>::max()));
    kv.emplace_back("t.i64", scalar(T::I64, std::numeric_limits<std::int64_t>::min()));
    kv.emplace_back("t.f32", GgufValue::f32(3.14159274f));
    kv.emplace_back("t.f64", f64(2.718281828459045));
    kv.emplace_back("t.bool.true", GgufValue::boolean_value(true));
    kv.emplace_back("t.bool.false", GgufValue::boolean_value(false));
    kv.emplace_back("t.string", GgufValue::string_value("Grüße, 世界 \xF0\x9F\x98\x80"));
    kv.emplace_back("t.string.nul", GgufValue::string_value(std::string("a\0b", 3)));
    kv.emplace_back("t.string.empty", GgufValue::string_value(""));
    kv.emplace_back("t.array.u32", GgufValue::array(T::U32, {GgufValue::u32(1), GgufValue::u32(2), GgufValue::u32(3)}));
    kv.emplace_back("t.array.i8", GgufValue::array(T::I8, {scalar(T::I8, -1), scalar(T::I8, 127)}));
    kv.emplace_back("t.array.f32", GgufValue::array(T::F32, {GgufValue::f32(-0.5f), GgufValue::f32(1e-30f)}));
    kv.emplace_back("t.array.f64", GgufValue::array(T::F64, {f64(1e300)}));
    kv.emplace_back("t.array.bool", GgufValue::array(T::Bool, {GgufValue::boolean_value(false), GgufValue::boolean_value(true)}));
    kv.emplace_back("t.array.string", GgufValue::array(T::String, {GgufValue::string_value("<s>"), GgufValue::string_value("")}));
    kv.emplace_back("t.array.u64", GgufValue::array(T::U64, {GgufValue::u64(std::uint64_t{1} << 63)}));
    kv.emplace_back("t.array.i64", GgufValue::array(T::I64, {scalar(T::I64, -1)}));
    kv.emplace_back("t.array.u16", GgufValue::array(T::U16, {scalar(T::U16, 7)}));
    kv.emplace_back("t.array.i16", GgufValue::array(T::I16, {scalar(T::I16, -7)}));
    kv.emplace_back("t.array.u8", GgufValue::array(T::U8, {scalar(T::U8, 0), scalar(T::U8, 200)}));
    kv.emplace_back("t.array.i32", GgufValue::array(T::I32, {GgufValue::i32(-5)}));
    kv.emplace_back("t.array.empty", GgufValue::array(T::I32, {}));
    kv.emplace_back("t.array.nested",
                    GgufValue::array(T::Array, {GgufValue::array(T::String, {GgufValue::string_value("x")}),
                                                GgufValue::array(T::String, {}),
                                                GgufValue::array(T::String, {GgufValue::string_value("y"),
                                                                             GgufValue::string_value("z")})}));
    kv.emplace_back("t.array.nested3",
                    GgufValue::array(T::Array, {GgufValue::array(T::Array, {GgufValue::array(T::U8, {scalar(T::U8, 9)})})}));
    kv.emplace_back("t.array.of.empty.arrays", GgufValue::array(T::Array, {GgufValue::array(T::F32, {})}));
    return kv;
}

struct TensorCase {
    std::string name;
    TensorType type;
    std::vector<std::uint64_t> shape;
    std::vector<std::uint8_t> bytes;
};

// One tensor of each type, filled with quantized weight-like values.
std::vector<TensorCase> every_tensor_type() {
    std::vector<TensorCase> cases{
        {"t.f32", TensorType::F32, {3, 2}, {}},       {"t.f16", TensorType::F16, {5}, {}},
        {"t.bf16", TensorType::BF16, {4, 1, 2}, {}},  {"t.q8_0", TensorType::Q8_0, {64, 2}, {}},
        {"t.q4_0", TensorType::Q4_0, {32, 3}, {}},    {"t.q4_k", TensorType::Q4_K, {256, 2}, {}},
        {"t.q6_k", TensorType::Q6_K, {256, 1, 1, 1}, {}},
    };
    for (std::size_t c = 0; c < cases.size(); ++c) {
        std::uint64_t n = 1;
        for (auto d : cases[c].shape) n *= d;
        std::vector<float> x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = std::sin(0.37f * i + c) * (1.0f + i % 7);
        cases[c].bytes.resize(tensor_bytes(cases[c].type, n));
        quantize_row_reference(cases[c].type, x.data(), cases[c].bytes.data(), n);
    }
    return cases;
}

void add_all(GgufWriter& w, const std::vector<TensorCase>& cases) {
    for (const auto& c : cases)
        w.add_tensor(c.name, c.type, c.shape, [&c](std::span<std::uint8_t> out) {
            REQUIRE(out.size() == c.bytes.size());
            std::memcpy(out.data(), c.bytes.data(), out.size());
        });
}

void check_tensors(const GgufFile& f, const std::vector<TensorCase>& cases, std::uint32_t alignment) {
    REQUIRE(f.tensors().size() == cases.size());
    CHECK(f.data_offset() % alignment == 0);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& t = f.tensors()[i];
        INFO(cases[i].name);
        CHECK(t.name == cases[i].name);
        CHECK(t.type == cases[i].type);
        CHECK(t.shape == cases[i].shape);
        CHECK(t.offset % alignment == 0);
        CHECK(t.n_bytes == cases[i].bytes.size());
        CHECK(std::vector<std::uint8_t>(t.data, t.data + t.n_bytes) == cases[i].bytes);
        CHECK(f.find_tensor(cases[i].name) == &t);
    }
    // Padding between tensors is zeros.
    std::uint64_t expected_offset = 0;
    for (const auto& t : f.tensors()) {
        CHECK(t.offset == expected_offset);
        const std::uint8_t* end = t.data + t.n_bytes;
        const std::uint64_t pad = (alignment - t.n_bytes % alignment) % alignment;
        for (std::uint64_t k = 0; k < pad; ++k) CHECK(end[k] == 0);
        expected_offset += t.n_bytes + pad;
    }
    CHECK(f.file_size() == f.data_offset() + expected_offset);
}

}  // namespace

TEST_CASE("every metadata value type survives writer -> reader", "[gguf][round-trip]") {
    test::TempDir dir;
    const auto kv = every_value_type();
    GgufWriter w;
    for (const auto& [k, v] : kv) w.set(k, v);
    w.write(dir / "values.gguf");

    const auto f = GgufFile::open(dir / "values.gguf");
    CHECK(f.version() == 3);
    CHECK(f.alignment() == 32);
    CHECK(f.tensors().empty());
    REQUIRE(f.metadata().size() == kv.size());
    for (std::size_t i = 0; i < kv.size(); ++i) {
        INFO(kv[i].first);
        CHECK(f.metadata()[i].first == kv[i].first);  // order is kept
        CHECK(f.metadata()[i].second == kv[i].second);
    }
    CHECK(f.get_uint("t.u64") == std::numeric_limits<std::uint64_t>::max());
    CHECK(f.require_real("t.f32") == static_cast<double>(3.14159274f));
    CHECK(f.get_bool("t.bool.true") == true);
    CHECK(f.require_array("t.array.nested").elements[2].elements[1].string == "z");
    CHECK(f.require_array("t.array.empty").element_type == GgufValueType::I32);
    CHECK(f.require_array("t.array.nested3").elements[0].elements[0].elements[0].integer == 9);
}

TEST_CASE("all seven tensor types survive writer -> reader byte for byte", "[gguf][round-trip]") {
    test::TempDir dir;
    const auto cases = every_tensor_type();
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("llama"));
    add_all(w, cases);
    w.write(dir / "tensors.gguf");
    const auto f = GgufFile::open(dir / "tensors.gguf");
    CHECK(f.alignment() == 32);
    check_tensors(f, cases, 32);

    // And the bytes dequantize to what the reference gives for the original bytes.
    const auto* q4k = f.find_tensor("t.q4_k");
    REQUIRE(q4k);
    std::vector<float> from_file(512), from_memory(512);
    dequantize_row_reference(q4k->type, q4k->data, from_file.data(), 512);
    dequantize_row_reference(TensorType::Q4_K, cases[5].bytes.data(), from_memory.data(), 512);
    CHECK(from_file == from_memory);
}

TEST_CASE("a version 2 file (same layout, u64 counts) reads like version 3", "[gguf][round-trip]") {
    test::TempDir dir;
    const auto cases = every_tensor_type();
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("falcon"));
    add_all(w, cases);
    w.write(dir / "v3.gguf");
    std::string bytes = test::read_file(dir / "v3.gguf");
    bytes[4] = 2;  // the u32 version right after the magic
    test::write_file(dir / "v2.gguf", bytes);
    const auto f = GgufFile::open(dir / "v2.gguf");
    CHECK(f.version() == 2);
    CHECK(f.get_string("general.architecture") == "falcon");
    check_tensors(f, cases, 32);
}

TEST_CASE("general.alignment 64 aligns the data section and every tensor to 64", "[gguf][round-trip]") {
    test::TempDir dir;
    const auto cases = every_tensor_type();
    GgufWriter w;
    w.set("general.alignment", GgufValue::u32(64));
    add_all(w, cases);
    w.write(dir / "aligned.gguf");
    const auto f = GgufFile::open(dir / "aligned.gguf");
    CHECK(f.alignment() == 64);
    check_tensors(f, cases, 64);

    GgufWriter big;
    big.set("general.alignment", GgufValue::u32(4096));
    add_all(big, cases);
    big.write(dir / "page.gguf");
    const auto g = GgufFile::open(dir / "page.gguf");
    CHECK(g.alignment() == 4096);
    check_tensors(g, cases, 4096);
}

TEST_CASE("set replaces a key in place", "[gguf][writer]") {
    test::TempDir dir;
    GgufWriter w;
    w.set("a", GgufValue::u32(1));
    w.set("b", GgufValue::u32(2));
    w.set("a", GgufValue::string_value("again"));
    w.write(dir / "f.gguf");
    const auto f = GgufFile::open(dir / "f.gguf");
    REQUIRE(f.metadata().size() == 2);
    CHECK(f.metadata()[0].first == "a");
    CHECK(f.require_string("a") == "again");
    CHECK(f.require_uint("b") == 2);
}

TEST_CASE("the writer refuses tensors the reader would refuse", "[gguf][writer]") {
    GgufWriter w;
    auto fill = [](std::span<std::uint8_t>) {};
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::Q4_K, {128}, fill), Error);  // not a whole block
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::Q8_0, {33, 2}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {1, 1, 1, 1, 1}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {4, 0}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {std::uint64_t{1} << 40, std::uint64_t{1} << 40}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor(std::string(64, 'x'), TensorType::F32, {4}, fill), Error);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {4}, nullptr), Error);
    w.add_tensor("w", TensorType::F32, {4}, fill);
    CHECK_THROWS_AS(w.add_tensor("w", TensorType::F32, {4}, fill), Error);  // duplicate
    CHECK_THROWS_AS(w.set("general.alignment", GgufValue::u32(48)), Error);
    CHECK_THROWS_AS(w.set("general.alignment", GgufValue::u64(32)), Error);
    CHECK_THROWS_AS(w.set("", GgufValue::u32(1)), Error);
}

TEST_CASE("arrays whose elements disagree with the element type are refused", "[gguf][writer]") {
    test::TempDir dir;
    GgufWriter w;
    w.set("mixed", GgufValue::array(GgufValueType::U32, {GgufValue::u32(1), GgufValue::string_value("x")}));
    CHECK_THROWS_AS(w.write(dir / "mixed.gguf"), Error);
    CHECK_FALSE(fs::exists(dir / "mixed.gguf"));
    CHECK_FALSE(fs::exists(dir / "mixed.gguf.tmp"));
}

TEST_CASE("a failed write leaves neither a half file nor a temporary behind", "[gguf][writer]") {
    test::TempDir dir;
    const fs::path path = dir / "model.gguf";
    test::write_file(path, "previous contents");

    GgufWriter w;
    w.add_tensor("a", TensorType::F32, {4}, [](std::span<std::uint8_t> out) { out[0] = 1; });
    w.add_tensor("b", TensorType::F32, {4}, [](std::span<std::uint8_t>) { throw std::runtime_error("source went away"); });
    CHECK_THROWS_WITH(w.write(path), "source went away");
    CHECK(test::read_file(path) == "previous contents");
    CHECK_FALSE(fs::exists(dir / "model.gguf.tmp"));

    try {
        GgufWriter().write(dir / "no-such-dir" / "x.gguf");
        FAIL("wrote into a missing directory");
    } catch (const FileError& e) {
        CHECK(std::string(e.what()).find("x.gguf") != std::string::npos);
    }
}

TEST_CASE("tensor data is filled one tensor at a time, in order, into a zeroed buffer", "[gguf][writer]") {
    test::TempDir dir;
    std::vector<std::string> calls;
    GgufWriter w;
    for (std::string name : {"first", "second", "third"})
        w.add_tensor(name, TensorType::F16, {16}, [&calls, name](std::span<std::uint8_t> out) {
            CHECK(out.size() == 32);
            for (auto b : out) CHECK(b == 0);
            calls.push_back(name);
        });
    w.write(dir / "f.gguf");
    CHECK(calls == std::vector<std::string>{"first", "second", "third"});
}
