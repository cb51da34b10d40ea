#include "tests/support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace podium::test {

namespace fs = std::filesystem;

std::optional<fs::path> shared_data_dir() {
    if (const char* env = std::getenv("PODIUM_SHARED_DATA"); env && *env) {
        if (fs::is_directory(env)) return fs::path(env);
        return std::nullopt;
    }
    fs::path p = fs::path(PODIUM_SOURCE_DIR).parent_path() / "shared" / "data";
    if (fs::is_directory(p)) return p;
    return std::nullopt;
}

std::optional<fs::path> shared_file(const std::string& relative) {
    auto dir = shared_data_dir();
    if (!dir) {
        WARN("skipped: ../shared/data is absent (set PODIUM_SHARED_DATA), needed for " << relative);
        return std::nullopt;
    }
    fs::path p = *dir / relative;
    if (!fs::exists(p)) {
        WARN("skipped: " << p.string() << " is absent");
        return std::nullopt;
    }
    return p;
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("podium-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(rd() % 100000));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

CommandResult run_podium(const std::string& args) {
    TempDir tmp;
    const fs::path out = tmp / "stdout", err = tmp / "stderr";
    const std::string cmd = std::string("'") + PODIUM_BINARY + "' " + args + " >'" + out.string() +
                            "' 2>'" + err.string() + "'";
    int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

}  // namespace podium::test
