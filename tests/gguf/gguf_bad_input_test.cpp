// One test per kind of bad GGUF file. Each file is built byte by byte, and each test asserts
// a FileError whose message names the file and the problem.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/support/test_support.h"

using namespace podium;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kString = 8, kArray = 9, kU32 = 4, kU64 = 10, kBool = 7;
constexpr std::uint32_t kF32Type = 0;

// Little-endian GGUF bytes, one field at a time.
class GgufBytes {
public:
    GgufBytes& u8(std::uint8_t v) { return put(v, 1); }
    GgufBytes& u32(std::uint32_t v) { return put(v, 4); }
    GgufBytes& u64(std::uint64_t v) { return put(v, 8); }
    GgufBytes& raw(const std::string& s) {
        bytes += s;
        return *this;
    }
    GgufBytes& str(const std::string& s) { return u64(s.size()).raw(s); }
    GgufBytes& header(std::uint32_t version, std::uint64_t n_tensors, std::uint64_t n_kv) {
        return raw("GGUF").u32(version).u64(n_tensors).u64(n_kv);
    }
    GgufBytes& kv_u32(const std::string& key, std::uint32_t v) { return str(key).u32(kU32).u32(v); }
    GgufBytes& kv_string(const std::string& key, const std::string& v) { return str(key).u32(kString).str(v); }
    GgufBytes& tensor(const std::string& name, const std::vector<std::uint64_t>& shape, std::uint32_t type,
                      std::uint64_t offset) {
        str(name).u32(static_cast<std::uint32_t>(shape.size()));
        for (auto d : shape) u64(d);
        return u32(type).u64(offset);
    }
    GgufBytes& pad_to(std::size_t alignment) {
        while (bytes.size() % alignment) bytes.push_back('\0');
        return *this;
    }
    GgufBytes& zeros(std::size_t n) {
        bytes.append(n, '\0');
        return *this;
    }

    std::string bytes;

private:
    GgufBytes& put(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
        return *this;
    }
};

// A valid file: one key, one f32 tensor "w" of 8 values at offset 0.
GgufBytes valid_file() {
    GgufBytes b;
    b.header(3, 1, 1).kv_string("general.architecture", "llama").tensor("w", {8}, kF32Type, 0).pad_to(32).zeros(32);
    return b;
}

