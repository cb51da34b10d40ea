#pragma once
// A fixed set of worker threads running parallel loops. Work is split into
// contiguous index ranges, and each index is computed by exactly one thread with
// the same code, so results never depend on the thread count.
//
// Decoding one token runs ~100 small loops, so waking workers must be cheap:
// workers spin briefly on an atomic generation counter before sleeping.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace podium {

class ThreadPool {
public:
    // n_threads <= 0 means one per hardware thread.
    explicit ThreadPool(int n_threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return static_cast<int>(workers_.size()) + 1; }

    // Calls body(begin, end) over disjoint ranges covering [0, n); the calling
    // thread takes a share. Ranges are at least `grain` long.
    void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body,
                      std::size_t grain = 1);

private:
    void worker_loop(int index);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable start_cv_;
    std::condition_variable done_cv_;
    const std::function<void(std::size_t, std::size_t)>* body_ = nullptr;
    std::size_t n_ = 0;
    std::size_t chunks_ = 0;
    std::atomic<std::size_t> generation_{0};
    std::atomic<std::size_t> pending_{0};
    std::atomic<int> sleeping_{0};
    bool stop_ = false;
};

}  // namespace podium
