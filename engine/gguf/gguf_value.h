#pragma once
// A GGUF metadata value: a scalar, a string, or an array (arrays may nest).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace podium {

enum class GgufValueType : std::uint32_t {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
};

std::string_view gguf_value_type_name(GgufValueType type);  // "u32", "string", "array", ...

struct GgufValue {
    GgufValueType type = GgufValueType::U32;
    // Holds the value of whichever member `type` selects: integers of every width in
    // `integer` (signed ones sign-extended), f32/f64 in `real`, bools in `boolean`.
    std::int64_t integer = 0;
    double real = 0.0;
    bool boolean = false;
    std::string string;
    GgufValueType element_type = GgufValueType::U8;  // arrays only
    std::vector<GgufValue> elements;                 // arrays only

    static GgufValue u32(std::uint32_t v);
    static GgufValue i32(std::int32_t v);
    static GgufValue u64(std::uint64_t v);
    static GgufValue f32(float v);
    static GgufValue boolean_value(bool v);
    static GgufValue string_value(std::string v);
    static GgufValue array(GgufValueType element_type, std::vector<GgufValue> elements);

    bool is_integer() const;  // any of the 8 integer types
    bool is_real() const;     // f32 or f64
};

// Same type and same value; reals compare bit for bit (so NaN equals itself).
bool operator==(const GgufValue& a, const GgufValue& b);

}  // namespace podium
