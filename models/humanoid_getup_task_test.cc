#include "models/humanoid_getup_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <utility>

#include "models/humanoid_task.h"
#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class HumanoidGetupTaskTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> MakeGetup(bool sparse) {
  absl::StatusOr<std::unique_ptr<Task>> task = HumanoidGetupTask::Create(sparse);
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

// The humanoid lying on its back in the air with the torso at height
// `root_z` (no body below 0.4 m, so nothing touches the floor for z >= 0.6),
// zero control, then mj_forward.
void PlaceRoot(const mjModel* m, double root_z, mjData* d) {
  mj_resetData(m, d);
  d->qpos[2] = root_z;
  d->qpos[3] = std::sqrt(0.5);
  d->qpos[5] = -std::sqrt(0.5);
  mj_forward(m, d);
}

// 1 - (1.1 - z) in double arithmetic differs from z - 0.1 in the last bits.
constexpr double kTolerance = 1e-12;

TEST_F(HumanoidGetupTaskTest, DenseRewardIsOneMinusHeightDeficit) {
  std::unique_ptr<Task> task = MakeGetup(false);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->name(), "humanoid_getup");
  EXPECT_TRUE(task->has_reward());
  EXPECT_EQ(task->episode_length(), 600);
  EXPECT_EQ(task->num_features(), 34);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.6, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 0.5, kTolerance);
  PlaceRoot(m, 1.1, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 1.0, kTolerance);
  PlaceRoot(m, 1.3, d.get());
  EXPECT_EQ(task->Reward(m, d.get()), 1.0);
}

TEST_F(HumanoidGetupTaskTest, RewardAfterStepUsesTheRootHeightBeforeTheStep) {
  std::unique_ptr<Task> task = MakeGetup(false);
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.6, d.get());
  d->qvel[2] = -1.0;  // falling: s_{t+1} is 8 mm lower
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
  ASSERT_LT(d->qpos[2], 0.6 - 0.007);
  // Zero control: zero control cost.
  EXPECT_NEAR(task->Reward(m, d.get()), 0.5, kTolerance);
}

TEST_F(HumanoidGetupTaskTest, RewardSubtractsTheControlCost) {
  std::unique_ptr<Task> task = MakeGetup(false);
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.6, d.get());
  for (int i = 0; i < m->nu; ++i) d->ctrl[i] = (i % 2) ? 0.5 : -0.5;
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
  const double cost = static_cast<const HumanoidTask&>(*task).ControlCost(m, d.get());
  EXPECT_GT(cost, 0.01);
  EXPECT_NEAR(task->Reward(m, d.get()), 0.5 - cost, kTolerance);
}

TEST_F(HumanoidGetupTaskTest, SparseRewardIsOneOnlyAboveTargetHeight) {
  std::unique_ptr<Task> task = MakeGetup(true);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->name(), "humanoid_getup_sparse");
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  PlaceRoot(m, 0.6, d.get());
  EXPECT_EQ(task->Reward(m, d.get()), 0.0);
  PlaceRoot(m, 1.1, d.get());  // the boundary belongs to the lower branch
  EXPECT_EQ(task->Reward(m, d.get()), 0.0);
  PlaceRoot(m, 1.2, d.get());
  EXPECT_EQ(task->Reward(m, d.get()), 1.0);
}

TEST_F(HumanoidGetupTaskTest, ResetLiesOnItsBackAtRestAndIsDeterministicPerSeed) {
  std::unique_ptr<Task> task = MakeGetup(false);
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData a(mj_makeData(m)), b(mj_makeData(m)), c(mj_makeData(m));
  task->Reset(m, a.get(), 21);
  b->qpos[2] = 3.0;  // unrelated prior contents
  task->Reset(m, b.get(), 21);
  task->Reset(m, c.get(), 22);
  EXPECT_EQ(std::memcmp(a->qpos, b->qpos, sizeof(mjtNum) * m->nq), 0);
  EXPECT_EQ(std::memcmp(a->qvel, b->qvel, sizeof(mjtNum) * m->nv), 0);
  EXPECT_NE(std::memcmp(a->qpos, c->qpos, sizeof(mjtNum) * m->nq), 0);
  for (const mjData* d : {a.get(), c.get()}) {
    EXPECT_EQ(d->time, 0.0);
    EXPECT_TRUE(HasNoMujocoWarnings(d));
    const int torso = mj_name2id(m, mjOBJ_BODY, "torso");
    EXPECT_LT(d->xpos[3 * torso + 2], 0.15);   // on the floor
    EXPECT_GT(d->xmat[9 * torso + 6], 0.9);    // chest (body x-axis) faces up
    EXPECT_LT(mju_norm(d->qvel, m->nv), 1.0);  // settled: slow creep only
  }
}

}  // namespace
}  // namespace polo::models
