#include "server/weights_broadcaster.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace polo::server {
namespace {

SharedWeights Version(uint64_t v) {
  auto w = std::make_shared<polo::EnsembleWeights>();
  w->set_version(v);
  return w;
}

TEST(WeightsBroadcasterTest, WaitersGetTheNewestVersionAndSkipIntermediateOnes) {
  WeightsBroadcaster b;
  ASSERT_TRUE(b.Publish(Version(0)).ok());
  const absl::Time soon = absl::Now() + absl::Milliseconds(50);
  EXPECT_EQ(b.WaitNewer(false, 0, soon)->version(), 0u);
  EXPECT_EQ(b.WaitNewer(true, 0, soon), nullptr);  // Nothing newer: timeout.
  ASSERT_TRUE(b.Publish(Version(1)).ok());
  ASSERT_TRUE(b.Publish(Version(2)).ok());
  // A slow subscriber holding 0 gets 2 directly.
  EXPECT_EQ(b.WaitNewer(true, 0, soon)->version(), 2u);
}

TEST(WeightsBroadcasterTest, PublishWakesABlockedSubscriber) {
  WeightsBroadcaster b;
  ASSERT_TRUE(b.Publish(Version(4)).ok());
  SharedWeights got;
  std::thread subscriber(
      [&] { got = b.WaitNewer(true, 4, absl::Now() + absl::Seconds(10)); });
  absl::SleepFor(absl::Milliseconds(20));
  ASSERT_TRUE(b.Publish(Version(5)).ok());
  subscriber.join();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->version(), 5u);
}

TEST(WeightsBroadcasterTest, VersionsOnlyGrowAndTheLastSixteenAreKept) {
  WeightsBroadcaster b;
  for (uint64_t v = 1; v <= 20; ++v) ASSERT_TRUE(b.Publish(Version(v)).ok());
  EXPECT_EQ(b.Publish(Version(20)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(b.Get(4).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(b.Get(5).ok());
  EXPECT_EQ((*b.Get(5))->version(), 5u);
  EXPECT_EQ(b.Latest()->version(), 20u);
}

TEST(WeightsBroadcasterTest, CloseReleasesWaiters) {
  WeightsBroadcaster b;
  std::thread waiter([&] { EXPECT_EQ(b.WaitNewer(false, 0, absl::InfiniteFuture()), nullptr); });
  absl::SleepFor(absl::Milliseconds(20));
  b.Close();
  waiter.join();
}

}  // namespace
}  // namespace polo::server
