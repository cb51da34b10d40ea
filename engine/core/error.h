#pragma once
// The one error type podium throws for bad input. Messages name the file
// (or field, or line) and say what was expected, so the CLI can print them as-is.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace podium {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "PATH: WHAT" — an input file that is missing, truncated or malformed.
class FileError : public Error {
public:
    FileError(const std::filesystem::path& path, const std::string& what)
        : Error(path.string() + ": " + what), path_(path) {}
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace podium
