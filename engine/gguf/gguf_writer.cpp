#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>
#include <type_traits>
#include <utility>

#include "engine/core/error.h"

namespace podium {

namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" as a little-endian u32
constexpr std::uint32_t kVersion = 3;
constexpr std::uint32_t kDefaultAlignment = 32;
constexpr std::size_t kMaxKeyLength = 65535;
constexpr std::size_t kMaxTensorNameLength = 63;
constexpr std::size_t kMaxDims = 4;

// Little-endian regardless of the host, byte by byte.
class ByteSink {
public:
    std::string bytes;

    template <typename T>
    void put_le(T value) {
        using U = std::make_unsigned_t<T>;
        auto u = static_cast<U>(value);
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            bytes.push_back(static_cast<char>(u & 0xFF));
            u = static_cast<U>(u >> 8);
        }
    }
    void put_u8(std::uint8_t v) { put_le(v); }
    void put_u32(std::uint32_t v) { put_le(v); }
    void put_u64(std::uint64_t v) { put_le(v); }
    void put_f32(float v) { put_le(std::bit_cast<std::uint32_t>(v)); }
    void put_f64(double v) { put_le(std::bit_cast<std::uint64_t>(v)); }
    void put_string(const std::string& s) {
        put_u64(s.size());
        bytes += s;
    }
};

std::uint64_t align_up(std::uint64_t offset, std::uint64_t alignment) {
    return (offset + alignment - 1) / alignment * alignment;
}

void put_value(ByteSink& out, const GgufValue& v, const std::string& key) {
    switch (v.type) {
        case GgufValueType::U8: out.put_le(static_cast<std::uint8_t>(v.integer)); return;
        case GgufValueType::I8: out.put_le(static_cast<std::int8_t>(v.integer)); return;
        case GgufValueType::U16: out.put_le(static_cast<std::uint16_t>(v.integer)); return;
        case GgufValueType::I16: out.put_le(static_cast<std::int16_t>(v.integer)); return;
        case GgufValueType::U32: out.put_le(static_cast<std::uint32_t>(v.integer)); return;
        case GgufValueType::I32: out.put_le(static_cast<std::int32_t>(v.integer)); return;
        case GgufValueType::U64: out.put_le(static_cast<std::uint64_t>(v.integer)); return;
        case GgufValueType::I64: out.put_le(v.integer); return;
        case GgufValueType::F32: out.put_f32(static_cast<float>(v.real)); return;
        case GgufValueType::F64: out.put_f64(v.real); return;
        case GgufValueType::Bool: out.put_u8(v.boolean ? 1 : 0); return;
        case GgufValueType::String: out.put_string(v.string); return;
        case GgufValueType::Array:
            out.put_u32(static_cast<std::uint32_t>(v.element_type));
            out.put_u64(v.elements.size());
            for (const auto& e : v.elements) {
                if (e.type != v.element_type)
                    throw Error("GGUF key \"" + key + "\": array of " +
                                std::string(gguf_value_type_name(v.element_type)) + " holds a " +
                                std::string(gguf_value_type_name(e.type)) + " element");
                put_value(out, e, key);
            }
            return;
    }
    throw Error("GGUF key \"" + key + "\" has an unknown value type " +
                std::to_string(static_cast<std::uint32_t>(v.type)));
}

