#include "models/point_mass_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/mujoco_test_util.h"
#include "models/point_mass_goal_task.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class PointMassTaskTest : public testing::MujocoWarningTest {};
class PointMassGoalTaskTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> Must(absl::StatusOr<std::unique_ptr<Task>> task) {
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

// Places the agent at (x, y) with velocity (vx, vy) and runs mj_forward.
void Place(const mjModel* m, double x, double y, double vx, double vy, mjData* d) {
  mj_resetData(m, d);
  d->qpos[0] = x;
  d->qpos[1] = y;
  d->qvel[0] = vx;
  d->qvel[1] = vy;
  mj_forward(m, d);
}

TEST_F(PointMassTaskTest, BoxAndMazeAreRewardFreeWithA20By20CoverageGrid) {
  for (auto create : {&PointMassTask::CreateBox, &PointMassTask::CreateMaze}) {
    std::unique_ptr<Task> task = Must(create());
    ASSERT_NE(task, nullptr);
    EXPECT_FALSE(task->has_reward());
    EXPECT_EQ(task->num_features(), 4);
    EXPECT_EQ(task->episode_length(), 1000);
    EXPECT_EQ(task->metric_names(), (std::vector<std::string>{"x", "y"}));
    const CoverageGrid* grid = task->coverage_grid();
    ASSERT_NE(grid, nullptr);
    EXPECT_EQ(grid->cells_per_side, 20);
    EXPECT_EQ(grid->x_min, -1.0);
    EXPECT_EQ(grid->x_max, 1.0);
    EXPECT_EQ(grid->y_min, -1.0);
    EXPECT_EQ(grid->y_max, 1.0);

    const mjModel* m = task->model();
    UniqueMjData d(mj_makeData(m));
    task->Reset(m, d.get(), 0);
    d->ctrl[0] = 1.0;
    mj_step(m, d.get());
    EXPECT_EQ(task->Reward(m, d.get()), 0.0);
  }
}

TEST_F(PointMassTaskTest, FeaturesMetricsAndPositionAreTheScaledState) {
  std::unique_ptr<Task> task = Must(PointMassTask::CreateBox());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  Place(m, 0.3, -0.4, 0.5, -1.0, d.get());
  double features[5] = {0, 0, 0, 0, 42.0};  // the last entry must stay untouched
  task->Features(m, d.get(), features);
  // Both scales are 1 (half width 1 m, terminal speed 1 m/s).
  EXPECT_EQ(features[0], 0.3);
  EXPECT_EQ(features[1], -0.4);
  EXPECT_EQ(features[2], 0.5);
  EXPECT_EQ(features[3], -1.0);
  EXPECT_EQ(features[4], 42.0);
  double metrics[2];
  task->Metrics(m, d.get(), metrics);
  EXPECT_EQ(metrics[0], 0.3);
  EXPECT_EQ(metrics[1], -0.4);
  double xy[2];
  ASSERT_TRUE(task->PlanarPosition(m, d.get(), xy));
  EXPECT_EQ(xy[0], 0.3);
  EXPECT_EQ(xy[1], -0.4);
}

TEST_F(PointMassTaskTest, ResetIsTheJitteredStartAndDeterministicPerSeed) {
  std::unique_ptr<Task> task = Must(PointMassTask::CreateMaze());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData a(mj_makeData(m)), b(mj_makeData(m)), c(mj_makeData(m));
  task->Reset(m, a.get(), 5);
  ASSERT_TRUE(StepWithoutWarnings(m, b.get(), 3));  // b has a different history
  task->Reset(m, b.get(), 5);
  task->Reset(m, c.get(), 6);
  EXPECT_EQ(a->qpos[0], b->qpos[0]);
  EXPECT_EQ(a->qpos[1], b->qpos[1]);
  EXPECT_EQ(b->time, 0.0);
  EXPECT_EQ(b->qvel[0], 0.0);
  EXPECT_NE(a->qpos[0], c->qpos[0]);
  for (const mjData* d : {a.get(), c.get()}) {
    EXPECT_NEAR(d->qpos[0], -0.8, 0.01);
    EXPECT_NEAR(d->qpos[1], -0.8, 0.01);
    EXPECT_EQ(d->ncon, 0);  // the start is inside the maze's entrance cell
    EXPECT_TRUE(HasNoMujocoWarnings(d));
  }
}

TEST_F(PointMassGoalTaskTest, RewardIsMinusDistanceToGoal) {
  std::unique_ptr<Task> task = Must(PointMassGoalTask::Create());
  ASSERT_NE(task, nullptr);
  EXPECT_TRUE(task->has_reward());
  EXPECT_EQ(task->name(), "point_mass_goal");
  EXPECT_EQ(task->coverage_grid(), nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  Place(m, 0.5 - 0.3, 0.5 + 0.4, 0.0, 0.0, d.get());
  EXPECT_NEAR(task->Reward(m, d.get()), -0.5, 1e-12);
  Place(m, 0.5, 0.5, 0.0, 0.0, d.get());
  EXPECT_EQ(task->Reward(m, d.get()), 0.0);
}

TEST_F(PointMassGoalTaskTest, RewardAfterStepIsOfTheStateBeforeTheStep) {
  std::unique_ptr<Task> task = Must(PointMassGoalTask::Create());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  Place(m, 0.2, 0.9, 1.0, 0.0, d.get());
  d->ctrl[0] = 1.0;
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
  ASSERT_GT(d->qpos[0], 0.2 + 0.005);  // s_{t+1} has moved on
  EXPECT_NEAR(task->Reward(m, d.get()), -0.5, 1e-12);
  double metrics[3];
  mj_forward(m, d.get());
  task->Metrics(m, d.get(), metrics);
  EXPECT_EQ(task->metric_names(), (std::vector<std::string>{"x", "y", "distance_to_goal"}));
  EXPECT_NEAR(metrics[2], std::hypot(d->qpos[0] - 0.5, d->qpos[1] - 0.5), 1e-12);
}

}  // namespace
}  // namespace polo::models
