#include "engine/gguf/gguf_file.h"

#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <set>
#include <sstream>

#include "engine/core/error.h"

namespace podium {

namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr std::size_t kMaxKeyLength = 65535;
constexpr std::size_t kMaxTensorNameLength = 63;  // ggml's GGML_MAX_NAME minus the NUL
constexpr std::uint32_t kMaxDims = 4;
constexpr int kMaxArrayDepth = 8;

// Smallest number of bytes one value of `type` occupies, to reject counts that
// could not possibly fit in what is left of the file before allocating anything.
std::size_t min_encoded_size(GgufValueType type) {
    switch (type) {
        case GgufValueType::U8:
        case GgufValueType::I8:
        case GgufValueType::Bool: return 1;
        case GgufValueType::U16:
        case GgufValueType::I16: return 2;
        case GgufValueType::U32:
        case GgufValueType::I32:
        case GgufValueType::F32: return 4;
        case GgufValueType::U64:
        case GgufValueType::I64:
        case GgufValueType::F64:
        case GgufValueType::String: return 8;
        case GgufValueType::Array: return 12;
    }
    return 1;
}

bool known_value_type(std::uint32_t t) { return t <= static_cast<std::uint32_t>(GgufValueType::F64); }

}  // namespace

// Walks the file's bytes; every read checks the remaining length first.
class GgufParser {
public:
    explicit GgufParser(GgufFile& out) : out_(out), bytes_(out.file_->bytes()) {}

    void parse() {
        if (bytes_.size() < 4) fail("file is too short to be GGUF (" + std::to_string(bytes_.size()) + " bytes)");
        const auto magic = read_u32("magic");
        if (magic != kMagic) fail("not a GGUF file (bad magic " + hex(magic) + ", expected \"GGUF\")");
        const auto version = read_u32("version");
        if ((version & 0xFFFFu) == 0 && version != 0)
            fail("GGUF version field " + hex(version) + " looks byte-swapped (big-endian files are not supported)");
        if (version != 2 && version != 3)
            fail("unsupported GGUF version " + std::to_string(version) + " (expected 2 or 3)");
        out_.version_ = version;
        const auto n_tensors = read_u64("tensor count");
        const auto n_kv = read_u64("metadata count");
        // A key-value pair takes at least 8 (key length) + 4 (type) + 1 bytes.
        if (n_kv > remaining() / 13)
            fail("metadata count " + std::to_string(n_kv) + " is impossible for a file of " +
                 std::to_string(bytes_.size()) + " bytes (truncated or corrupt)");
        // A tensor info takes at least 8 (name length) + 4 + 8 + 4 + 8 bytes.
        if (n_tensors > remaining() / 32)
            fail("tensor count " + std::to_string(n_tensors) + " is impossible for a file of " +
                 std::to_string(bytes_.size()) + " bytes (truncated or corrupt)");

        std::set<std::string, std::less<>> keys;
        out_.metadata_.reserve(n_kv);
        for (std::uint64_t i = 0; i < n_kv; ++i) {
            std::string key = read_string("key of metadata entry " + std::to_string(i), kMaxKeyLength);
            if (!keys.insert(key).second) fail("duplicate metadata key \"" + key + "\"");
            const auto type = read_u32("value type of key \"" + key + "\"");
            if (!known_value_type(type))
                fail("key \"" + key + "\" has unknown value type " + std::to_string(type));
            GgufValue value = read_value(static_cast<GgufValueType>(type), key, 0);
            out_.metadata_.emplace_back(std::move(key), std::move(value));
        }

        if (const GgufValue* a = out_.find("general.alignment")) {
            if (a->type != GgufValueType::U32)
                fail("general.alignment has type " + std::string(gguf_value_type_name(a->type)) + ", expected u32");
            const auto align = static_cast<std::uint32_t>(a->integer);
            if (align == 0 || !std::has_single_bit(align))
                fail("general.alignment is " + std::to_string(align) + ", expected a power of two");
            out_.alignment_ = align;
        }

        std::set<std::string, std::less<>> names;
        out_.tensors_.reserve(n_tensors);
        for (std::uint64_t i = 0; i < n_tensors; ++i) {
            GgufTensorInfo info = read_tensor_info(i);
            if (!names.insert(info.name).second) fail("duplicate tensor name \"" + info.name + "\"");
            out_.tensors_.push_back(std::move(info));
        }

        const std::uint64_t align = out_.alignment_;
        const std::uint64_t data_offset = (pos_ + align - 1) / align * align;
        out_.data_offset_ = data_offset;
        for (auto& t : out_.tensors_) {
            const std::uint64_t size = bytes_.size();
            if (data_offset > size || t.offset > size - data_offset ||
                t.n_bytes > size - data_offset - t.offset)
                fail("tensor \"" + t.name + "\" (offset " + std::to_string(t.offset) + ", " +
                     std::to_string(t.n_bytes) + " bytes) extends beyond the end of the file (" +
                     std::to_string(size) + " bytes, data starts at " + std::to_string(data_offset) + ")");
            t.data = bytes_.data() + data_offset + t.offset;
        }
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw FileError(out_.path(), what); }

