// A fixed pool of worker threads for data-parallel loops (MPPI rollouts).
//
// The calling thread takes part as worker 0, so ThreadPool(1) runs everything
// inline and ThreadPool(2) adds one thread. Threads are owned by the pool and
// joined by its destructor.
//
// Thread-safety: ParallelFor may be called from one thread at a time (it is
// the planner's inner loop, not a task queue). It does not allocate.
#ifndef POLO_PLANNER_THREAD_POOL_H_
#define POLO_PLANNER_THREAD_POOL_H_

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace polo::planner {

// The machine's hardware threads (std::thread::hardware_concurrency), at
// least 1: the default rollout thread count of every binary.
int HardwareThreads();

class ThreadPool {
 public:
  // num_threads >= 1 workers in all, including the caller of ParallelFor.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(index, worker) once for every index in [0, n) and blocks until
  // all calls returned. `worker` is in [0, num_threads()) and no two calls
  // with the same worker run at once, so it can index per-thread scratch.
  // Which worker runs which index is unspecified: results must depend only
  // on the index for runs to be reproducible.
  void ParallelFor(int n, absl::FunctionRef<void(int index, int worker)> fn)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void WorkerLoop(int worker) ABSL_LOCKS_EXCLUDED(mu_);
  // Claims and runs indices of the current job until none are left.
  void Drain(int worker);

  const int num_threads_;
  std::vector<std::thread> threads_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Incremented per ParallelFor call; workers wait for a new generation.
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  // Helper threads still working on the current generation.
  int busy_ ABSL_GUARDED_BY(mu_) = 0;

  // The current job; written before generation_ is bumped under mu_, read by
  // workers after they observe the new generation under mu_.
  const absl::FunctionRef<void(int, int)>* job_ = nullptr;
  int job_size_ = 0;
  std::atomic<int> next_index_{0};
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_THREAD_POOL_H_