// Opens `bytes` as a file and requires a FileError naming the file and containing every fragment.
void require_rejected(const std::string& bytes, const std::vector<std::string>& fragments) {
    test::TempDir dir;
    const fs::path path = dir / "bad.gguf";
    test::write_file(path, bytes);
    try {
        GgufFile::open(path);
        FAIL("the file was accepted");
    } catch (const FileError& e) {
        const std::string message = e.what();
        INFO("message: " << message);
        CHECK(e.path() == path);
        CHECK(message.find(path.string()) != std::string::npos);
        for (const auto& f : fragments) CHECK(message.find(f) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("the byte builder's valid file opens", "[gguf][bad]") {
    test::TempDir dir;
    test::write_file(dir / "ok.gguf", valid_file().bytes);
    const auto f = GgufFile::open(dir / "ok.gguf");
    CHECK(f.version() == 3);
    REQUIRE(f.tensors().size() == 1);
    CHECK(f.tensors()[0].n_bytes == 32);
    CHECK(f.require_string("general.architecture") == "llama");
}

TEST_CASE("missing file", "[gguf][bad]") {
    test::TempDir dir;
    const fs::path path = dir / "absent.gguf";
    try {
        GgufFile::open(path);
        FAIL("opened a missing file");
    } catch (const FileError& e) {
        CHECK(e.path() == path);
        CHECK(std::string(e.what()).find(path.string()) != std::string::npos);
        CHECK(std::string(e.what()).find("no such file") != std::string::npos);
    }
}

TEST_CASE("empty file", "[gguf][bad]") { require_rejected("", {"too short", "0 bytes"}); }

TEST_CASE("bad magic", "[gguf][bad]") {
    auto b = valid_file();
    b.bytes[3] = 'G';
    require_rejected(b.bytes, {"not a GGUF file", "bad magic"});
    require_rejected("PK\x03\x04 a zip file, not gguf", {"bad magic"});
}

TEST_CASE("unknown version 1", "[gguf][bad]") {
    require_rejected(GgufBytes().header(1, 0, 0).bytes, {"unsupported GGUF version 1"});
}

TEST_CASE("unknown version 4", "[gguf][bad]") {
    require_rejected(GgufBytes().header(4, 0, 0).bytes, {"unsupported GGUF version 4"});
}

TEST_CASE("byte-swapped (big-endian) version", "[gguf][bad]") {
    require_rejected(GgufBytes().header(0x03000000, 0, 0).bytes, {"byte-swapped"});
}

TEST_CASE("truncated header", "[gguf][bad]") {
    require_rejected(GgufBytes().raw("GGUF").u32(3).u32(0).bytes, {"truncated", "tensor count"});
    require_rejected(GgufBytes().raw("GGUF").u32(3).u64(0).u32(7).bytes, {"truncated", "metadata count"});
}

TEST_CASE("truncated inside a metadata key", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 1).u64(20).raw("gener");
    require_rejected(b.bytes, {"truncated", "key of metadata entry 0", "needs 20 bytes"});
}

TEST_CASE("truncated inside a metadata string value", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 1).str("general.name").u32(kString).u64(10).raw("llam");
    require_rejected(b.bytes, {"truncated", "general.name", "needs 10 bytes"});
}

TEST_CASE("absurd string length", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 1).str("general.name").u32(kString).u64(std::uint64_t{1} << 60).raw("x");
    require_rejected(b.bytes, {"general.name", "1152921504606846976"});
    // Keys are capped before any allocation.
    auto k = GgufBytes().header(3, 0, 1).u64(std::uint64_t{1} << 60).raw("x").zeros(32);
    require_rejected(k.bytes, {"key of metadata entry 0", "limit"});
}

TEST_CASE("absurd metadata count", "[gguf][bad]") {
    require_rejected(GgufBytes().header(3, 0, std::uint64_t{1} << 62).zeros(64).bytes,
                     {"metadata count 4611686018427387904", "impossible"});
    require_rejected(GgufBytes().header(3, 0, ~std::uint64_t{0}).bytes, {"metadata count"});
}

TEST_CASE("absurd tensor count", "[gguf][bad]") {
    require_rejected(GgufBytes().header(3, std::uint64_t{1} << 62, 0).zeros(64).bytes,
                     {"tensor count 4611686018427387904", "impossible"});
}

TEST_CASE("an array whose count would exceed the file", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 1).str("tokenizer.ggml.scores").u32(kArray).u32(6).u64(1000).zeros(40);
    require_rejected(b.bytes, {"tokenizer.ggml.scores", "claims 1000 elements"});
    auto s = GgufBytes().header(3, 0, 1).str("tokenizer.ggml.tokens").u32(kArray).u32(kString).u64(std::uint64_t{1} << 40);
    require_rejected(s.bytes, {"tokenizer.ggml.tokens", "claims 1099511627776 elements"});
}

TEST_CASE("nested-array depth bomb", "[gguf][bad]") {
    GgufBytes b;
    b.header(3, 0, 1).str("bomb").u32(kArray);
    for (int i = 0; i < 10000; ++i) b.u32(kArray).u64(1);
    b.u32(kU32).u64(1).u32(7);
    require_rejected(b.bytes, {"\"bomb\"", "nests arrays deeper"});
}

TEST_CASE("unknown metadata value type", "[gguf][bad]") {
    require_rejected(GgufBytes().header(3, 0, 1).str("general.x").u32(13).u32(0).bytes,
                     {"general.x", "unknown value type 13"});
    require_rejected(GgufBytes().header(3, 0, 1).str("general.y").u32(kArray).u32(99).u64(0).bytes,
                     {"general.y", "unknown element type 99"});
}

