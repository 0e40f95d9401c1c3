#include "models/mujoco_test_util.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <string>

#include "models/model_loader.h"
#include "models/task.h"

namespace polo::models::testing {
namespace {

constexpr char kBall[] = R"(
<mujoco>
  <worldbody>
    <body><freejoint/><geom type="sphere" size="0.1"/></body>
  </worldbody>
</mujoco>)";

class MujocoWarningTestTest : public MujocoWarningTest {};

TEST(MujocoTestUtilTest, HasNoMujocoWarningsNamesEachWarningRaised) {
  absl::StatusOr<UniqueMjModel> m = LoadModelFromXml(kBall);
  ASSERT_TRUE(m.ok()) << m.status();
  UniqueMjData d(mj_makeData(m->get()));
  EXPECT_TRUE(HasNoMujocoWarnings(d.get()));
  // A NaN velocity makes mj_step warn (mjWARN_BADQVEL) and reset the data.
  // MuJoCo's default handler would print it and write MUJOCO_LOG.TXT: mute it.
  void (*previous)(const char*) = mju_user_warning;
  mju_user_warning = [](const char*) {};
  d->qvel[0] = std::nan("");
  const ::testing::AssertionResult stepped = StepWithoutWarnings(m->get(), d.get(), 3);
  mju_user_warning = previous;
  ASSERT_FALSE(stepped);
  EXPECT_NE(std::string(stepped.message()).find("mjWARN_BADQVEL x1"), std::string::npos)
      << stepped.message();
  EXPECT_NE(std::string(stepped.message()).find("at step 0 of 3"), std::string::npos)
      << stepped.message();
}

TEST_F(MujocoWarningTestTest, TurnsMujocoWarningCallbacksIntoFailures) {
  EXPECT_NONFATAL_FAILURE(mju_warning("something odd"), "MuJoCo warning: something odd");
}

}  // namespace
}  // namespace polo::models::testing
