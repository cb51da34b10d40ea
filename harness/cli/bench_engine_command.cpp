// podium bench engine: prompt processing, generation and multiple-choice scoring
// speeds, each also as a fraction of this machine's measured ceilings.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/engine.h"
#include "engine/model/model_file.h"
#include "harness/cli/commands.h"
#include "kernels/cpu/machine_ceilings.h"
#include "kernels/cpu/thread_pool.h"

namespace podium::cli {

namespace {

struct BenchEngineOptions {
    std::string model;
    int threads = 0;
    bool json = false;
    int prompt_tokens = 512;
    int generate_tokens = 128;
    int questions = 8;
};

std::vector<std::int32_t> pseudo_tokens(std::size_t n, std::uint32_t n_vocab, std::uint32_t seed) {
    std::vector<std::int32_t> t(n);
    for (auto& id : t) {
        seed = seed * 1664525u + 1013904223u;
        id = static_cast<std::int32_t>((seed >> 8) % n_vocab);
    }
    return t;
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <typename Run>
double median_of_three(Run run) {
    double v[3] = {run(), run(), run()};
    std::sort(v, v + 3);
    return v[1];
}

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void run_bench_engine(const BenchEngineOptions& o) {
    const ModelFile file = open_model(o.model);
    // Per token, every block matmul runs; the output projection runs only where
    // logits are asked for (once per prompt, once per generated token).
    std::uint64_t block_params = 0, block_bytes = 0;
    for (const auto& t : file.tensors) {
        if (t.shape.size() == 2 && t.name.rfind("blk.", 0) == 0) {
            block_params += t.n_elements();
            block_bytes += t.n_bytes;
        }
    }
    const TensorView* output = file.find("output.weight");
    if (!output) output = file.find("token_embd.weight");  // tied
    const std::uint64_t weight_bytes = block_bytes + output->n_bytes;
    Engine engine(o.model, EngineOptions{o.threads});
    const auto& c = engine.config();
    const auto n_vocab = c.n_vocab;

    // Prompt processing: one sequence of prompt_tokens, logits only for the last.
    ScoreRequest pp{pseudo_tokens(o.prompt_tokens - 1, n_vocab, 1), pseudo_tokens(1, n_vocab, 2)};
    engine.score(std::span(&pp, 1));  // warm-up: page in the weights
    // Shared machines are noisy: the median of three runs.
    const double pp_tps = median_of_three([&] {
        const auto t0 = std::chrono::steady_clock::now();
        engine.score(std::span(&pp, 1));
        return o.prompt_tokens / seconds(t0);
    });

    // Generation: greedy decode after a 16-token prompt.
    GenerateRequest tg;
    tg.prompt = pseudo_tokens(16, n_vocab, 3);
    tg.max_new_tokens = o.generate_tokens;
    auto t0 = std::chrono::steady_clock::now();
    const auto generated = engine.generate(std::span(&tg, 1));
    const double tg_seconds = seconds(t0);
    const double tg_tps = static_cast<double>(generated[0].tokens.size()) / tg_seconds;

    // Batched generation: 16 sequences decoded together (continuous batching).
    std::vector<GenerateRequest> batch(16, tg);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].prompt = pseudo_tokens(16, n_vocab, 50 + i);
    t0 = std::chrono::steady_clock::now();
    const auto batch_out = engine.generate(batch);
    std::size_t batch_tokens = 0;
    for (const auto& r : batch_out) batch_tokens += r.tokens.size();
    const double tg_batch_tps = static_cast<double>(batch_tokens) / seconds(t0);

    // Multiple choice: questions with a 100-token context and four 20-token endings.
    std::vector<ScoreRequest> mc;
    for (int q = 0; q < o.questions; ++q) {
        const auto context = pseudo_tokens(100, n_vocab, 100 + q);
        for (int e = 0; e < 4; ++e) mc.push_back({context, pseudo_tokens(20, n_vocab, 1000 + 4 * q + e)});
    }
    const double mc_qps = median_of_three([&] {
        const auto start = std::chrono::steady_clock::now();
        engine.score(mc);
        return o.questions / seconds(start);
    });

    const double rss_mb = peak_rss_mb();  // before the bandwidth probe's 1 GiB buffer
    ThreadPool pool(o.threads);
    const MachineCeilings ceil = measure_machine_ceilings(pool);
    const double pp_gflops =
        2.0 * (static_cast<double>(block_params) * pp_tps + static_cast<double>(output->n_elements()) * pp_tps / o.prompt_tokens) / 1e9;
    const double tg_gbs = static_cast<double>(weight_bytes) * tg_tps / 1e9;

    if (o.json) {
        std::cout << nlohmann::json{{"pp512_tps", pp_tps},
                                    {"tg128_tps", tg_tps},
                                    {"mc4_qps", mc_qps},
                                    {"tg128_batch16_tps", tg_batch_tps},
                                    {"peak_rss_mb", rss_mb},
                                    {"pp_gflops", pp_gflops},
                                    {"tg_weight_gbs", tg_gbs},
                                    {"ceiling_fma_gflops", ceil.fma_gflops},
                                    {"ceiling_read_gbs", ceil.read_bandwidth_gbs},
                                    {"threads", pool.size()}}
                         .dump()
                  << "\n";
        return;
    }
    std::cout << "model " << o.model << ": " << architecture_name(c.arch) << ", "
              << static_cast<double>(block_params + output->n_elements()) / 1e6 << " M matmul parameters, "
              << static_cast<double>(weight_bytes) / 1e6 << " MB of matmul weights, " << pool.size() << " threads\n";
    std::cout << "machine ceilings: " << std::fixed << std::setprecision(1) << ceil.fma_gflops
              << " GFLOP/s fp32 FMA, " << ceil.read_bandwidth_gbs << " GB/s memory read\n\n";
    std::cout << std::left << std::setw(34) << "test" << std::right << std::setw(12) << "speed" << std::setw(26)
              << "of ceiling\n";
    auto row = [](const std::string& name, double v, const std::string& unit, const std::string& ceiling) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(1) << v << " " << unit;
        std::cout << std::left << std::setw(34) << name << std::right << std::setw(14) << s.str() << "   " << ceiling
                  << "\n";
    };
    auto pct = [](double a, double b) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(0) << (b > 0 ? 100.0 * a / b : 0) << "%";
        return s.str();
    };
    std::ostringstream pp_note, tg_note;
    pp_note << pct(pp_gflops, ceil.fma_gflops) << " of FMA peak (" << std::fixed << std::setprecision(1) << pp_gflops
            << " GFLOP/s)";
    tg_note << pct(tg_gbs, ceil.read_bandwidth_gbs) << " of read bandwidth (" << std::fixed << std::setprecision(1)
            << tg_gbs << " GB/s)";
    row("pp" + std::to_string(o.prompt_tokens) + " (prompt processing)", pp_tps, "t/s", pp_note.str());
    row("tg" + std::to_string(o.generate_tokens) + " (generation, batch 1)", tg_tps, "t/s", tg_note.str());
    row("tg128 x 16 sequences (batched)", tg_batch_tps, "t/s", "all sequences together");
    row("mc4 (100-token ctx, 4x20 endings)", mc_qps, "q/s", "");
    std::cout << "peak RSS " << std::fixed << std::setprecision(1) << rss_mb << " MB (before measuring the ceilings)\n";
}

}  // namespace

void add_bench_engine_command(CLI::App& bench) {
    auto opts = std::make_shared<BenchEngineOptions>();
    auto* cmd = bench.add_subcommand("engine", "Engine speed: prompt processing, generation, multiple-choice scoring");
    cmd->add_option("--model", opts->model, "GGUF file or Hugging Face model folder")->required();
    cmd->add_option("--threads", opts->threads, "Threads (default: all cores)");
    cmd->add_flag("--json", opts->json, "One JSON object: pp512_tps, tg128_tps, mc4_qps, peak_rss_mb, ...");
    cmd->callback([opts] { run_bench_engine(*opts); });
}

}  // namespace podium::cli
