#include "engine/gguf/gguf_value.h"

#include <cstring>
#include <utility>

namespace podium {

std::string_view gguf_value_type_name(GgufValueType type) {
    switch (type) {
        case GgufValueType::U8: return "u8";
        case GgufValueType::I8: return "i8";
        case GgufValueType::U16: return "u16";
        case GgufValueType::I16: return "i16";
        case GgufValueType::U32: return "u32";
        case GgufValueType::I32: return "i32";
        case GgufValueType::F32: return "f32";
        case GgufValueType::Bool: return "bool";
        case GgufValueType::String: return "string";
        case GgufValueType::Array: return "array";
        case GgufValueType::U64: return "u64";
        case GgufValueType::I64: return "i64";
        case GgufValueType::F64: return "f64";
    }
    return "unknown";
}

GgufValue GgufValue::u32(std::uint32_t v) {
    GgufValue out;
    out.type = GgufValueType::U32;
    out.integer = v;
    return out;
}

GgufValue GgufValue::i32(std::int32_t v) {
    GgufValue out;
    out.type = GgufValueType::I32;
    out.integer = v;
    return out;
}

GgufValue GgufValue::u64(std::uint64_t v) {
    GgufValue out;
    out.type = GgufValueType::U64;
    out.integer = static_cast<std::int64_t>(v);  // bit pattern; read back as unsigned
    return out;
}

GgufValue GgufValue::f32(float v) {
    GgufValue out;
    out.type = GgufValueType::F32;
    out.real = v;
    return out;
}

GgufValue GgufValue::boolean_value(bool v) {
    GgufValue out;
    out.type = GgufValueType::Bool;
    out.boolean = v;
    return out;
}

GgufValue GgufValue::string_value(std::string v) {
    GgufValue out;
    out.type = GgufValueType::String;
    out.string = std::move(v);
    return out;
}

GgufValue GgufValue::array(GgufValueType element_type, std::vector<GgufValue> elements) {
    GgufValue out;
    out.type = GgufValueType::Array;
    out.element_type = element_type;
    out.elements = std::move(elements);
    return out;
}

bool GgufValue::is_integer() const {
    switch (type) {
        case GgufValueType::U8:
        case GgufValueType::I8:
        case GgufValueType::U16:
        case GgufValueType::I16:
        case GgufValueType::U32:
        case GgufValueType::I32:
        case GgufValueType::U64:
        case GgufValueType::I64: return true;
        default: return false;
    }
}

bool operator==(const GgufValue& a, const GgufValue& b) {
    if (a.type != b.type) return false;
    switch (a.type) {
        case GgufValueType::F32:
        case GgufValueType::F64: return std::memcmp(&a.real, &b.real, sizeof(double)) == 0;
        case GgufValueType::Bool: return a.boolean == b.boolean;
        case GgufValueType::String: return a.string == b.string;
        case GgufValueType::Array: return a.element_type == b.element_type && a.elements == b.elements;
        default: return a.integer == b.integer;
    }
}

bool GgufValue::is_real() const { return type == GgufValueType::F32 || type == GgufValueType::F64; }

}  // namespace podium