// Closes the temporary file and removes it unless the write got all the way to the rename.
class TempFile {
public:
    explicit TempFile(std::filesystem::path final_path) : final_(std::move(final_path)), temp_(final_) {
        temp_ += ".tmp";
        file_ = std::fopen(temp_.c_str(), "wb");
        if (!file_) throw FileError(final_, "cannot create " + temp_.string() + ": " + std::strerror(errno));
    }
    ~TempFile() {
        if (file_) std::fclose(file_);
        if (!committed_) {
            std::error_code ignored;
            std::filesystem::remove(temp_, ignored);
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    void write(const void* data, std::size_t n) {
        if (n && std::fwrite(data, 1, n, file_) != n)
            throw FileError(final_, "cannot write " + temp_.string() + ": " + std::strerror(errno));
        written_ += n;
    }
    void pad_to(std::uint64_t offset) {
        static constexpr char zeros[256] = {};
        while (written_ < offset) write(zeros, std::min<std::uint64_t>(sizeof(zeros), offset - written_));
    }
    std::uint64_t written() const { return written_; }

    void commit() {
        const bool flushed = std::fflush(file_) == 0;
        const int close_result = std::fclose(file_);
        file_ = nullptr;
        if (!flushed || close_result != 0)
            throw FileError(final_, "cannot finish writing " + temp_.string() + ": " + std::strerror(errno));
        std::error_code ec;
        std::filesystem::rename(temp_, final_, ec);
        if (ec) throw FileError(final_, "cannot rename " + temp_.string() + " into place: " + ec.message());
        committed_ = true;
    }

private:
    std::filesystem::path final_;
    std::filesystem::path temp_;
    std::FILE* file_ = nullptr;
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
    if (key.empty() || key.size() > kMaxKeyLength)
        throw Error("GGUF key \"" + key.substr(0, 80) + "\" must be 1 to " + std::to_string(kMaxKeyLength) +
                    " bytes long");
    if (key == "general.alignment") {
        const auto a = static_cast<std::uint64_t>(value.integer);
        if (value.type != GgufValueType::U32 || a == 0 || !std::has_single_bit(a))
            throw Error("general.alignment must be a u32 power of two");
    }
    for (auto& [k, v] : metadata_) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::add_tensor(const std::string& name, TensorType type, std::vector<std::uint64_t> shape,
                            FillFunction fill) {
    const std::string what = "GGUF tensor \"" + name + "\"";
    if (name.empty() || name.size() > kMaxTensorNameLength)
        throw Error(what + ": name must be 1 to " + std::to_string(kMaxTensorNameLength) + " bytes long");
    for (const auto& t : tensors_)
        if (t.name == name) throw Error(what + " is added twice");
    if (shape.empty() || shape.size() > kMaxDims)
        throw Error(what + " has " + std::to_string(shape.size()) + " dimensions, expected 1 to " +
                    std::to_string(kMaxDims));
    std::uint64_t n_elements = 1;
    for (auto d : shape) {
        if (d == 0) throw Error(what + " has a zero dimension");
        // 2^56 elements keeps every type's byte count far from overflowing 64 bits.
        if (d > (std::uint64_t{1} << 56) / n_elements) throw Error(what + " has too many elements");
        n_elements *= d;
    }
    const auto& tt = traits(type);
    if (shape[0] % tt.block_elems != 0)
        throw Error(what + " has a row of " + std::to_string(shape[0]) + " values, not a multiple of the " +
                    std::string(tt.name) + " block size " + std::to_string(tt.block_elems));
    if (!fill) throw Error(what + " has no fill function");
    tensors_.push_back({name, type, std::move(shape), std::move(fill)});
}

void GgufWriter::write(const std::filesystem::path& path) const {
    std::uint64_t alignment = kDefaultAlignment;
    for (const auto& [k, v] : metadata_)
        if (k == "general.alignment") alignment = static_cast<std::uint32_t>(v.integer);

    ByteSink header;
    header.put_u32(kMagic);
    header.put_u32(kVersion);
    header.put_u64(tensors_.size());
    header.put_u64(metadata_.size());
    for (const auto& [key, value] : metadata_) {
        header.put_string(key);
        header.put_u32(static_cast<std::uint32_t>(value.type));
        put_value(header, value, key);
    }

    std::vector<std::uint64_t> offsets;
    std::vector<std::uint64_t> sizes;
    std::uint64_t next = 0;
    for (const auto& t : tensors_) {
        std::uint64_t n_elements = 1;
        for (auto d : t.shape) n_elements *= d;
        offsets.push_back(next);
        sizes.push_back(tensor_bytes(t.type, n_elements));
        next = align_up(next + sizes.back(), alignment);

        header.put_string(t.name);
        header.put_u32(static_cast<std::uint32_t>(t.shape.size()));
        for (auto d : t.shape) header.put_u64(d);
        header.put_u32(static_cast<std::uint32_t>(t.type));
        header.put_u64(offsets.back());
    }

    TempFile out(path);
    out.write(header.bytes.data(), header.bytes.size());
    // With no tensors there is no data section to align (ggml's tokenizer-only files end here).
    if (tensors_.empty()) {
        out.commit();
        return;
    }
    const std::uint64_t data_start = align_up(out.written(), alignment);
    out.pad_to(data_start);
    std::vector<std::uint8_t> buffer;
    for (std::size_t i = 0; i < tensors_.size(); ++i) {
        buffer.assign(sizes[i], 0);
        tensors_[i].fill(std::span<std::uint8_t>(buffer));
        out.pad_to(data_start + offsets[i]);
        out.write(buffer.data(), buffer.size());
    }
    // Like ggml, pad the last tensor too, so every tensor's bytes end on the alignment.
    out.pad_to(data_start + next);
    out.commit();
}

}  // namespace podium
