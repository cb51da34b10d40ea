// Dequantization of hand-built blocks. Each expected value is derived in the test from the
// documented layout (engine-anchors.md §2.2), element by element, independently of the
// loop structure of the kernel.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kernels/cpu/dequantize.h"

using namespace podium;

namespace {

std::vector<float> dequantize(TensorType type, const std::vector<std::uint8_t>& bytes, std::size_t n) {
    std::vector<float> out(n, -12345.0f);
    dequantize_row_reference(type, bytes.data(), out.data(), n);
    return out;
}

}  // namespace

TEST_CASE("f32 rows are copied bit for bit", "[dequantize]") {
    const std::array<float, 4> values{1.5f, -0.0f, INFINITY, 3.0e-41f};
    std::vector<std::uint8_t> bytes(sizeof(values));
    std::memcpy(bytes.data(), values.data(), sizeof(values));
    const auto out = dequantize(TensorType::F32, bytes, 4);
    for (int i = 0; i < 4; ++i) CHECK(std::memcmp(&out[i], &values[i], 4) == 0);
}

TEST_CASE("f16 and bf16 rows are little-endian halves", "[dequantize]") {
    // 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = 2^-24, 0x7BFF = 65504
    const std::vector<std::uint8_t> f16{0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xFF, 0x7B};
    const auto h = dequantize(TensorType::F16, f16, 4);
    CHECK(h[0] == 1.0f);
    CHECK(h[1] == -2.0f);
    CHECK(h[2] == std::ldexp(1.0f, -24));
    CHECK(h[3] == 65504.0f);
    // 0x3F80 = 1.0, 0xC040 = -3.0, 0x4049 = 3.140625, 0x0001 = smallest bf16 subnormal
    const std::vector<std::uint8_t> bf16{0x80, 0x3F, 0x40, 0xC0, 0x49, 0x40, 0x01, 0x00};
    const auto b = dequantize(TensorType::BF16, bf16, 4);
    CHECK(b[0] == 1.0f);
    CHECK(b[1] == -3.0f);
    CHECK(b[2] == 3.140625f);
    CHECK(b[3] == std::ldexp(1.0f, -133));
}

TEST_CASE("q8_0 block: y = qs * d", "[dequantize]") {
    // Two blocks: d = 0.5 (fp16 0x3800) and d = -0.25 (0xB400).
    std::vector<std::uint8_t> bytes(68);
    bytes[0] = 0x00, bytes[1] = 0x38;
    bytes[34] = 0x00, bytes[35] = 0xB4;
    for (int j = 0; j < 32; ++j) {
        bytes[2 + j] = static_cast<std::uint8_t>(static_cast<std::int8_t>(j * 8 - 128));  // -128 .. 120
        bytes[36 + j] = static_cast<std::uint8_t>(static_cast<std::int8_t>(127 - j));
    }
    const auto y = dequantize(TensorType::Q8_0, bytes, 64);
    for (int j = 0; j < 32; ++j) {
        CHECK(y[j] == (j * 8 - 128) * 0.5f);
        CHECK(y[32 + j] == (127 - j) * -0.25f);
    }
    CHECK(y[0] == -64.0f);
    CHECK(y[32] == -31.75f);
}

TEST_CASE("q4_0 block: low nibbles are the first 16 values, high nibbles the last 16", "[dequantize]") {
    std::vector<std::uint8_t> bytes(18);
    bytes[0] = 0x00, bytes[1] = 0x34;  // d = 0.25
    for (int j = 0; j < 16; ++j) bytes[2 + j] = static_cast<std::uint8_t>(j | ((15 - j) << 4));
    const auto y = dequantize(TensorType::Q4_0, bytes, 32);
    for (int j = 0; j < 16; ++j) {
        CHECK(y[j] == (j - 8) * 0.25f);
        CHECK(y[16 + j] == (15 - j - 8) * 0.25f);
    }
    CHECK(y[0] == -2.0f);
    CHECK(y[15] == 1.75f);
    CHECK(y[16] == 1.75f);
    CHECK(y[31] == -2.0f);
}

TEST_CASE("q4_k block: 6-bit scales and mins of all 8 sub-blocks, including the j >= 4 packing",
          "[dequantize]") {
    // Sub-block scales and mins chosen so that j >= 4 needs the spare high bits.
    const std::array<int, 8> sc{10, 17, 24, 31, 38, 45, 52, 59};
    const std::array<int, 8> mn{63, 58, 53, 48, 43, 38, 33, 28};
    // Packed by hand:
    //   bytes 0-3  = sc[0..3] | (sc[4..7] >> 4) << 6   : 10|0x80, 17|0x80, 24|0xC0, 31|0xC0
    //   bytes 4-7  = mn[0..3] | (mn[4..7] >> 4) << 6   : 63|0x80, 58|0x80, 53|0x80, 48|0x40
    //   bytes 8-11 = (sc[4..7] & 15) | (mn[4..7] & 15) << 4 : 6|B<<4, D|6<<4, 4|1<<4, B|C<<4
    const std::array<std::uint8_t, 12> packed{0x8A, 0x91, 0xD8, 0xDF, 0xBF, 0xBA,
                                              0xB5, 0x70, 0xB6, 0x6D, 0x14, 0xCB};
    std::vector<std::uint8_t> bytes(144);
    bytes[0] = 0x00, bytes[1] = 0x38;  // d = 0.5
    bytes[2] = 0x00, bytes[3] = 0x34;  // dmin = 0.25
    std::memcpy(&bytes[4], packed.data(), 12);
    for (int i = 0; i < 128; ++i) bytes[16 + i] = static_cast<std::uint8_t>((i * 37 + 11) & 0xFF);
    const auto y = dequantize(TensorType::Q4_K, bytes, 256);

    for (int i = 0; i < 256; ++i) {
        // Element i lives in 64-value chunk c; the first 32 of a chunk use the low nibbles
        // of qs[32c .. 32c+31], the next 32 the high nibbles of the same bytes.
        const int c = i / 64, r = i % 64, j = i / 32;
        const std::uint8_t byte = bytes[16 + 32 * c + r % 32];
        const int q = r < 32 ? (byte & 0xF) : (byte >> 4);
        INFO("element " << i);
        CHECK(y[i] == 0.5f * sc[j] * q - 0.25f * mn[j]);
    }
    // A few written out: element 0 is qs[0] = 11 low nibble 11 -> 0.5*10*11 - 0.25*63.
    CHECK(y[0] == 39.25f);
    // Element 32: high nibble of qs[0] = 0 -> -0.25*58.
    CHECK(y[32] == -14.5f);
    // Element 255: qs[127] = (127*37+11) & 255 = 0x66, high nibble 6 -> 0.5*59*6 - 0.25*28.
    CHECK(y[255] == 170.0f);
}

