#pragma once
// Helpers shared by the test executables: where ../shared/data is, temp dirs,
// and running the built `podium` binary.
#include <filesystem>
#include <optional>
#include <string>

namespace podium::test {

// ../shared/data next to the checkout ($PODIUM_SHARED_DATA overrides), or nullopt.
std::optional<std::filesystem::path> shared_data_dir();

// Path of a file under shared/data, or nullopt (with a WARN naming what is skipped)
// when shared/data or that file is absent. Tests `return` on nullopt.
std::optional<std::filesystem::path> shared_file(const std::string& relative);

// A fresh empty directory, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};
// Runs the built podium binary with `args` (already shell-quoted as needed).
CommandResult run_podium(const std::string& args);

}  // namespace podium::test