    static std::string hex(std::uint32_t v) {
        std::ostringstream s;
        s << "0x" << std::hex << v;
        return s.str();
    }

    std::uint64_t remaining() const { return bytes_.size() - pos_; }

    void need(std::uint64_t n, const std::string& what) const {
        if (n > remaining())
            fail("truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                 " but the file has " + std::to_string(remaining()) + " left");
    }

    template <typename T>
    T read_raw(const std::string& what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::uint32_t read_u32(const std::string& what) { return read_raw<std::uint32_t>(what); }
    std::uint64_t read_u64(const std::string& what) { return read_raw<std::uint64_t>(what); }

    std::string read_string(const std::string& what, std::uint64_t max_length = std::numeric_limits<std::uint64_t>::max()) {
        const auto length = read_u64(what + " length");
        if (length > max_length)
            fail(what + " is " + std::to_string(length) + " bytes long, more than the limit of " +
                 std::to_string(max_length));
        need(length, what);
        std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
        pos_ += length;
        return s;
    }

    GgufValue read_value(GgufValueType type, const std::string& key, int depth) {
        GgufValue v;
        v.type = type;
        const std::string what = "value of key \"" + key + "\"";
        switch (type) {
            case GgufValueType::U8: v.integer = read_raw<std::uint8_t>(what); break;
            case GgufValueType::I8: v.integer = read_raw<std::int8_t>(what); break;
            case GgufValueType::U16: v.integer = read_raw<std::uint16_t>(what); break;
            case GgufValueType::I16: v.integer = read_raw<std::int16_t>(what); break;
            case GgufValueType::U32: v.integer = read_raw<std::uint32_t>(what); break;
            case GgufValueType::I32: v.integer = read_raw<std::int32_t>(what); break;
            case GgufValueType::U64: v.integer = static_cast<std::int64_t>(read_raw<std::uint64_t>(what)); break;
            case GgufValueType::I64: v.integer = read_raw<std::int64_t>(what); break;
            case GgufValueType::F32: v.real = read_raw<float>(what); break;
            case GgufValueType::F64: v.real = read_raw<double>(what); break;
            case GgufValueType::Bool: {
                const auto b = read_raw<std::uint8_t>(what);
                if (b > 1) fail(what + " is a bool stored as " + std::to_string(b) + ", expected 0 or 1");
                v.boolean = b != 0;
                break;
            }
            case GgufValueType::String: v.string = read_string(what); break;
            case GgufValueType::Array: {
                if (depth >= kMaxArrayDepth)
                    fail("key \"" + key + "\" nests arrays deeper than " + std::to_string(kMaxArrayDepth) + " levels");
                const auto elem = read_u32("element type of array \"" + key + "\"");
                if (!known_value_type(elem))
                    fail("array \"" + key + "\" has unknown element type " + std::to_string(elem));
                v.element_type = static_cast<GgufValueType>(elem);
                const auto count = read_u64("element count of array \"" + key + "\"");
                if (count > remaining() / min_encoded_size(v.element_type))
                    fail("array \"" + key + "\" claims " + std::to_string(count) + " elements, more than the " +
                         std::to_string(remaining()) + " bytes left in the file can hold");
                // No reserve(count): memory grows only with elements actually present in the file.
                for (std::uint64_t i = 0; i < count; ++i) v.elements.push_back(read_value(v.element_type, key, depth + 1));
                break;
            }
        }
        return v;
    }

    GgufTensorInfo read_tensor_info(std::uint64_t index) {
        GgufTensorInfo t;
        t.name = read_string("name of tensor " + std::to_string(index), kMaxTensorNameLength);
        const std::string what = "tensor \"" + t.name + "\"";
        const auto n_dims = read_u32(what + " dimension count");
        if (n_dims == 0 || n_dims > kMaxDims)
            fail(what + " has " + std::to_string(n_dims) + " dimensions, expected 1 to " + std::to_string(kMaxDims));
        t.n_elements = 1;
        for (std::uint32_t d = 0; d < n_dims; ++d) {
            const auto n = read_u64(what + " dimension " + std::to_string(d));
            if (n == 0) fail(what + " dimension " + std::to_string(d) + " is zero");
            if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / t.n_elements)
                fail(what + " has " + std::to_string(n_dims) + " dimensions whose product overflows");
            t.shape.push_back(n);
            t.n_elements *= n;
        }
        const auto type_id = read_u32(what + " type");
        const auto traits = tensor_type_traits(type_id);
        if (!traits)
            fail(what + " has tensor type id " + std::to_string(type_id) +
                 ", which podium does not read (expected f32, f16, bf16, q8_0, q4_0, q4_k or q6_k)");
        t.type = traits->type;
        if (t.shape[0] % traits->block_elems != 0)
            fail(what + " has a row of " + std::to_string(t.shape[0]) + " values, not a multiple of the " +
                 std::string(traits->name) + " block size " + std::to_string(traits->block_elems));
        // Fewer than 2^63 elements can still be more than 2^64 bytes; do not let the size wrap.
        if (t.n_elements / traits->block_elems > std::numeric_limits<std::uint64_t>::max() / traits->block_bytes)
            fail(what + " has " + std::to_string(t.n_elements) + " elements, whose size in bytes overflows");
        t.n_bytes = t.n_elements / traits->block_elems * traits->block_bytes;
        t.offset = read_u64(what + " offset");
        if (t.offset % out_.alignment_ != 0)
            fail(what + " offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                 std::to_string(out_.alignment_));
        return t;
    }

    GgufFile& out_;
    std::span<const std::uint8_t> bytes_;
    std::uint64_t pos_ = 0;
};

GgufFile GgufFile::open(const std::filesystem::path& path) {
    GgufFile f;
    f.file_ = std::make_shared<MappedFile>(path);
    try {
        GgufParser(f).parse();
    } catch (const std::bad_alloc&) {
        throw FileError(path, "metadata too large to hold in memory (corrupt counts?)");
    }
    return f;
}

const GgufValue* GgufFile::find(std::string_view key) const {
    for (const auto& [k, v] : metadata_)
        if (k == key) return &v;
    return nullptr;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    for (const auto& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

namespace {

std::string type_mismatch(std::string_view key, const GgufValue& v, std::string_view expected) {
    return "key \"" + std::string(key) + "\" has type " + std::string(gguf_value_type_name(v.type)) + ", expected " +
           std::string(expected);
}

}  // namespace

std::optional<std::uint64_t> GgufFile::get_uint(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_integer()) throw FileError(path(), type_mismatch(key, *v, "an unsigned integer"));
    if (v->type == GgufValueType::U64) return static_cast<std::uint64_t>(v->integer);
    if (v->integer < 0)
        throw FileError(path(), "key \"" + std::string(key) + "\" is " + std::to_string(v->integer) +
                                    ", expected a non-negative integer");
    return static_cast<std::uint64_t>(v->integer);
}

std::optional<double> GgufFile::get_real(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_real()) return v->real;
    if (v->type == GgufValueType::U64) return static_cast<double>(static_cast<std::uint64_t>(v->integer));
    if (v->is_integer()) return static_cast<double>(v->integer);
    throw FileError(path(), type_mismatch(key, *v, "a number"));
}

std::optional<std::string> GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != GgufValueType::String) throw FileError(path(), type_mismatch(key, *v, "string"));
    return v->string;
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != GgufValueType::Bool) throw FileError(path(), type_mismatch(key, *v, "bool"));
    return v->boolean;
}

namespace {

[[noreturn]] void missing(const std::filesystem::path& path, std::string_view key) {
    throw FileError(path, "missing required key \"" + std::string(key) + "\"");
}

}  // namespace

std::uint64_t GgufFile::require_uint(std::string_view key) const {
    if (auto v = get_uint(key)) return *v;
    missing(path(), key);
}

double GgufFile::require_real(std::string_view key) const {
    if (auto v = get_real(key)) return *v;
    missing(path(), key);
}

std::string GgufFile::require_string(std::string_view key) const {
    if (auto v = get_string(key)) return *v;
    missing(path(), key);
}

const GgufValue& GgufFile::require_array(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) missing(path(), key);
    if (v->type != GgufValueType::Array) throw FileError(path(), type_mismatch(key, *v, "array"));
    return *v;
}

}  // namespace podium