TEST_CASE("a bool that is neither 0 nor 1", "[gguf][bad]") {
    require_rejected(GgufBytes().header(3, 0, 1).str("tokenizer.ggml.add_bos_token").u32(kBool).u8(2).bytes,
                     {"tokenizer.ggml.add_bos_token", "expected 0 or 1"});
}

TEST_CASE("unknown tensor type id", "[gguf][bad]") {
    // 3 is Q4_1: a real ggml type, but not one podium reads.
    auto b = GgufBytes().header(3, 1, 0).tensor("blk.0.attn_q.weight", {32}, 3, 0).pad_to(32).zeros(64);
    require_rejected(b.bytes, {"blk.0.attn_q.weight", "tensor type id 3"});
    auto c = GgufBytes().header(3, 1, 0).tensor("w", {32}, 0xFFFFFFFF, 0).pad_to(32).zeros(64);
    require_rejected(c.bytes, {"\"w\"", "tensor type id 4294967295"});
}

TEST_CASE("more than 4 dimensions", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {2, 2, 2, 2, 2}, kF32Type, 0).pad_to(32).zeros(128);
    require_rejected(b.bytes, {"\"w\"", "5 dimensions", "expected 1 to 4"});
    auto z = GgufBytes().header(3, 1, 0).tensor("w", {}, kF32Type, 0).pad_to(32).zeros(32);
    require_rejected(z.bytes, {"\"w\"", "0 dimensions"});
}

TEST_CASE("a zero dimension", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {8, 0}, kF32Type, 0).pad_to(32).zeros(32);
    require_rejected(b.bytes, {"\"w\"", "dimension 1 is zero"});
}

TEST_CASE("dimensions whose element count overflows", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {std::uint64_t{1} << 32, std::uint64_t{1} << 32}, kF32Type, 0);
    b.pad_to(32).zeros(32);
    require_rejected(b.bytes, {"\"w\"", "overflows"});
}

TEST_CASE("an element count whose byte size overflows 64 bits", "[gguf][bad]") {
    // 2^62 f32 values are 2^64 bytes: the size must not wrap to 0 and pass the bounds check.
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {std::uint64_t{1} << 62}, kF32Type, 0).pad_to(32).zeros(32);
    require_rejected(b.bytes, {"\"w\"", "4611686018427387904 elements", "overflows"});
    auto c = GgufBytes().header(3, 1, 0).tensor("w", {std::uint64_t{1} << 61, 2}, kF32Type, 0).pad_to(32).zeros(32);
    require_rejected(c.bytes, {"\"w\"", "overflows"});
}

TEST_CASE("a row that is not a whole number of blocks", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {33, 2}, 8, 0).pad_to(32).zeros(128);
    require_rejected(b.bytes, {"\"w\"", "row of 33 values", "q8_0 block size 32"});
}

TEST_CASE("tensor offset beyond the file", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {8}, kF32Type, 1024).pad_to(32).zeros(32);
    require_rejected(b.bytes, {"\"w\"", "offset 1024", "beyond the end of the file"});
    auto huge = GgufBytes().header(3, 1, 0).tensor("w", {8}, kF32Type, ~std::uint64_t{31}).pad_to(32).zeros(32);
    require_rejected(huge.bytes, {"\"w\"", "beyond the end of the file"});
}

TEST_CASE("tensor size beyond the file", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 2, 0).tensor("a", {8}, kF32Type, 0).tensor("b", {1000}, kF32Type, 32);
    b.pad_to(32).zeros(64);
    require_rejected(b.bytes, {"\"b\"", "4000 bytes", "beyond the end of the file"});
}

