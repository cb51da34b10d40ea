#include "kernels/cpu/thread_pool.h"

#include <algorithm>

namespace podium {

namespace {

// About 50 microseconds of polling before a thread blocks.
constexpr int kSpinIterations = 20000;

void run_chunk(const std::function<void(std::size_t, std::size_t)>& body, std::size_t n, std::size_t chunks,
               std::size_t chunk) {
    const std::size_t begin = n * chunk / chunks;
    const std::size_t end = n * (chunk + 1) / chunks;
    if (begin < end) body(begin, end);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i < n_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    start_cv_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::worker_loop(int index) {
    std::size_t seen = 0;
    for (;;) {
        bool started = false;
        for (int spin = 0; spin < kSpinIterations; ++spin) {
            if (generation_.load(std::memory_order_acquire) != seen) {
                started = true;
                break;
            }
            cpu_relax();
        }
        if (!started) {
            std::unique_lock lock(mutex_);
            sleeping_.fetch_add(1, std::memory_order_relaxed);
            start_cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            sleeping_.fetch_sub(1, std::memory_order_relaxed);
        }
        const std::function<void(std::size_t, std::size_t)>* body;
        std::size_t n, chunks;
        {
            std::lock_guard lock(mutex_);
            if (stop_) return;
            seen = generation_.load(std::memory_order_acquire);
            body = body_;
            n = n_;
            chunks = chunks_;
        }
        if (static_cast<std::size_t>(index) < chunks) run_chunk(*body, n, chunks, index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard lock(mutex_);
            done_cv_.notify_one();
        }
    }
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body,
                              std::size_t grain) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t chunks = std::min<std::size_t>(size(), (n + grain - 1) / grain);
    if (chunks <= 1 || workers_.empty()) {
        body(0, n);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        body_ = &body;
        n_ = n;
        chunks_ = chunks;
        pending_.store(workers_.size(), std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    if (sleeping_.load(std::memory_order_relaxed) > 0) start_cv_.notify_all();
    run_chunk(body, n, chunks, 0);
    for (int spin = 0; spin < kSpinIterations; ++spin) {
        if (pending_.load(std::memory_order_acquire) == 0) return;
        cpu_relax();
    }
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
}

}  // namespace podium
