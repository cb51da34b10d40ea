#pragma once
// IEEE half and bfloat16 <-> float conversions, exact and portable
// (the SIMD paths use F16C; these are the references they are checked against).
#include <bit>
#include <cmath>
#include <cstdint>

namespace podium {

inline float fp16_to_f32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1Fu;
    std::uint32_t mant = h & 0x3FFu;
    std::uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: renormalize
            exp = 127 - 15 + 1;
            while ((mant & 0x400u) == 0) {
                mant <<= 1;
                --exp;
            }
            mant &= 0x3FFu;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    return std::bit_cast<float>(bits);
}

// Round to nearest even, as numpy and ggml do.
inline std::uint16_t f32_to_fp16(float f) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    const std::uint32_t abs = x & 0x7FFFFFFFu;
    if (abs >= 0x7F800000u)  // inf or nan
        return static_cast<std::uint16_t>(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u));
    if (abs >= 0x477FF000u)  // rounds to >= 65520: overflow to inf
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    if (abs < 0x38800000u) {  // below the smallest normal half: subnormal or zero
        const float a = std::bit_cast<float>(abs);
        // a / 2^-24, rounded to nearest even by the FPU
        const float scaled = a * 16777216.0f;
        const auto m = static_cast<std::uint32_t>(std::nearbyint(scaled));
        return static_cast<std::uint16_t>(sign | m);
    }
    const std::uint32_t exp = (abs >> 23) - 127 + 15;
    std::uint32_t mant = abs & 0x7FFFFFu;
    std::uint32_t h = (exp << 10) | (mant >> 13);
    const std::uint32_t rest = mant & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // carries into the exponent correctly
    return static_cast<std::uint16_t>(sign | h);
}

inline float bf16_to_f32(std::uint16_t b) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

// Round to nearest even; NaN stays a (quiet) NaN.
inline std::uint16_t f32_to_bf16(float f) {
    std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return static_cast<std::uint16_t>(u >> 16);
}

}  // namespace podium
