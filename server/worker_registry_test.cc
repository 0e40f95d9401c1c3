#include "server/worker_registry.h"

#include "gtest/gtest.h"

namespace polo::server {
namespace {

constexpr size_t kMax = WorkerRegistry::kMaxWorkers;

TEST(WorkerRegistryTest, RegisteringInALoopForgetsIdleRecordsThatHoldNothing) {
  WorkerRegistry registry;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (size_t i = 0; i < kMax; ++i) {
    ASSERT_TRUE(registry.Register(polo::TARGET_WORKER, "", "", "", 1, t0).ok());
  }
  // All connected: nothing may be forgotten yet.
  absl::StatusOr<WorkerRegistry::Registration> full = registry.Register(polo::ACTOR, "", "", "", 1, t0);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.status().message().rfind("workers: 4096 registered, at most 4096", 0), 0u);
  // Later, the idle target workers are forgotten to make room.
  const absl::Time later = t0 + 2 * WorkerRegistry::kConnectedWindow;
  ASSERT_TRUE(registry.Register(polo::ACTOR, "", "", "", 1, later).ok());
  EXPECT_EQ(registry.List().size(), 1u);
}

TEST(WorkerRegistryTest, ActorsWithAcceptedStatesAreNeverForgotten) {
  WorkerRegistry registry;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (size_t i = 0; i < kMax; ++i) {
    absl::StatusOr<WorkerRegistry::Registration> r = registry.Register(polo::ACTOR, "", "", "", 1, t0);
    ASSERT_TRUE(r.ok());
    r->worker->next_sequence = 1;  // It has a state in the buffer: exactly-once needs its number.
  }
  const absl::Time later = t0 + 2 * WorkerRegistry::kConnectedWindow;
  EXPECT_EQ(registry.Register(polo::TARGET_WORKER, "", "", "", 1, later).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(registry.List().size(), kMax);
}

}  // namespace
}  // namespace polo::server
