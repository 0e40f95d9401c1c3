#include "planner/thread_pool.h"

#include <algorithm>

#include "absl/base/internal/raw_logging.h"

namespace polo::planner {

int HardwareThreads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

ThreadPool::ThreadPool(int num_threads) : num_threads_(num_threads) {
  ABSL_RAW_CHECK(num_threads >= 1, "ThreadPool needs at least one thread");
  threads_.reserve(num_threads - 1);
  for (int worker = 1; worker < num_threads; ++worker) {
    threads_.emplace_back([this, worker] { WorkerLoop(worker); });
  }
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::Drain(int worker) {
  for (int i = next_index_.fetch_add(1); i < job_size_; i = next_index_.fetch_add(1)) {
    (*job_)(i, worker);
  }
}

void ThreadPool::ParallelFor(int n, absl::FunctionRef<void(int, int)> fn) {
  if (n <= 0) return;
  if (threads_.empty()) {
    for (int i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    job_ = &fn;
    job_size_ = n;
    next_index_.store(0);
    busy_ = static_cast<int>(threads_.size());
    ++generation_;
  }
  Drain(0);
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* busy) { return *busy == 0; }, &busy_));
  job_ = nullptr;
}

void ThreadPool::WorkerLoop(int worker) {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this, &seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || generation_ != seen;
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      seen = generation_;
    }
    Drain(worker);
    absl::MutexLock lock(&mu_);
    --busy_;
  }
}

}  // namespace polo::planner
