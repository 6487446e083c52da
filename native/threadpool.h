// A persistent thread pool: the caller plus (threads - 1) workers run task indices of one job.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define LW_PAUSE() _mm_pause()
#else
#define LW_PAUSE() std::this_thread::yield()
#endif

namespace lw {

/** Work split into this many chunks per thread, so a preempted worker delays only a small share. */
constexpr int TASKS_PER_THREAD = 4;

class ThreadPool {
 public:
  /** The process-wide pool (never destroyed; workers are detached and die with the process). */
  static ThreadPool& get() {
    static ThreadPool* pool = new ThreadPool(defaultThreads());
    return *pool;
  }

  /** Threads that run a job, the caller included. */
  int size() const { return nthreads_; }

  /** Runs fn(t) for every t in [0, ntasks), spread over the pool; returns when all are done. */
  void run(int ntasks, const std::function<void(int)>& fn) {
    if (ntasks <= 0) return;
    if (ntasks == 1 || nthreads_ == 1 || ntasks > 0xffff || insideJob()) {  // nested jobs run inline
      for (int t = 0; t < ntasks; t++) fn(t);
      return;
    }
    std::lock_guard<std::mutex> jobLock(jobMutex_);  // one job at a time
    const uint64_t gen = ++generation_ & 0xffffffffu;
    fn_ = &fn;
    done_.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(mutex_);
      state_.store((gen << 32) | (static_cast<uint64_t>(ntasks) << 16), std::memory_order_release);
    }
    if (sleepers_.load(std::memory_order_acquire) > 0) cv_.notify_all();
    insideJob() = true;
    work(gen);
    insideJob() = false;
    // Wait for tasks claimed by workers; yield after a while so a preempted worker can finish on a busy machine.
    for (int spin = 0; done_.load(std::memory_order_acquire) < ntasks; spin++) {
      if (spin < 4000) LW_PAUSE();
      else std::this_thread::yield();
    }
  }

 private:
  explicit ThreadPool(int n) : nthreads_(std::max(1, n)) {
    for (int i = 1; i < nthreads_; i++) std::thread([this] { loop(); }).detach();
  }

  /** How long an idle worker spins before sleeping (LAYERWISE_SPIN_US, default 300 us). */
  static long spinMicros() {
    static const long us = [] {
      const char* env = std::getenv("LAYERWISE_SPIN_US");
      return env ? std::max(0L, std::atol(env)) : 300L;
    }();
    return us;
  }

  static int defaultThreads() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    return 1;  // the single-thread WebAssembly build cannot start threads
#endif
    const char* env = std::getenv("LAYERWISE_NUM_THREADS");
    if (env && std::atoi(env) > 0) return std::atoi(env);
    unsigned hc = std::thread::hardware_concurrency();
    const int n = static_cast<int>(std::min(hc == 0 ? 1u : hc, 16u));
    // NOTE: an earlier start-up probe (two FMA loops vs one) chose 1 thread on this 2-vCPU host under load,
    // yet measured GEMM and predict throughput nearly double with 2 threads on a quiet machine: use them all.
    return n;
  }

  // state_ packs generation (32 bits) | task count (16) | next task index (16): a worker can only claim
  // a task of the job it woke for, so a late worker never runs a task twice or of the wrong job.
  void work(uint64_t gen) {
    for (;;) {
      uint64_t v = state_.load(std::memory_order_acquire);
      if ((v >> 32) != gen) return;
      const uint64_t n = (v >> 16) & 0xffff;
      const uint64_t i = v & 0xffff;
      if (i >= n) return;
      if (state_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) {
        (*fn_)(static_cast<int>(i));
        done_.fetch_add(1, std::memory_order_acq_rel);
      }
    }
  }

  /** True on a worker thread, and on the caller while it runs tasks: a kernel called from a task runs serially. */
  static bool& insideJob() {
    static thread_local bool inside = false;
    return inside;
  }

  void loop() {
    insideJob() = true;
    uint64_t seen = state_.load(std::memory_order_acquire) >> 32;
    for (;;) {
      // Spin a little (jobs arrive back to back during training), then sleep.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(spinMicros());
      for (int spin = 0; (state_.load(std::memory_order_acquire) >> 32) == seen; spin++) {
        LW_PAUSE();
        if ((spin & 63) == 63 && std::chrono::steady_clock::now() > until) break;
      }
      if ((state_.load(std::memory_order_acquire) >> 32) == seen) {
        std::unique_lock<std::mutex> lk(mutex_);
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        cv_.wait(lk, [&] { return (state_.load(std::memory_order_acquire) >> 32) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
      }
      seen = state_.load(std::memory_order_acquire) >> 32;
      work(seen);
    }
  }

  const int nthreads_;
  std::mutex jobMutex_;
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> state_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<int> done_{0};
  const std::function<void(int)>* fn_ = nullptr;
};

}  // namespace lw
