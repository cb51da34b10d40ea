#include "kernels/cpu/dequantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/half.h"

namespace podium {

namespace {

constexpr std::size_t kQ8_0Bytes = 34;
constexpr std::size_t kQ4_0Bytes = 18;
constexpr std::size_t kQ4_KBytes = 144;
constexpr std::size_t kQ6_KBytes = 210;

std::uint16_t load_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

void store_u16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v & 0xFF);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

float load_half(const std::uint8_t* p) { return fp16_to_f32(load_u16(p)); }

void require_whole_blocks(TensorType type, std::size_t n) {
    const std::size_t block = traits(type).block_elems;
    if (n % block != 0)
        throw std::invalid_argument("row of " + std::to_string(n) + " " +
                                    std::string(tensor_type_name(type)) +
                                    " values is not a multiple of the block size " +
                                    std::to_string(block));
}

// Truncation toward zero as a C cast does, but defined for every input (NaN gives lo).
int truncate_clamped(float v, int lo, int hi) {
    if (!(v > static_cast<float>(lo))) return lo;
    if (v >= static_cast<float>(hi)) return hi;
    return static_cast<int>(v);
}

int round_clamped(float v, int lo, int hi) {
    if (!(v > static_cast<float>(lo))) return lo;
    if (v >= static_cast<float>(hi)) return hi;
    return static_cast<int>(std::lround(v));
}

// --- dequantization: the arithmetic order follows ggml's reference so results match bit for bit.

void dequantize_q8_0(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += kQ8_0Bytes, dst += 32) {
        const float d = load_half(src);
        const auto* qs = reinterpret_cast<const std::int8_t*>(src + 2);
        for (int j = 0; j < 32; ++j) dst[j] = static_cast<float>(qs[j]) * d;
    }
}

void dequantize_q4_0(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += kQ4_0Bytes, dst += 32) {
        const float d = load_half(src);
        const std::uint8_t* qs = src + 2;
        for (int j = 0; j < 16; ++j) {
            dst[j] = static_cast<float>((qs[j] & 0xF) - 8) * d;
            dst[j + 16] = static_cast<float>((qs[j] >> 4) - 8) * d;
        }
    }
}

// Sub-block j's 6-bit scale and min, packed into 12 bytes: j < 4 in the low 6 bits of
// bytes j and j+4; j >= 4 in the nibbles of byte j+4 with their top 2 bits in the spare
// high bits of bytes j-4 (scale) and j (min).
void q4_k_scale_min(int j, const std::uint8_t* s, std::uint8_t& sc, std::uint8_t& m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = static_cast<std::uint8_t>((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
        m = static_cast<std::uint8_t>((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

void dequantize_q4_k(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += kQ4_KBytes) {
        const float d = load_half(src);
        const float dmin = load_half(src + 2);
        const std::uint8_t* scales = src + 4;
        const std::uint8_t* qs = src + 16;
        for (int c = 0; c < 4; ++c, qs += 32, dst += 64) {
            std::uint8_t sc, m;
            q4_k_scale_min(2 * c, scales, sc, m);
            const float d1 = d * sc;
            const float m1 = dmin * m;
            q4_k_scale_min(2 * c + 1, scales, sc, m);
            const float d2 = d * sc;
            const float m2 = dmin * m;
            for (int l = 0; l < 32; ++l) dst[l] = d1 * static_cast<float>(qs[l] & 0xF) - m1;
            for (int l = 0; l < 32; ++l) dst[32 + l] = d2 * static_cast<float>(qs[l] >> 4) - m2;
        }
    }
}

void dequantize_q6_k(const std::uint8_t* src, float* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += kQ6_KBytes) {
        const std::uint8_t* ql = src;
        const std::uint8_t* qh = src + 128;
        const auto* sc = reinterpret_cast<const std::int8_t*>(src + 192);
        const float d = load_half(src + 208);
        for (int half = 0; half < 2; ++half, ql += 64, qh += 32, sc += 8, dst += 128) {
            // One sub-block of 16 at a time, so the four scales are fixed in the inner loop.
            for (int is = 0; is < 2; ++is) {
                const float s1 = d * sc[is];
                const float s2 = d * sc[is + 2];
                const float s3 = d * sc[is + 4];
                const float s4 = d * sc[is + 6];
                for (int l = 16 * is; l < 16 * is + 16; ++l) {
                    const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    dst[l] = s1 * static_cast<float>(q1);
                    dst[l + 32] = s2 * static_cast<float>(q2);
                    dst[l + 64] = s3 * static_cast<float>(q3);
                    dst[l + 96] = s4 * static_cast<float>(q4);
                }
            }
        }
    }
}

// --- quantization

// ggml's reference: d = amax / 127, q = round(x / d).
void quantize_q8_0(const float* src, std::uint8_t* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += 32, dst += kQ8_0Bytes) {
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(src[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_fp16(d));
        for (int j = 0; j < 32; ++j) {
            const int q = round_clamped(src[j] * id, -127, 127);
            dst[2 + j] = static_cast<std::uint8_t>(static_cast<std::int8_t>(q));
        }
    }
}

// ggml's reference: the value of largest magnitude maps to -8 exactly, so its sign
// picks which end of the asymmetric range [-8, 7] is used.
void quantize_q4_0(const float* src, std::uint8_t* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += 32, dst += kQ4_0Bytes) {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; ++j) {
            if (amax < std::fabs(src[j])) {
                amax = std::fabs(src[j]);
                max = src[j];
            }
        }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_fp16(d));
        for (int j = 0; j < 16; ++j) {
            const int lo = truncate_clamped(src[j] * id + 8.5f, 0, 15);
            const int hi = truncate_clamped(src[j + 16] * id + 8.5f, 0, 15);
            dst[2 + j] = static_cast<std::uint8_t>(lo | (hi << 4));
        }
    }
}

