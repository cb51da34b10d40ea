// Edge cases of the fp16 and bf16 conversions in kernels/half.h: subnormals, infinities,
// NaN, overflow, and round-to-nearest-even ties.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "kernels/half.h"

using namespace podium;

namespace {

float bits_to_float(std::uint32_t u) { return std::bit_cast<float>(u); }

}  // namespace

TEST_CASE("fp16 -> f32 decodes zeros, subnormals, normals, infinities and NaN", "[half]") {
    CHECK(fp16_to_f32(0x0000) == 0.0f);
    CHECK_FALSE(std::signbit(fp16_to_f32(0x0000)));
    CHECK(std::signbit(fp16_to_f32(0x8000)));
    CHECK(fp16_to_f32(0x0001) == std::ldexp(1.0f, -24));   // smallest subnormal
    CHECK(fp16_to_f32(0x03FF) == 1023 * std::ldexp(1.0f, -24));  // largest subnormal
    CHECK(fp16_to_f32(0x0400) == std::ldexp(1.0f, -14));   // smallest normal
    CHECK(fp16_to_f32(0x8001) == -std::ldexp(1.0f, -24));
    CHECK(fp16_to_f32(0x3C00) == 1.0f);
    CHECK(fp16_to_f32(0x3C01) == 1.0f + std::ldexp(1.0f, -10));
    CHECK(fp16_to_f32(0x7BFF) == 65504.0f);
    CHECK(fp16_to_f32(0x7C00) == INFINITY);
    CHECK(fp16_to_f32(0xFC00) == -INFINITY);
    CHECK(std::isnan(fp16_to_f32(0x7E00)));
    CHECK(std::isnan(fp16_to_f32(0x7C01)));  // signalling pattern is still a NaN
}

TEST_CASE("f32 -> fp16 rounds to nearest, ties to even", "[half]") {
    const float ulp1 = std::ldexp(1.0f, -10);  // spacing of halves in [1, 2)
    CHECK(f32_to_fp16(1.0f + ulp1 / 2) == 0x3C00);           // tie, 0x3C00 is even
    CHECK(f32_to_fp16(1.0f + 3 * ulp1 / 2) == 0x3C02);       // tie, 0x3C02 is even
    CHECK(f32_to_fp16(std::nextafter(1.0f + ulp1 / 2, 2.0f)) == 0x3C01);  // just above a tie
    CHECK(f32_to_fp16(std::nextafter(1.0f + 3 * ulp1 / 2, 0.0f)) == 0x3C01);  // just below
    // A tie at the top of a binade carries into the exponent: 2 - 2^-12 -> 2.0.
    CHECK(f32_to_fp16(2.0f - std::ldexp(1.0f, -12)) == 0x4000);
    CHECK(f32_to_fp16(-1.0f - ulp1 / 2) == 0xBC00);
}

TEST_CASE("f32 -> fp16 subnormals and underflow", "[half]") {
    const float tiny = std::ldexp(1.0f, -24);
    CHECK(f32_to_fp16(tiny) == 0x0001);
    CHECK(f32_to_fp16(tiny / 2) == 0x0000);                  // tie with zero: even is zero
    CHECK(f32_to_fp16(std::nextafter(tiny / 2, 1.0f)) == 0x0001);
    CHECK(f32_to_fp16(3 * tiny / 2) == 0x0002);              // tie between 1 and 2: even
    CHECK(f32_to_fp16(5 * tiny / 2) == 0x0002);              // tie between 2 and 3: even
    CHECK(f32_to_fp16(1023.5f * tiny) == 0x0400);            // largest subnormal rounds up to the smallest normal
    CHECK(f32_to_fp16(std::ldexp(1.0f, -14)) == 0x0400);
    CHECK(f32_to_fp16(1e-10f) == 0x0000);
    CHECK(f32_to_fp16(-1e-10f) == 0x8000);                   // keeps the sign
    CHECK(f32_to_fp16(-0.0f) == 0x8000);
    CHECK(f32_to_fp16(std::ldexp(1.0f, -140)) == 0x0000);    // f32 subnormal input
}

TEST_CASE("f32 -> fp16 overflow, infinities and NaN", "[half]") {
    CHECK(f32_to_fp16(65504.0f) == 0x7BFF);
    CHECK(f32_to_fp16(65519.99f) == 0x7BFF);  // below the midpoint to the next (missing) half
    CHECK(f32_to_fp16(65520.0f) == 0x7C00);   // the midpoint rounds to even, which is infinity
    CHECK(f32_to_fp16(1e6f) == 0x7C00);
    CHECK(f32_to_fp16(-1e6f) == 0xFC00);
    CHECK(f32_to_fp16(INFINITY) == 0x7C00);
    CHECK(f32_to_fp16(-INFINITY) == 0xFC00);
    const std::uint16_t nan = f32_to_fp16(NAN);
    CHECK((nan & 0x7C00) == 0x7C00);
    CHECK((nan & 0x03FF) != 0);
    // A NaN whose payload sits only in bits the half drops must not turn into infinity.
    CHECK(std::isnan(fp16_to_f32(f32_to_fp16(bits_to_float(0x7F800001u)))));
}

TEST_CASE("every fp16 value survives f16 -> f32 -> f16", "[half]") {
    int checked = 0;
    for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
        const float f = fp16_to_f32(static_cast<std::uint16_t>(h));
        if (std::isnan(f)) {
            CHECK(std::isnan(fp16_to_f32(f32_to_fp16(f))));
            continue;
        }
        if (f32_to_fp16(f) != h) FAIL("half 0x" << std::hex << h << " came back as 0x" << f32_to_fp16(f));
        ++checked;
    }
    CHECK(checked == 65536 - 2 * 1023);
}

TEST_CASE("bf16 conversions: ties to even, overflow, NaN stays NaN", "[half]") {
    CHECK(bf16_to_f32(0x3F80) == 1.0f);
    CHECK(bf16_to_f32(0x0001) == std::ldexp(1.0f, -133));
    const float ulp1 = std::ldexp(1.0f, -7);
    CHECK(f32_to_bf16(1.0f + ulp1 / 2) == 0x3F80);
    CHECK(f32_to_bf16(1.0f + 3 * ulp1 / 2) == 0x3F82);
    CHECK(f32_to_bf16(std::nextafter(1.0f + ulp1 / 2, 2.0f)) == 0x3F81);
    CHECK(f32_to_bf16(bits_to_float(0x7F7FFFFFu)) == 0x7F80);  // FLT_MAX rounds to infinity
    CHECK(f32_to_bf16(bits_to_float(0x7F7F7FFFu)) == 0x7F7F);  // just below the midpoint
    CHECK(f32_to_bf16(INFINITY) == 0x7F80);
    CHECK(f32_to_bf16(-INFINITY) == 0xFF80);
    CHECK(f32_to_bf16(-0.0f) == 0x8000);
    CHECK(f32_to_bf16(bits_to_float(0x00018000u)) == 0x0002);  // f32 subnormal tie -> even
    CHECK(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
    CHECK(std::isnan(bf16_to_f32(f32_to_bf16(bits_to_float(0x7F800001u)))));  // not infinity
    CHECK(std::isnan(bf16_to_f32(f32_to_bf16(bits_to_float(0xFFFFFFFFu)))));  // no carry into the sign

    for (std::uint32_t b = 0; b <= 0xFFFF; ++b) {
        const float f = bf16_to_f32(static_cast<std::uint16_t>(b));
        if (std::isnan(f)) continue;
        if (f32_to_bf16(f) != b) FAIL("bf16 0x" << std::hex << b << " came back as 0x" << f32_to_bf16(f));
    }
}
