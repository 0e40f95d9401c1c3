#include "planner/noise.h"

#include <gtest/gtest.h>

#include <cmath>

namespace polo::planner {
namespace {

TEST(GaussianStreamTest, SameKeyGivesSameSequence) {
  GaussianStream a(NoiseKey{7, 3, 1, 42});
  GaussianStream b(NoiseKey{7, 3, 1, 42});
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.Next(), b.Next());
}

TEST(GaussianStreamTest, NeighbouringKeysGiveDifferentSequences) {
  GaussianStream a(NoiseKey{7, 3, 1, 42});
  GaussianStream b(NoiseKey{7, 3, 1, 43});
  GaussianStream c(NoiseKey{7, 4, 1, 42});
  int equal_ab = 0, equal_ac = 0;
  for (int i = 0; i < 100; ++i) {
    const double x = a.Next();
    equal_ab += x == b.Next();
    equal_ac += x == c.Next();
  }
  EXPECT_EQ(equal_ab, 0);
  EXPECT_EQ(equal_ac, 0);
}

TEST(GaussianStreamTest, MomentsAreStandardNormal) {
  // 200k samples pooled over 1000 streams: the standard error of the mean is
  // 0.0022 and of the variance 0.0032, so 5 sigma bounds are 0.011 and 0.016.
  double sum = 0, sum_squares = 0, sum_fourth = 0;
  const int streams = 1000, per_stream = 200;
  for (int s = 0; s < streams; ++s) {
    GaussianStream g(NoiseKey{1, 0, 0, static_cast<uint64_t>(s)});
    for (int i = 0; i < per_stream; ++i) {
      const double x = g.Next();
      sum += x;
      sum_squares += x * x;
      sum_fourth += x * x * x * x;
    }
  }
  const double n = streams * per_stream;
  EXPECT_NEAR(sum / n, 0.0, 0.011);
  EXPECT_NEAR(sum_squares / n, 1.0, 0.016);
  EXPECT_NEAR(sum_fourth / n, 3.0, 0.1);  // Kurtosis of a normal.
}

}  // namespace
}  // namespace polo::planner
