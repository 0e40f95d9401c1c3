#include "util/paths.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace polo::util {
namespace {

TEST(ResolveUserPathTest, RelativePathsFollowTheDirectoryBazelRunWasTypedIn) {
  ASSERT_EQ(setenv("BUILD_WORKING_DIRECTORY", "/home/user/project", 1), 0);
  EXPECT_EQ(ResolveUserPath("runs/maze"), "/home/user/project/runs/maze");
  EXPECT_EQ(ResolveUserPath("/tmp/run"), "/tmp/run");  // Absolute: as given.
  EXPECT_EQ(ResolveUserPath(""), "");                  // Empty: the flag's default applies.
}

TEST(ResolveUserPathTest, WithoutBazelRunPathsAreLeftToTheCurrentDirectory) {
  ASSERT_EQ(unsetenv("BUILD_WORKING_DIRECTORY"), 0);
  EXPECT_EQ(ResolveUserPath("runs/maze"), "runs/maze");
  ASSERT_EQ(setenv("BUILD_WORKING_DIRECTORY", "", 1), 0);
  EXPECT_EQ(ResolveUserPath("runs/maze"), "runs/maze");
}

}  // namespace
}  // namespace polo::util
