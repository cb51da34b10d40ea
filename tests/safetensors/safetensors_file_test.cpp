#include <catch2/catch.hpp>
#include <cstring>

#include "engine/core/error.h"
#include "engine/safetensors/safetensors_file.h"
#include "tests/safetensors/hf_folder_builder.h"
#include "tests/support/test_support.h"

using namespace podium;
using namespace podium::test;
using Catch::Matchers::Contains;

namespace {

std::string bytes_of(const SafetensorsTensor& t) {
    return std::string(reinterpret_cast<const char*>(t.data), t.n_bytes);
}

// Writes `bytes` to DIR/name and returns the FileError message of opening it.
std::string open_error(const TempDir& dir, const std::string& bytes, const std::string& name = "bad.safetensors") {
    write_file(dir / name, bytes);
    return file_error_message([&] { SafetensorsFile::open(dir / name); });
}

}  // namespace

TEST_CASE("safetensors: reads dtypes, shapes, bytes and metadata as written") {
    TempDir dir;
    const std::vector<StTensor> written = {
        make_tensor("b.f16", "F16", {3, 5}, 1),
        make_tensor("a.f32", "F32", {2, 3, 4}, 2),
        make_tensor("c.bf16", "BF16", {7}, 3),
        make_tensor("d.scalar", "F32", {}, 4),
        make_tensor("e.empty", "F32", {0, 4}, 5),
    };
    write_file(dir / "m.safetensors", safetensors_bytes(written, {{"format", "pt"}, {"note", "tiny"}}));
    const auto f = SafetensorsFile::open(dir / "m.safetensors");

    REQUIRE(f.tensors().size() == written.size());
    CHECK(f.metadata().at("format") == "pt");
    CHECK(f.metadata().at("note") == "tiny");
    // Data order, not name order.
    CHECK(f.tensors()[0].name == "b.f16");
    CHECK(f.tensors()[1].name == "a.f32");
    for (const auto& w : written) {
        const auto* t = f.find(w.name);
        REQUIRE(t);
        CHECK(t->shape == w.shape);
        CHECK(bytes_of(*t) == w.bytes);
    }
    CHECK(f.find("b.f16")->type == TensorType::F16);
    CHECK(f.find("a.f32")->type == TensorType::F32);
    CHECK(f.find("a.f32")->n_elements == 24);
    CHECK(f.find("c.bf16")->type == TensorType::BF16);
    CHECK(f.find("c.bf16")->n_bytes == 14);
    CHECK(f.find("d.scalar")->n_elements == 1);
    CHECK(f.find("e.empty")->n_bytes == 0);
    CHECK(f.find("missing") == nullptr);
}

TEST_CASE("safetensors: a file without tensors or metadata is valid") {
    TempDir dir;
    write_file(dir / "empty.safetensors", raw_safetensors("{}", ""));
    const auto f = SafetensorsFile::open(dir / "empty.safetensors");
    CHECK(f.tensors().empty());
    CHECK(f.metadata().empty());
}

TEST_CASE("safetensors: bad header length") {
    TempDir dir;
    std::string bytes = safetensors_bytes({make_tensor("x", "F32", {4}, 1)});
    bytes[5] = 1;  // header length now ~2^40
    const auto msg = open_error(dir, bytes);
    CHECK_THAT(msg, Contains("bad.safetensors") && Contains("header length") && Contains("past the end of the file"));

    CHECK_THAT(open_error(dir, "abc"), Contains("bad.safetensors") && Contains("8-byte header length"));
}

TEST_CASE("safetensors: header that is not JSON, or not an object") {
    TempDir dir;
    CHECK_THAT(open_error(dir, raw_safetensors("{\"x\": {\"dtype\": ", "")),
               Contains("bad.safetensors") && Contains("not valid JSON"));
    CHECK_THAT(open_error(dir, raw_safetensors("[1, 2]", "")), Contains("bad.safetensors") && Contains("not a JSON object"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"x": 5})", "")), Contains("tensor 'x'") && Contains("not a JSON object"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"__metadata__": {"a": 1}})", "")),
               Contains("__metadata__") && Contains("not a string"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})",
                                               std::string(4, '\0'))),
               Contains("tensor 'x'") && Contains("non-negative"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})",
                                               std::string(4, '\0'))),
               Contains("tensor 'x'") && Contains("data_offsets"));
}

