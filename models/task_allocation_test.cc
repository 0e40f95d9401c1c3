// Reward, Features and Metrics run inside the rollout loop, so they must not
// allocate: this test counts every C++ operator new and every MuJoCo
// allocation (mju_user_malloc) while they run, for every registered task.
#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "models/registry.h"
#include "models/task.h"

namespace {

std::atomic<int64_t> g_allocations{0};

}  // namespace

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace polo::models {
namespace {

void* CountingMujocoMalloc(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  // MuJoCo frees with mju_user_free when set, else with its aligned free;
  // both are installed together here.
  return std::malloc(size);
}

TEST(TaskAllocationTest, RewardFeaturesAndMetricsDoNotAllocate) {
  for (const std::string& name : TaskNames()) {
    const int64_t before_make = g_allocations.load();
    absl::StatusOr<std::unique_ptr<Task>> made = MakeTask(name);
    ASSERT_TRUE(made.ok()) << made.status();
    ASSERT_GT(g_allocations.load() - before_make, 0) << "the counter is not wired in";
    const Task& task = **made;
    const mjModel* m = task.model();
    UniqueMjData d(mj_makeData(m));
    task.Reset(m, d.get(), 3);
    for (int i = 0; i < m->nu; ++i) d->ctrl[i] = 0.5;
    mj_step(m, d.get());
    std::vector<double> features(task.num_features()), metrics(task.metric_names().size());
    const int pstack = d->pstack;

    void* (*previous_malloc)(size_t) = mju_user_malloc;
    void (*previous_free)(void*) = mju_user_free;
    mju_user_malloc = &CountingMujocoMalloc;
    mju_user_free = &std::free;
    const int64_t before = g_allocations.load();
    double sum = task.Reward(m, d.get());
    task.Features(m, d.get(), features.data());
    task.Metrics(m, d.get(), metrics.data());
    double xy[2];
    task.PlanarPosition(m, d.get(), xy);
    sum += task.metric_names().size() + (task.coverage_grid() != nullptr);
    const int64_t allocations = g_allocations.load() - before;
    mju_user_malloc = previous_malloc;
    mju_user_free = previous_free;

    EXPECT_EQ(allocations, 0) << name;
    EXPECT_EQ(d->pstack, pstack) << name;
    EXPECT_TRUE(std::isfinite(sum)) << name;
  }
}

}  // namespace
}  // namespace polo::models
