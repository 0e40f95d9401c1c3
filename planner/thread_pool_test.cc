#include "planner/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace polo::planner {
namespace {

TEST(ThreadPoolTest, RunsEveryIndexExactlyOnceOnValidWorkers) {
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    for (int round = 0; round < 50; ++round) {  // Reuse across generations.
      std::vector<std::atomic<int>> hits(257);
      std::atomic<int> bad_worker{0};
      pool.ParallelFor(257, [&](int i, int worker) {
        hits[i].fetch_add(1);
        if (worker < 0 || worker >= threads) bad_worker.fetch_add(1);
      });
      for (int i = 0; i < 257; ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i;
      ASSERT_EQ(bad_worker.load(), 0);
    }
  }
}

TEST(ThreadPoolTest, NoTwoConcurrentCallsShareAWorker) {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> in_use(2);
  std::atomic<int> overlaps{0};
  pool.ParallelFor(2000, [&](int, int worker) {
    if (in_use[worker].fetch_add(1) != 0) overlaps.fetch_add(1);
    in_use[worker].fetch_sub(1);
  });
  EXPECT_EQ(overlaps.load(), 0);
}

TEST(ThreadPoolTest, EmptyRangeReturnsAtOnce) {
  ThreadPool pool(2);
  int calls = 0;
  pool.ParallelFor(0, [&](int, int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace polo::planner
