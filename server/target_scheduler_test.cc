#include "server/target_scheduler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace polo::server {
namespace {

class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TargetJobInput Job(int states, uint64_t version = 3) {
  TargetJobInput job;
  job.weights_version = version;
  for (int i = 0; i < states; ++i) {
    job.state_ids.push_back(i);
    job.physics_states.push_back(i);
    job.features.push_back(10 + i);
  }
  return job;
}

class TargetSchedulerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TargetScheduler scheduler_{absl::Seconds(10), /*ensemble_size=*/2, /*first_job_id=*/100,
                             [this] { return clock_.Now(); }};
  const absl::Time no_wait_ = absl::InfinitePast();
};

TEST_F(TargetSchedulerTest, LeasesJobsInOrderAndAcceptsTheHoldersResult) {
  const uint64_t a = scheduler_.Add(Job(2));
  const uint64_t b = scheduler_.Add(Job(1));
  auto first = scheduler_.Lease("w1", no_wait_);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->job_id, a);
  EXPECT_EQ(first->weights_version, 3u);
  EXPECT_EQ(first->physics_states.size(), 2u);
  auto second = scheduler_.Lease("w2", no_wait_);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->job_id, b);
  EXPECT_FALSE(scheduler_.Lease("w3", no_wait_).has_value());

  absl::StatusOr<bool> accepted = scheduler_.Complete("w1", a, 3, {1, 2, 3, 4});
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_TRUE(*accepted);
  absl::StatusOr<CompletedJob> done = scheduler_.TakeCompleted(a);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->targets, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(done->features, (std::vector<double>{10, 11}));
  EXPECT_EQ(scheduler_.counters().targets_accepted, 2u);
}

TEST_F(TargetSchedulerTest, ExpiredLeaseIsReassignedAndTheLateResultDropped) {
  const uint64_t id = scheduler_.Add(Job(1));
  ASSERT_TRUE(scheduler_.Lease("slow", no_wait_).has_value());
  clock_.Advance(absl::Seconds(11));
  auto again = scheduler_.Lease("fast", no_wait_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->job_id, id);

  absl::StatusOr<bool> late = scheduler_.Complete("slow", id, 3, {1, 2});
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  absl::StatusOr<bool> fresh = scheduler_.Complete("fast", id, 3, {5, 6});
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(*fresh);
  // A repeat of an accepted result is dropped, not counted twice.
  absl::StatusOr<bool> repeat = scheduler_.Complete("fast", id, 3, {5, 6});
  ASSERT_TRUE(repeat.ok());
  EXPECT_FALSE(*repeat);
  const SchedulerCounters c = scheduler_.counters();
  EXPECT_EQ(c.reassigned, 1u);
  EXPECT_EQ(c.late_dropped, 2u);
  EXPECT_EQ(c.completed, 1u);
  EXPECT_EQ(c.targets_accepted, 1u);
}

TEST_F(TargetSchedulerTest, AnExpiredJobsLeaseDoublesSoASlowWorkerCanFinishIt) {
  const uint64_t id = scheduler_.Add(Job(1));
  ASSERT_EQ(scheduler_.Lease("slow", no_wait_)->lease, absl::Seconds(10));
  clock_.Advance(absl::Seconds(10));
  ASSERT_EQ(scheduler_.Lease("slow", no_wait_)->lease, absl::Seconds(20));
  clock_.Advance(absl::Seconds(15));  // Within the doubled lease.
  absl::StatusOr<bool> accepted = scheduler_.Complete("slow", id, 3, {1, 2});
  ASSERT_TRUE(accepted.ok());
  EXPECT_TRUE(*accepted);
}

TEST_F(TargetSchedulerTest, ReleasedWorkersJobsGoBackToTheQueue) {
  const uint64_t id = scheduler_.Add(Job(1));
  ASSERT_TRUE(scheduler_.Lease("gone", no_wait_).has_value());
  EXPECT_EQ(scheduler_.LeasedBy("gone"), 1);
  EXPECT_EQ(scheduler_.ReleaseWorker("gone"), 1);
  auto again = scheduler_.Lease("other", no_wait_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->job_id, id);
}

TEST_F(TargetSchedulerTest, BadResultsAreRejectedAndTheLeaseStands) {
  const uint64_t id = scheduler_.Add(Job(1));
  ASSERT_TRUE(scheduler_.Lease("w", no_wait_).has_value());
  EXPECT_EQ(scheduler_.Complete("w", id, 4, {1, 2}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::Status wrong_size = scheduler_.Complete("w", id, 3, {1}).status();
  EXPECT_EQ(wrong_size.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_size.message().substr(0, 8), "targets:");
  absl::Status nan = scheduler_.Complete("w", id, 3, {1, std::nan("")}).status();
  EXPECT_EQ(nan.message().substr(0, 11), "targets[1]:");
  EXPECT_EQ(scheduler_.Complete("w", 99999, 3, {1, 2}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Still leased to w, which can complete it properly.
  absl::StatusOr<bool> ok = scheduler_.Complete("w", id, 3, {1, 2});
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
}

TEST_F(TargetSchedulerTest, JobsOfAnEarlierInstanceAreDropped) {
  scheduler_.Add(Job(1));
  absl::StatusOr<bool> old = scheduler_.Complete("w", 50, 3, {1, 2});
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(*old);
}

}  // namespace
}  // namespace polo::server
