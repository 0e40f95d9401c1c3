#include "util/stop_flag.h"

#include <gtest/gtest.h>

namespace polo::util {
namespace {

TEST(StopFlagTest, SleepEndsEarlyOnceSet) {
  StopFlag stop;
  EXPECT_FALSE(stop.is_set());
  EXPECT_FALSE(stop.SleepFor(absl::Milliseconds(1)));
  stop.Set();
  EXPECT_TRUE(stop.SleepFor(absl::Hours(1)));  // Returns at once.
}

}  // namespace
}  // namespace polo::util