TEST_CASE("tensor offset not aligned", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor("w", {8}, kF32Type, 4).pad_to(32).zeros(64);
    require_rejected(b.bytes, {"\"w\"", "offset 4", "alignment 32"});
    auto c = GgufBytes().header(3, 1, 1).kv_u32("general.alignment", 64).tensor("w", {8}, kF32Type, 32);
    c.pad_to(64).zeros(128);
    require_rejected(c.bytes, {"\"w\"", "offset 32", "alignment 64"});
}

TEST_CASE("non-power-of-two alignment", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 1).kv_u32("general.alignment", 48);
    require_rejected(b.bytes, {"general.alignment", "48", "power of two"});
    require_rejected(GgufBytes().header(3, 0, 1).kv_u32("general.alignment", 0).bytes, {"power of two"});
    auto wide = GgufBytes().header(3, 0, 1).str("general.alignment").u32(kU64).u64(32);
    require_rejected(wide.bytes, {"general.alignment", "u64", "expected u32"});
}

TEST_CASE("duplicate tensor name", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 2, 0).tensor("w", {8}, kF32Type, 0).tensor("w", {8}, kF32Type, 32);
    b.pad_to(32).zeros(64);
    require_rejected(b.bytes, {"duplicate tensor name \"w\""});
}

TEST_CASE("duplicate metadata key", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 0, 2).kv_u32("llama.block_count", 5).kv_u32("llama.block_count", 6);
    require_rejected(b.bytes, {"duplicate metadata key \"llama.block_count\""});
}

TEST_CASE("tensor name longer than ggml allows", "[gguf][bad]") {
    auto b = GgufBytes().header(3, 1, 0).tensor(std::string(64, 'n'), {8}, kF32Type, 0).pad_to(32).zeros(32);
    require_rejected(b.bytes, {"name of tensor 0", "limit of 63"});
}

TEST_CASE("truncation sweep: a valid file cut at every length is refused, never read past", "[gguf][bad]") {
    test::TempDir dir;
    const fs::path full = dir / "full.gguf";
    GgufWriter w;
    w.set("general.architecture", GgufValue::string_value("llama"));
    w.set("llama.block_count", GgufValue::u32(2));
    w.set("general.flag", GgufValue::boolean_value(true));
    w.set("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::String, {GgufValue::string_value("<s>"),
                                                                             GgufValue::string_value("hello")}));
    w.set("nested", GgufValue::array(GgufValueType::Array,
                                     {GgufValue::array(GgufValueType::U32, {GgufValue::u32(1), GgufValue::u32(2)}),
                                      GgufValue::array(GgufValueType::U32, {})}));
    w.add_tensor("a", TensorType::F32, {4}, [](std::span<std::uint8_t> out) { out[0] = 1; });
    w.add_tensor("b", TensorType::Q8_0, {32, 2}, [](std::span<std::uint8_t> out) { out[67] = 9; });
    w.write(full);
    const std::string bytes = test::read_file(full);
    const auto f = GgufFile::open(full);
    const auto& last = f.tensors().back();
    const std::size_t data_end = f.data_offset() + last.offset + last.n_bytes;
    REQUIRE(data_end <= bytes.size());

    const fs::path cut = dir / "cut.gguf";
    std::size_t refused = 0;
    for (std::size_t length = 0; length < data_end; ++length) {
        test::write_file(cut, bytes.substr(0, length));
        try {
            GgufFile::open(cut);
            FAIL("a file cut to " << length << " of " << bytes.size() << " bytes was accepted");
        } catch (const FileError& e) {
            if (std::string(e.what()).find(cut.string()) == std::string::npos)
                FAIL("message does not name the file: " << e.what());
            ++refused;
        }
    }
    CHECK(refused == data_end);
    // Cutting only the zero padding after the last tensor leaves a complete file.
    for (std::size_t length = data_end; length <= bytes.size(); ++length) {
        test::write_file(cut, bytes.substr(0, length));
        CHECK(GgufFile::open(cut).tensors().back().data[67] == 9);
    }
}