TEST_CASE("safetensors: data offsets beyond the file") {
    TempDir dir;
    const auto msg = open_error(
        dir, raw_safetensors(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", std::string(12, '\0')));
    CHECK_THAT(msg, Contains("bad.safetensors") && Contains("tensor 'w'") && Contains("past the end of the data section (12 bytes)"));

    CHECK_THAT(open_error(dir, raw_safetensors(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
                                               std::string(12, '\0'))),
               Contains("tensor 'w'") && Contains("end before they begin"));
}

TEST_CASE("safetensors: shape and byte size disagree") {
    TempDir dir;
    const auto msg = open_error(
        dir, raw_safetensors(R"({"w": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 16]}})", std::string(16, '\0')));
    CHECK_THAT(msg, Contains("bad.safetensors") && Contains("tensor 'w'") && Contains("needs 12 bytes") &&
                        Contains("hold 16"));
    // An element count that overflows 64 bits is a mismatch, not a wrap-around.
    CHECK_THAT(open_error(dir, raw_safetensors(
                                   R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296, 2], "data_offsets": [0, 0]}})",
                                   "")),
               Contains("tensor 'w'") && Contains("more than 2^64"));
}

TEST_CASE("safetensors: overlapping tensors") {
    TempDir dir;
    const auto msg = open_error(dir, raw_safetensors(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                                         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                                                     std::string(12, '\0')));
    CHECK_THAT(msg, Contains("bad.safetensors") && Contains("'a'") && Contains("'b'") && Contains("overlap"));
}

TEST_CASE("safetensors: unsupported dtype names the tensor and the dtype") {
    TempDir dir;
    const auto msg = open_error(
        dir, raw_safetensors(R"({"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}})", std::string(16, '\0')));
    CHECK_THAT(msg, Contains("bad.safetensors") && Contains("tensor 'ids'") && Contains("dtype I64") &&
                        Contains("F32, F16 and BF16"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"w": {"dtype": "Q9", "shape": [1], "data_offsets": [0, 1]}})",
                                               std::string(1, '\0'))),
               Contains("dtype Q9"));
    CHECK_THAT(open_error(dir, raw_safetensors(R"({"w": {"shape": [1], "data_offsets": [0, 4]}})", std::string(4, '\0'))),
               Contains("tensor 'w'") && Contains("\"dtype\""));
}

TEST_CASE("safetensors: a missing file is a FileError naming it") {
    TempDir dir;
    CHECK_THAT(file_error_message([&] { SafetensorsFile::open(dir / "nope.safetensors"); }),
               Contains("nope.safetensors") && Contains("no such file"));
}

TEST_CASE("safetensors: every truncation of a valid file is rejected cleanly") {
    TempDir dir;
    const std::string good = safetensors_bytes({make_tensor("a", "F32", {3}, 1), make_tensor("b", "F16", {5}, 2)});
    for (std::size_t n = 0; n < good.size(); ++n) {
        write_file(dir / "t.safetensors", good.substr(0, n));
        INFO("truncated to " << n << " bytes");
        CHECK_THAT(file_error_message([&] { SafetensorsFile::open(dir / "t.safetensors"); }), Contains("t.safetensors"));
    }
}

TEST_CASE("safetensors: corrupting any header byte gives a valid file or a FileError") {
    TempDir dir;
    const std::string good = safetensors_bytes({make_tensor("a", "F32", {3}, 1), make_tensor("b", "BF16", {5}, 2)});
    std::size_t header_end = 8;
    for (int b = 0; b < 8; ++b) header_end += static_cast<std::size_t>(static_cast<unsigned char>(good[b])) << (8 * b);
    REQUIRE(header_end < good.size());
    std::size_t opened = 0, rejected = 0;
    for (std::size_t i = 0; i < header_end; ++i) {
        for (const char replacement : {'\0', '9', '"', '}', '\xff'}) {
            std::string bad = good;
            bad[i] = replacement;
            write_file(dir / "c.safetensors", bad);
            try {
                const auto f = SafetensorsFile::open(dir / "c.safetensors");
                unsigned sum = 0;  // touch every byte, so the sanitizer build sees any bad pointer
                for (const auto& t : f.tensors())
                    for (std::uint64_t k = 0; k < t.n_bytes; ++k) sum += t.data[k];
                (void)sum;
                ++opened;
            } catch (const FileError& e) {
                CHECK_THAT(e.what(), Contains("c.safetensors"));
                ++rejected;
            }
        }
    }
    CHECK(rejected > 0);
    CHECK(opened > 0);  // e.g. a changed digit in a name
}
