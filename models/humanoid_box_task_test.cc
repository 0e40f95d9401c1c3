#include "models/humanoid_box_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class HumanoidBoxTaskTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> MakeBoxTask() {
  absl::StatusOr<std::unique_ptr<Task>> task = HumanoidBoxTask::Create();
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

int BoxQposAdr(const mjModel* m) { return m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, "box")]; }

// Standing pose with the torso at (x, y, z) and the cube's centre at
// (box_x, box_y), zero control, then mj_forward.
void Place(const mjModel* m, double x, double y, double z, double box_x, double box_y, mjData* d) {
  mj_resetData(m, d);
  d->qpos[0] = x;
  d->qpos[1] = y;
  d->qpos[2] = z;
  d->qpos[BoxQposAdr(m)] = box_x;
  d->qpos[BoxQposAdr(m) + 1] = box_y;
  mj_forward(m, d);
}

TEST_F(HumanoidBoxTaskTest, DeclaresThirtyNineFeaturesAndThreeMetrics) {
  std::unique_ptr<Task> task = MakeBoxTask();
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->name(), "humanoid_box");
  EXPECT_EQ(task->num_features(), 39);
  EXPECT_EQ(task->episode_length(), 600);
  EXPECT_EQ(task->metric_names(),
            (std::vector<std::string>{"root_height", "forward_speed", "box_to_target"}));
}

TEST_F(HumanoidBoxTaskTest, RewardBranchesFollowAppendixA3) {
  std::unique_ptr<Task> task = MakeBoxTask();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  // Fallen: -(1.1 - z), wherever the cube is.
  Place(m, 0.0, 0.0, 1.0, 1.5, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), -0.1, 1e-12);
  // Standing, cube out of reach (1.5 m > 0.8 m): 2 - 1.5.
  Place(m, 0.0, 0.0, 1.2, 1.5, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 0.5, 1e-12);
  // Standing beside the cube (0.728 m <= 0.8 m): 4 - 2 |(2.3, 0.2) - (2.5, 0)|.
  Place(m, 2.5, 0.9, 1.2, 2.3, 0.2, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 4.0 - 2.0 * std::hypot(0.2, 0.2), 1e-12);
  // Cube on the target, humanoid in reach: the maximum, 4.
  Place(m, 2.5, 0.75, 1.2, 2.5, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), 4.0, 1e-12);
}

TEST_F(HumanoidBoxTaskTest, FeaturesAppendCubeFromRootAndTargetFromCube) {
  std::unique_ptr<Task> task = MakeBoxTask();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  Place(m, 0.5, -0.25, 1.2, 2.0, 0.5, d.get());
  std::vector<double> f(40, -1234.5);
  task->Features(m, d.get(), f.data());
  EXPECT_EQ(f[39], -1234.5) << "Features wrote past num_features()";
  EXPECT_NEAR(f[34], 2.0 - 0.5, 1e-12);
  EXPECT_NEAR(f[35], 0.5 + 0.25, 1e-12);
  EXPECT_NEAR(f[36], 0.45 - 1.2, 1e-12);
  EXPECT_NEAR(f[37], 2.5 - 2.0, 1e-12);
  EXPECT_NEAR(f[38], 0.0 - 0.5, 1e-12);
  EXPECT_NEAR(f[18], 1.2, 1e-12);  // the humanoid part is there too: root height
  double metrics[3];
  task->Metrics(m, d.get(), metrics);
  EXPECT_NEAR(metrics[2], std::hypot(0.5, 0.5), 1e-12);
}

TEST_F(HumanoidBoxTaskTest, ResetStandsUprightWithTheCubeAtItsStart) {
  std::unique_ptr<Task> task = MakeBoxTask();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 2);
  const int box = BoxQposAdr(m);
  EXPECT_EQ(d->qpos[box], 1.5);
  EXPECT_EQ(d->qpos[box + 1], 0.0);
  EXPECT_EQ(d->qpos[box + 2], 0.45);
  EXPECT_EQ(d->qpos[2], 1.285);
  double metrics[3];
  task->Metrics(m, d.get(), metrics);
  EXPECT_NEAR(metrics[2], 1.0, 1e-12);
  EXPECT_TRUE(HasNoMujocoWarnings(d.get()));
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 50));
}

}  // namespace
}  // namespace polo::models
