// `podium bench tokenizer`: single-core tokenizer throughput on real English text.
// A benchmark is a program that prints a table, never a timed test.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/tokenizer/tokenizer_loader.h"
#include "harness/cli/commands.h"

namespace podium::cli {

namespace {

namespace fs = std::filesystem;

struct TokenizerBenchOptions {
    std::string data_dir;   // shared/data
    std::string vocab_dir;  // default: DATA/vocab
    std::string text_file;  // default: MMLU test questions under DATA/bench
    double megabytes = 4;
};

fs::path find_data_dir(const std::string& given) {
    if (!given.empty()) return given;
    if (const char* env = std::getenv("PODIUM_SHARED_DATA"); env && *env) return env;
    for (const fs::path& p : {fs::path("shared/data"), fs::path("../shared/data")})
        if (fs::is_directory(p)) return p;
    throw Error("bench tokenizer: cannot find shared/data; pass --data-dir or set PODIUM_SHARED_DATA");
}

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, "cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// English text: the MMLU test questions and choices (CSV), in file-name order, repeated
// until `bytes` are gathered, then cut into lines as an evaluation would send them.
std::vector<std::string> english_lines(const TokenizerBenchOptions& o, const fs::path& data, std::size_t bytes) {
    std::vector<fs::path> files;
    if (!o.text_file.empty()) {
        files.push_back(o.text_file);
    } else {
        const fs::path dir = data / "bench" / "mmlu" / "test";
        if (!fs::is_directory(dir)) throw FileError(dir, "no MMLU test folder for the benchmark text; pass --text-file");
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".csv") files.push_back(e.path());
        std::sort(files.begin(), files.end());
    }
    std::vector<std::string> lines;
    std::size_t total = 0;
    while (total < bytes) {
        const std::size_t before = total;
        for (const fs::path& f : files) {
            std::istringstream in(read_all(f));
            for (std::string line; std::getline(in, line) && total < bytes;) {
                if (line.empty()) continue;
                total += line.size() + 1;
                lines.push_back(line + "\n");
            }
        }
        if (total == before) throw Error("bench tokenizer: the benchmark text is empty");
    }
    return lines;
}

struct PassResult {
    double seconds = 0;
    std::size_t tokens = 0;
};

// CPU time of this thread: on a shared machine, wall time would also count other processes.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

PassResult encode_all(const Tokenizer& tok, const std::vector<std::string>& lines) {
    const double start = thread_cpu_seconds();
    PassResult r;
    for (const std::string& line : lines) r.tokens += tok.encode(line, false).size();
    r.seconds = thread_cpu_seconds() - start;
    return r;
}

void run_tokenizer_bench(const TokenizerBenchOptions& o) {
    if (!(o.megabytes > 0 && o.megabytes <= 1024)) throw Error("bench tokenizer: --mb must be in (0, 1024]");
    const fs::path data = o.vocab_dir.empty() || o.text_file.empty() ? find_data_dir(o.data_dir) : fs::path();
    const fs::path vocab_dir = o.vocab_dir.empty() ? data / "vocab" : fs::path(o.vocab_dir);
    const auto lines = english_lines(o, data, static_cast<std::size_t>(o.megabytes * 1e6));
    std::size_t bytes = 0;
    for (const auto& l : lines) bytes += l.size();

    std::printf("tokenizer throughput (thread CPU time, one core), %zu lines, %.2f MB of English text\n", lines.size(), bytes / 1e6);
    std::printf("%-10s %-18s %10s %9s %12s %12s %12s\n", "vocab", "kind", "tokens", "bytes/tok", "load s",
                "cold MB/s", "warm MB/s");
    for (const char* name : {"llama-spm", "falcon", "gpt-2"}) {
        const fs::path path = vocab_dir / ("ggml-vocab-" + std::string(name) + ".gguf");
        if (!fs::exists(path)) {
            std::printf("%-10s (missing: %s)\n", name, path.string().c_str());
            continue;
        }
        const double load_start = thread_cpu_seconds();
        const auto tok = load_tokenizer(path);
        const double load_s = thread_cpu_seconds() - load_start;
        const PassResult cold = encode_all(*tok, lines);  // fills the piece cache
        const PassResult warm = encode_all(*tok, lines);
        std::printf("%-10s %-18s %10zu %9.2f %12.3f %12.1f %12.1f\n", name, std::string(tok->kind_name()).c_str(),
                    cold.tokens, static_cast<double>(bytes) / static_cast<double>(std::max<std::size_t>(cold.tokens, 1)),
                    load_s, bytes / 1e6 / cold.seconds, bytes / 1e6 / warm.seconds);
    }
}

}  // namespace

void add_bench_command(CLI::App& app) {
    CLI::App* bench = app.add_subcommand("bench", "Benchmarks that print tables");
    bench->require_subcommand(1);
    auto options = std::make_shared<TokenizerBenchOptions>();
    CLI::App* tok = bench->add_subcommand("tokenizer", "Tokenizer throughput per vocabulary (MB/s, one core)");
    tok->add_option("--data-dir", options->data_dir, "shared/data (default: $PODIUM_SHARED_DATA, ./shared/data, ../shared/data)");
    tok->add_option("--vocab-dir", options->vocab_dir, "Folder with ggml-vocab-{llama-spm,falcon,gpt-2}.gguf");
    tok->add_option("--text-file", options->text_file, "English text to encode (default: the MMLU test questions)");
    tok->add_option("--mb", options->megabytes, "Megabytes of text to encode")->capture_default_str();
    tok->callback([options] { run_tokenizer_bench(*options); });
    add_bench_engine_command(*bench);
}

}  // namespace podium::cli
