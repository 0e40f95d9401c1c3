#include "models/humanoid_walk_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <utility>

#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class HumanoidWalkTaskTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> MakeWalk() {
  absl::StatusOr<std::unique_ptr<Task>> task = HumanoidWalkTask::Create();
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

// Standing pose with the torso at (x, 0, z), root velocity (vx, 0, 0) and
// angular velocity w (which must not change Vel_x), zero control.
void PlaceRoot(const mjModel* m, double x, double z, double vx, double w, mjData* d) {
  mj_resetData(m, d);
  d->qpos[0] = x;
  d->qpos[2] = z;
  d->qvel[0] = vx;
  d->qvel[3] = w;
  d->qvel[5] = -w;
  mj_forward(m, d);
}

TEST_F(HumanoidWalkTaskTest, BelowTargetHeightRewardIsMinusTheDeficit) {
  std::unique_ptr<Task> task = MakeWalk();
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->name(), "humanoid_walk");
  EXPECT_EQ(task->episode_length(), 600);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.4, 0.9, 1.0, 0.0, d.get());  // speed and x do not matter here
  EXPECT_NEAR(task->Reward(m, d.get()), -0.2, 1e-12);
  PlaceRoot(m, 0.0, 1.1, 1.0, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 0.0, 1e-12);
}

TEST_F(HumanoidWalkTaskTest, AboveTargetHeightRewardPenalisesSpeedErrorAndOffset) {
  std::unique_ptr<Task> task = MakeWalk();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.0, 1.2, 1.0, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 1.0, 1e-12);
  // 1 - |1 - 0.6| - |0.3| = 0.3, with a spin that leaves the root's velocity alone.
  PlaceRoot(m, 0.3, 1.2, 0.6, 0.8, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 0.3, 1e-12);
  // 1 - |1 - 1.5| - |-0.2| = 0.3
  PlaceRoot(m, -0.2, 1.2, 1.5, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 0.3, 1e-12);
}

TEST_F(HumanoidWalkTaskTest, RewardAfterStepUsesPositionAndVelocityBeforeTheStep) {
  std::unique_ptr<Task> task = MakeWalk();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.3, 1.6, 0.6, 0.0, d.get());  // in the air: no contact alters the step
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
  ASSERT_GT(d->qpos[0], 0.3 + 0.004);
  EXPECT_NEAR(task->Reward(m, d.get()), 0.3, 1e-12);
}

TEST_F(HumanoidWalkTaskTest, ResetStandsUprightAndIsDeterministicPerSeed) {
  std::unique_ptr<Task> task = MakeWalk();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData a(mj_makeData(m)), b(mj_makeData(m)), c(mj_makeData(m));
  task->Reset(m, a.get(), 8);
  ASSERT_TRUE(StepWithoutWarnings(m, b.get(), 10));
  task->Reset(m, b.get(), 8);
  task->Reset(m, c.get(), 9);
  EXPECT_EQ(std::memcmp(a->qpos, b->qpos, sizeof(mjtNum) * m->nq), 0);
  EXPECT_EQ(std::memcmp(a->qvel, b->qvel, sizeof(mjtNum) * m->nv), 0);
  EXPECT_NE(std::memcmp(a->qpos, c->qpos, sizeof(mjtNum) * m->nq), 0);
  for (const mjData* d : {a.get(), c.get()}) {
    EXPECT_EQ(d->qpos[2], 1.285);
    EXPECT_EQ(d->qpos[3], 1.0);  // upright
    EXPECT_EQ(d->time, 0.0);
    for (int i = 7; i < m->nq; ++i) EXPECT_LE(std::abs(d->qpos[i] - m->qpos0[i]), 0.01) << i;
    EXPECT_TRUE(HasNoMujocoWarnings(d));
  }
}

}  // namespace
}  // namespace polo::models
