#include "engine/safetensors/safetensors_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/core/error.h"

namespace podium {

namespace {

using nlohmann::json;

// The reference implementation refuses headers above 100 MB; so do we, rather
// than trust a length read from the file.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

std::uint64_t read_le_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::ostringstream s;
    s << "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    s << "]";
    return s.str();
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

struct ParsedEntry {
    SafetensorsTensor tensor;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

ParsedEntry parse_entry(const std::filesystem::path& path, const std::string& name,
                        const json& entry, std::uint64_t data_size) {
    const std::string where = "tensor '" + name + "': ";
    if (!entry.is_object()) throw FileError(path, where + "header entry is not a JSON object");

    auto dtype_it = entry.find("dtype");
    if (dtype_it == entry.end() || !dtype_it->is_string())
        throw FileError(path, where + "missing string field \"dtype\"");
    const auto dtype_name = dtype_it->get<std::string>();
    auto type = safetensors_dtype(dtype_name);
    if (!type)
        throw FileError(path, where + "dtype " + dtype_name +
                                  " is not supported; podium reads F32, F16 and BF16");

    auto shape_it = entry.find("shape");
    if (shape_it == entry.end() || !shape_it->is_array())
        throw FileError(path, where + "missing array field \"shape\"");
    ParsedEntry out;
    out.tensor.name = name;
    out.tensor.type = *type;
    std::uint64_t n_elements = 1;
    bool overflow = false;
    for (const auto& d : *shape_it) {
        if (!d.is_number_unsigned())
            throw FileError(path, where + "\"shape\" must hold non-negative integers, found " +
                                      d.dump());
        const auto dim = d.get<std::uint64_t>();
        out.tensor.shape.push_back(dim);
        overflow |= __builtin_mul_overflow(n_elements, dim, &n_elements);
    }

    auto offsets_it = entry.find("data_offsets");
    if (offsets_it == entry.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
        !(*offsets_it)[0].is_number_unsigned() || !(*offsets_it)[1].is_number_unsigned())
        throw FileError(path, where + "\"data_offsets\" must be two non-negative integers [begin, end]");
    out.begin = (*offsets_it)[0].get<std::uint64_t>();
    out.end = (*offsets_it)[1].get<std::uint64_t>();
    if (out.begin > out.end)
        throw FileError(path, where + "data_offsets " + range_text(out.begin, out.end) +
                                  " end before they begin");
    if (out.end > data_size)
        throw FileError(path, where + "data_offsets " + range_text(out.begin, out.end) +
                                  " run past the end of the data section (" +
                                  std::to_string(data_size) + " bytes)");

    const std::uint64_t elem_bytes = traits(*type).block_bytes;
    std::uint64_t n_bytes = 0;
    overflow |= __builtin_mul_overflow(n_elements, elem_bytes, &n_bytes);
    if (overflow || n_bytes != out.end - out.begin)
        throw FileError(path, where + "shape " + shape_text(out.tensor.shape) + " of " +
                                  dtype_name + " needs " +
                                  (overflow ? std::string("more than 2^64") : std::to_string(n_bytes)) +
                                  " bytes but data_offsets " + range_text(out.begin, out.end) +
                                  " hold " + std::to_string(out.end - out.begin));
    out.tensor.n_elements = n_elements;
    out.tensor.n_bytes = n_bytes;
    return out;
}

}  // namespace

std::optional<TensorType> safetensors_dtype(std::string_view dtype) {
    if (dtype == "F32") return TensorType::F32;
    if (dtype == "F16") return TensorType::F16;
    if (dtype == "BF16") return TensorType::BF16;
    return std::nullopt;
}

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
    SafetensorsFile f;
    f.file_ = std::make_shared<MappedFile>(path);
    const std::uint64_t size = f.file_->size();
    if (size < 8)
        throw FileError(path, "file is " + std::to_string(size) +
                                  " bytes; a safetensors file starts with an 8-byte header length");
    const std::uint8_t* base = f.file_->data();
    const std::uint64_t header_size = read_le_u64(base);
    if (header_size > size - 8)
        throw FileError(path, "header length " + std::to_string(header_size) +
                                  " runs past the end of the file (" + std::to_string(size - 8) +
                                  " bytes follow the length field)");
    if (header_size > kMaxHeaderBytes)
        throw FileError(path, "header length " + std::to_string(header_size) +
                                  " exceeds the 100 MB limit for safetensors headers");
    f.header_size_ = header_size;

    json header;
    try {
        header = json::parse(base + 8, base + 8 + header_size);
    } catch (const json::exception& e) {
        throw FileError(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) throw FileError(path, "header is not a JSON object");

    const std::uint64_t data_size = size - 8 - header_size;
    const std::uint8_t* data = base + 8 + header_size;
    std::vector<ParsedEntry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) throw FileError(path, "\"__metadata__\" is not a JSON object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    throw FileError(path, "\"__metadata__\" value of '" + m.key() +
                                              "' is not a string");
                f.metadata_[m.key()] = m->get<std::string>();
            }
            continue;
        }
        entries.push_back(parse_entry(path, it.key(), *it, data_size));
    }

    std::sort(entries.begin(), entries.end(), [](const ParsedEntry& a, const ParsedEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    for (std::size_t i = 1; i < entries.size(); ++i) {
        const auto& prev = entries[i - 1];
        const auto& cur = entries[i];
        if (cur.begin < prev.end)
            throw FileError(path, "tensors '" + prev.tensor.name + "' " +
                                      range_text(prev.begin, prev.end) + " and '" +
                                      cur.tensor.name + "' " + range_text(cur.begin, cur.end) +
                                      " overlap");
    }
    f.tensors_.reserve(entries.size());
    for (auto& e : entries) {
        e.tensor.data = data + e.begin;
        f.index_.emplace(e.tensor.name, f.tensors_.size());
        f.tensors_.push_back(std::move(e.tensor));
    }
    return f;
}

const SafetensorsTensor* SafetensorsFile::find(std::string_view name) const {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace podium
