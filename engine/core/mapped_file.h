#pragma once
// A read-only memory map of a whole file. Model weights are served straight
// from the map, so opening a 13 GB model costs no copy.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace podium {

class MappedFile {
public:
    // Throws FileError when the file is missing, unreadable or a directory.
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace podium