TEST_CASE("q6_k block: int8 scales (negative too) and d stored last", "[dequantize]") {
    const std::array<int, 16> sc{127, -128, 5, -7, 1, -1, 64, -64, 2, -3, 100, -100, 9, -9, 33, -33};
    std::vector<std::uint8_t> bytes(210);
    for (int i = 0; i < 128; ++i) bytes[i] = static_cast<std::uint8_t>((i * 53 + 7) & 0xFF);         // ql
    for (int i = 0; i < 64; ++i) bytes[128 + i] = static_cast<std::uint8_t>((i * 91 + 200) & 0xFF);   // qh
    for (int i = 0; i < 16; ++i) bytes[192 + i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(sc[i]));
    bytes[208] = 0x00, bytes[209] = 0x30;  // d = 0.125, the last two bytes
    const auto y = dequantize(TensorType::Q6_K, bytes, 256);

    for (int i = 0; i < 256; ++i) {
        // Halves of 128; within a half, group g of 32 takes its low 4 bits from ql (low nibble
        // for g = 0, 1, high for g = 2, 3; byte l or l+32) and its top 2 bits from qh[l] at
        // bit 2g. Sub-blocks of 16 take the scales in order.
        const int n = i / 128, r = i % 128, g = r / 32, l = r % 32;
        const std::uint8_t lo_byte = bytes[64 * n + l + (g % 2) * 32];
        const int low = g < 2 ? (lo_byte & 0xF) : (lo_byte >> 4);
        const int high = (bytes[128 + 32 * n + l] >> (2 * g)) & 3;
        const int q = (low | (high << 4)) - 32;
        INFO("element " << i);
        CHECK(y[i] == 0.125f * sc[i / 16] * q);
    }
    // Element 0: ql[0] = 7, qh[0] = 200 = 0b11001000 -> bits 0-1 = 0, q = 7 - 32 = -25.
    CHECK(y[0] == 0.125f * 127 * -25);
    // Element 16 uses scale -128: ql[16] = (16*53+7)&255 = 0x57 -> 7; qh[16] = (16*91+200)&255 = 0x78 -> bits 0-1 = 0.
    CHECK(y[16] == 0.125f * -128 * (7 - 32));
    // Element 255 (n=1, g=3, l=31): ql[64+31+32] = ql[127] = (127*53+7)&255 = 0x52 -> high nibble 5;
    // qh[32+31] = (63*91+200)&255 = 0x2D -> bits 6-7 = 0; q = 5 - 32 = -27; scale -33.
    CHECK(y[255] == 0.125f * -33 * -27);
    // Element 64+3 (n=0, g=2, l=3): ql[3] = 0xA6 -> high nibble 10; qh[3] = 0xD9 -> bits 4-5 = 1;
    // q = 10 | 16 = 26 - 32 = -6; sub-block 4 has scale 1.
    CHECK(y[67] == 0.125f * 1 * -6);
}

TEST_CASE("several blocks in one row are consecutive", "[dequantize]") {
    // Three q4_0 blocks with d = 1, 2, 4 and all nibbles 9: every value is d.
    std::vector<std::uint8_t> bytes(54);
    const std::array<std::uint16_t, 3> d{0x3C00, 0x4000, 0x4400};
    for (int b = 0; b < 3; ++b) {
        bytes[18 * b] = static_cast<std::uint8_t>(d[b] & 0xFF);
        bytes[18 * b + 1] = static_cast<std::uint8_t>(d[b] >> 8);
        for (int j = 0; j < 16; ++j) bytes[18 * b + 2 + j] = 0x99;
    }
    const auto y = dequantize(TensorType::Q4_0, bytes, 96);
    for (int i = 0; i < 96; ++i) CHECK(y[i] == static_cast<float>(1 << (i / 32)));
}

TEST_CASE("a row that is not a whole number of blocks is refused", "[dequantize]") {
    std::vector<std::uint8_t> bytes(210 * 2);
    std::vector<float> out(512);
    CHECK_THROWS_AS(dequantize_row_reference(TensorType::Q6_K, bytes.data(), out.data(), 300), std::invalid_argument);
    CHECK_THROWS_AS(dequantize_row_reference(TensorType::Q8_0, bytes.data(), out.data(), 33), std::invalid_argument);
    CHECK_THROWS_AS(quantize_row_reference(TensorType::Q4_K, out.data(), bytes.data(), 128), std::invalid_argument);
    CHECK_NOTHROW(dequantize_row_reference(TensorType::Q4_0, bytes.data(), out.data(), 0));
}
