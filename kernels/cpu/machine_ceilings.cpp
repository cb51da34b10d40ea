#include "kernels/cpu/machine_ceilings.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_features.h"

namespace podium {

namespace avx512 {
float fma_chain(std::size_t iterations);
}

namespace avx2 {
float fma_chain(std::size_t iterations);
std::uint64_t sum_words(const std::uint64_t* begin, const std::uint64_t* end);
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double measure_bandwidth(ThreadPool& pool) {
    const std::size_t n = std::size_t{1} << 27;  // 1 GiB of 64-bit words, far beyond any cache
    std::vector<std::uint64_t> buffer(n, 1);
    std::atomic<std::uint64_t> sink{0};
    const bool use_avx2 = cpu_features().avx2;
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        pool.parallel_for(n, [&](std::size_t begin, std::size_t end) {
            if (use_avx2) {
                sink += avx2::sum_words(buffer.data() + begin, buffer.data() + end);
                return;
            }
            std::uint64_t s = 0;
            for (std::size_t i = begin; i < end; ++i) s += buffer[i];
            sink += s;
        });
        best = std::max(best, static_cast<double>(n * sizeof(std::uint64_t)) / seconds_since(t0) / 1e9);
    }
    return sink.load() == 0 ? 0 : best;
}

// FMA peak at the instruction set the kernels use (AVX-512 where active, else AVX2).
double measure_fma(ThreadPool& pool) {
    const SimdLevel level = active_simd_level();
    if (level == SimdLevel::Portable) return 0;
    const bool wide = level == SimdLevel::Avx512;
    const std::size_t iterations = wide ? 10'000'000 : 20'000'000;
    const double flops_per_iteration = wide ? 12 * 16 * 2 : 10 * 8 * 2;
    std::atomic<int> sink{0};
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        pool.parallel_for(static_cast<std::size_t>(pool.size()), [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                sink += (wide ? avx512::fma_chain(iterations) : avx2::fma_chain(iterations)) > 0 ? 1 : 0;
        });
        const double flops = static_cast<double>(pool.size()) * static_cast<double>(iterations) * flops_per_iteration;
        best = std::max(best, flops / seconds_since(t0) / 1e9);
    }
    return sink.load() >= 0 ? best : 0;
}

}  // namespace

MachineCeilings measure_machine_ceilings(ThreadPool& pool) { return {measure_bandwidth(pool), measure_fma(pool)}; }

}  // namespace podium
