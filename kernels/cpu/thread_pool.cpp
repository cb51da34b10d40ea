#include "kernels/cpu/thread_pool.h"

#include <algorithm>

namespace podium {

namespace {

void run_chunk(const std::function<void(std::size_t, std::size_t)>& body, std::size_t n, std::size_t chunks,
               std::size_t chunk) {
    const std::size_t begin = n * chunk / chunks;
    const std::size_t end = n * (chunk + 1) / chunks;
    if (begin < end) body(begin, end);
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
    }
    start_cv_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::worker_loop(int index) {
    std::size_t seen = 0;
    for (;;) {
        const std::function<void(std::size_t, std::size_t)>* body;
        std::size_t n, chunks;
        {
            std::unique_lock lock(mutex_);
            start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            body = body_;
            n = n_;
            chunks = chunks_;
        }
        if (static_cast<std::size_t>(index) < chunks) run_chunk(*body, n, chunks, index);
        {
            std::lock_guard lock(mutex_);
            if (--pending_ == 0) done_cv_.notify_one();
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
        pending_ = workers_.size();
        ++generation_;
    }
    start_cv_.notify_all();
    run_chunk(body, n, chunks, 0);
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
}

}  // namespace podium
