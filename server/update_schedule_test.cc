#include "server/update_schedule.h"

#include <gtest/gtest.h>

namespace polo::server {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1000);

TEST(UpdateScheduleTest, SynchronousActingStopsAtZAndResumesWhenTheUpdateIsPublished) {
  UpdateSchedule s(/*update_every=*/4, /*min_replay_size=*/0, /*synchronous=*/true);
  EXPECT_EQ(s.Admit(10), 4u);  // Up to the next update only.
  s.Accepted(3, 3);
  EXPECT_FALSE(s.Due(3, kNow));
  EXPECT_EQ(s.Admit(10), 1u);
  s.Accepted(1, 4);
  EXPECT_TRUE(s.paused());
  EXPECT_TRUE(s.Due(4, kNow));
  EXPECT_EQ(s.Admit(10), 0u);
  s.Begin();
  EXPECT_FALSE(s.Due(4, kNow));  // Running.
  EXPECT_TRUE(s.pending(4));
  EXPECT_EQ(s.Admit(10), 0u);  // Still paused until published.
  s.End(/*ok=*/true, kNow);
  EXPECT_FALSE(s.paused());
  EXPECT_FALSE(s.pending(4));
  EXPECT_EQ(s.Admit(10), 4u);
}

TEST(UpdateScheduleTest, AsynchronousActingNeverWaitsAndStepsDuringAnUpdateCountForTheNext) {
  UpdateSchedule s(4, 0, /*synchronous=*/false);
  s.Accepted(6, 6);
  EXPECT_FALSE(s.paused());
  EXPECT_TRUE(s.Due(6, kNow));
  s.Begin();
  EXPECT_EQ(s.Admit(10), 10u);
  s.Accepted(5, 11);  // Arrived during the update.
  s.End(true, kNow);
  EXPECT_TRUE(s.Due(11, kNow));
}

TEST(UpdateScheduleTest, BelowMinReplaySizeThePhaseRestarts) {
  UpdateSchedule s(4, /*min_replay_size=*/10, true);
  s.Accepted(4, 4);
  EXPECT_FALSE(s.paused());
  EXPECT_EQ(s.steps_since_update(), 0u);
  EXPECT_FALSE(s.Due(4, kNow));
}

TEST(UpdateScheduleTest, AFailedUpdateStaysDueKeepsActingPausedAndBacksOff) {
  UpdateSchedule s(4, 0, true);
  s.Accepted(4, 4);
  absl::Time now = kNow;
  absl::Duration expected = absl::Seconds(1);
  for (int failure = 1; failure <= 9; ++failure) {
    ASSERT_TRUE(s.Due(4, now)) << failure;
    s.Begin();
    s.End(/*ok=*/false, now);
    EXPECT_EQ(s.consecutive_failures(), failure);
    EXPECT_TRUE(s.paused());          // Acting does not run ahead.
    EXPECT_EQ(s.Admit(10), 0u);
    EXPECT_TRUE(s.pending(4));
    EXPECT_FALSE(s.Due(4, now));      // Not retried at once (no hot loop).
    EXPECT_EQ(s.retry_at(), now + expected) << failure;
    now = s.retry_at();
    expected = std::min(absl::Seconds(60), 2 * expected);
  }
  s.Begin();
  s.End(true, now);
  EXPECT_EQ(s.consecutive_failures(), 0);
  EXPECT_FALSE(s.paused());
  EXPECT_EQ(s.retry_at(), absl::InfinitePast());
}

TEST(UpdateScheduleTest, AnUpdateAbandonedOnStopStaysDueWithoutCountingAFailure) {
  UpdateSchedule s(4, 0, true);
  s.Accepted(4, 4);
  ASSERT_TRUE(s.Due(4, kNow));
  s.Begin();
  s.Abandon();
  EXPECT_EQ(s.consecutive_failures(), 0);  // The progress line shows no failure.
  EXPECT_TRUE(s.Due(4, kNow));             // Still due, at once.
  EXPECT_TRUE(s.paused());
  EXPECT_EQ(s.steps_since_update(), 4u);   // What a checkpoint now records.
}

TEST(UpdateScheduleTest, ACheckpointTakenWithAnUpdateDueResumesPaused) {
  UpdateSchedule s(4, 0, true);
  s.Restore(/*steps_since_update=*/4, /*replay_size=*/4);
  EXPECT_TRUE(s.paused());
  EXPECT_TRUE(s.Due(4, kNow));
  UpdateSchedule async(4, 0, false);
  async.Restore(4, 4);
  EXPECT_FALSE(async.paused());
}

}  // namespace
}  // namespace polo::server
