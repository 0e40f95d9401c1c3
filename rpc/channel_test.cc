#include "rpc/channel.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace polo::rpc {
namespace {

TEST(BackoffTest, DoublesFromATenthOfASecondToFiveWithTwentyPercentJitter) {
  Backoff backoff(1);
  double base = 0.1;
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double s = absl::ToDoubleSeconds(backoff.Next());
    EXPECT_GE(s, 0.8 * base) << attempt;
    EXPECT_LT(s, 1.2 * base) << attempt;
    base = std::min(5.0, 2 * base);
  }
  backoff.Reset();
  EXPECT_LT(absl::ToDoubleSeconds(backoff.Next()), 0.12);
}

TEST(BackoffTest, InstancesJitterDifferentlyUnlessSeededAlike) {
  // Default instances draw their seed: workers restarted together spread out.
  Backoff a, b;
  EXPECT_NE(a.Next(), b.Next());
  Backoff c(42), d(42);
  EXPECT_EQ(c.Next(), d.Next());
}

}  // namespace
}  // namespace polo::rpc
