#include "cluster/local_workers.h"

#include <gtest/gtest.h>

namespace polo::cluster {
namespace {

// K in-process actors share the machine's cores: each gets cores / K
// rollout threads, never fewer than one.
TEST(SplitActorThreadsTest, SplitsTheCoresOverTheActors) {
  EXPECT_EQ(SplitActorThreads(1, 16), 16);
  EXPECT_EQ(SplitActorThreads(4, 16), 4);
  EXPECT_EQ(SplitActorThreads(3, 16), 5);
  EXPECT_EQ(SplitActorThreads(8, 2), 1);
  EXPECT_EQ(SplitActorThreads(0, 2), 2);  // Remote actors only: unused, still valid.
}

TEST(LocalWorkersTest, ValidateNamesTheField) {
  LocalWorkersOptions o;
  o.actor_threads = 0;
  EXPECT_EQ(LocalWorkers::Validate(o).message(), "actor_threads: got 0, expected >= 1");
  o.actor_threads = 1;
  o.actors = -1;
  EXPECT_EQ(LocalWorkers::Validate(o).message(), "actors: got -1, expected >= 0");
}

}  // namespace
}  // namespace polo::cluster