// Per sub-block of 32: an affine map min + scale*q with q in 0..15 and min <= 0 (the format
// stores -min). The 8 scales and 8 mins are then 6-bit multiples of d and dmin. Not ggml's
// iterative search, but dequantize(quantize(x)) stays within about one step of x.
void quantize_q4_k(const float* src, std::uint8_t* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += 256, dst += kQ4_KBytes) {
        float scales[8];
        float mins[8];  // the positive amount subtracted
        for (int j = 0; j < 8; ++j) {
            float lo = 0.0f;
            float hi = 0.0f;
            for (int l = 0; l < 32; ++l) {
                const float v = src[32 * j + l];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
            scales[j] = (hi - lo) / 15.0f;
            mins[j] = -lo;
        }
        const float max_scale = *std::max_element(scales, scales + 8);
        const float max_min = *std::max_element(mins, mins + 8);
        const float d = fp16_to_f32(f32_to_fp16(max_scale / 63.0f));
        const float dmin = fp16_to_f32(f32_to_fp16(max_min / 63.0f));
        store_u16(dst, f32_to_fp16(d));
        store_u16(dst + 2, f32_to_fp16(dmin));

        std::uint8_t sc[8];
        std::uint8_t mn[8];
        for (int j = 0; j < 8; ++j) {
            // Round the scale up so the sub-block's largest value stays reachable with q <= 15.
            sc[j] = d > 0.0f ? static_cast<std::uint8_t>(std::min(63.0f, std::ceil(scales[j] / d))) : 0;
            mn[j] = dmin > 0.0f ? static_cast<std::uint8_t>(round_clamped(mins[j] / dmin, 0, 63)) : 0;
        }
        std::uint8_t* packed = dst + 4;
        std::memset(packed, 0, 12);
        for (int j = 0; j < 4; ++j) {
            packed[j] = static_cast<std::uint8_t>((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            packed[j + 4] = static_cast<std::uint8_t>((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
            packed[j + 8] = static_cast<std::uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
        }

        std::uint8_t q[256];
        for (int j = 0; j < 8; ++j) {
            const float step = d * sc[j];
            const float offset = dmin * mn[j];
            const float inv = step > 0.0f ? 1.0f / step : 0.0f;
            for (int l = 0; l < 32; ++l)
                q[32 * j + l] = static_cast<std::uint8_t>(round_clamped((src[32 * j + l] + offset) * inv, 0, 15));
        }
        std::uint8_t* qs = dst + 16;
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l)
                qs[32 * c + l] = static_cast<std::uint8_t>(q[64 * c + l] | (q[64 * c + 32 + l] << 4));
    }
}

// Per sub-block of 16: a signed scale with the largest-magnitude value mapping to -32 (as
// Q4_0 does); the 16 scales are then int8 multiples of one fp16 d.
void quantize_q6_k(const float* src, std::uint8_t* dst, std::size_t n_blocks) {
    for (std::size_t b = 0; b < n_blocks; ++b, src += 256, dst += kQ6_KBytes) {
        float scales[16];
        float max_abs_scale = 0.0f;
        for (int j = 0; j < 16; ++j) {
            float amax = 0.0f;
            float max = 0.0f;
            for (int l = 0; l < 16; ++l) {
                const float v = src[16 * j + l];
                if (amax < std::fabs(v)) {
                    amax = std::fabs(v);
                    max = v;
                }
            }
            scales[j] = max / -32.0f;
            max_abs_scale = std::max(max_abs_scale, std::fabs(scales[j]));
        }
        const float d = fp16_to_f32(f32_to_fp16(max_abs_scale / 127.0f));
        auto* sc = reinterpret_cast<std::int8_t*>(dst + 192);
        std::uint8_t q[256];
        for (int j = 0; j < 16; ++j) {
            // Round the magnitude up so the largest value does not clamp at -32.
            const int magnitude = d > 0.0f ? round_clamped(std::ceil(std::fabs(scales[j]) / d), 0, 127) : 0;
            const int ls = scales[j] < 0.0f ? -magnitude : magnitude;
            sc[j] = static_cast<std::int8_t>(ls);
            const float step = d * static_cast<float>(ls);
            const float inv = step != 0.0f ? 1.0f / step : 0.0f;
            for (int l = 0; l < 16; ++l)
                q[16 * j + l] = static_cast<std::uint8_t>(round_clamped(src[16 * j + l] * inv, -32, 31) + 32);
        }
        std::uint8_t* ql = dst;
        std::uint8_t* qh = dst + 128;
        for (int half = 0; half < 2; ++half) {
            const std::uint8_t* qq = q + 128 * half;
            for (int l = 0; l < 32; ++l) {
                const int q1 = qq[l], q2 = qq[l + 32], q3 = qq[l + 64], q4 = qq[l + 96];
                ql[64 * half + l] = static_cast<std::uint8_t>((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * half + l + 32] = static_cast<std::uint8_t>((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * half + l] =
                    static_cast<std::uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
        store_u16(dst + 208, f32_to_fp16(d));
    }
}

}  // namespace

void dequantize_row_reference(TensorType type, const std::uint8_t* src, float* dst, std::size_t n) {
    require_whole_blocks(type, n);
    switch (type) {
        case TensorType::F32:
            if (n) std::memcpy(dst, src, n * sizeof(float));
            return;
        case TensorType::F16:
            for (std::size_t i = 0; i < n; ++i) dst[i] = fp16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::BF16:
            for (std::size_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::Q8_0: return dequantize_q8_0(src, dst, n / 32);
        case TensorType::Q4_0: return dequantize_q4_0(src, dst, n / 32);
        case TensorType::Q4_K: return dequantize_q4_k(src, dst, n / 256);
        case TensorType::Q6_K: return dequantize_q6_k(src, dst, n / 256);
    }
    throw std::invalid_argument("dequantize_row_reference: unsupported tensor type");
}

void quantize_row_reference(TensorType type, const float* src, std::uint8_t* dst, std::size_t n) {
    require_whole_blocks(type, n);
    switch (type) {
        case TensorType::F32:
            if (n) std::memcpy(dst, src, n * sizeof(float));
            return;
        case TensorType::F16:
            for (std::size_t i = 0; i < n; ++i) store_u16(dst + 2 * i, f32_to_fp16(src[i]));
            return;
        case TensorType::BF16:
            for (std::size_t i = 0; i < n; ++i) store_u16(dst + 2 * i, f32_to_bf16(src[i]));
            return;
        case TensorType::Q8_0: return quantize_q8_0(src, dst, n / 32);
        case TensorType::Q4_0: return quantize_q4_0(src, dst, n / 32);
        case TensorType::Q4_K: return quantize_q4_k(src, dst, n / 256);
        case TensorType::Q6_K: return quantize_q6_k(src, dst, n / 256);
    }
    throw std::invalid_argument("quantize_row_reference: unsupported tensor type");
}

}  // namespace podium
