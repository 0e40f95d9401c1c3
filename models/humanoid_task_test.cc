// Behaviour shared by every humanoid task: value features, control cost,
// metrics, touch sensors.
#include "models/humanoid_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/humanoid_getup_task.h"
#include "models/humanoid_walk_task.h"
#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::StepWithoutWarnings;

class HumanoidTaskTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> Must(absl::StatusOr<std::unique_ptr<Task>> task) {
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

const HumanoidTask& AsHumanoid(const Task& task) { return static_cast<const HumanoidTask&>(task); }

double Norm3(const double* v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

// Checks the unit vectors (features 0-17, six of them) and finiteness.
void ExpectWellFormedFeatures(const std::vector<double>& features, int num_features) {
  ASSERT_EQ(features.size(), num_features + 1u);
  EXPECT_EQ(features.back(), -1234.5) << "Features wrote past num_features()";
  for (int v = 0; v < 6; ++v) EXPECT_NEAR(Norm3(&features[3 * v]), 1.0, 1e-12) << "vector " << v;
  for (int i = 0; i < num_features; ++i) EXPECT_TRUE(std::isfinite(features[i])) << i;
}

std::vector<double> FeaturesOf(const Task& task, const mjData* d) {
  std::vector<double> features(task.num_features() + 1, -1234.5);
  task.Features(task.model(), d, features.data());
  return features;
}

// Solves the dense system a x = b (n x n, row-major) by Gaussian elimination
// with partial pivoting; a and b are overwritten.
std::vector<double> DenseSolve(std::vector<double> a, std::vector<double> b) {
  const int n = static_cast<int>(b.size());
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int r = col + 1; r < n; ++r) {
      if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
    }
    for (int c = 0; c < n; ++c) std::swap(a[col * n + c], a[pivot * n + c]);
    std::swap(b[col], b[pivot]);
    for (int r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      for (int c = col; c < n; ++c) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int c = r + 1; c < n; ++c) s -= a[r * n + c] * x[c];
    x[r] = s / a[r * n + r];
  }
  return x;
}

TEST_F(HumanoidTaskTest, FeaturesAtTheStandingPoseMatchTheModelGeometry) {
  std::unique_ptr<Task> task = Must(HumanoidWalkTask::Create());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  for (int i = 0; i < 6; ++i) d->qvel[i] = 0.1 * (i + 1);
  mj_forward(m, d.get());  // qpos0: standing, identity orientation, torso at z = 1.285
  const std::vector<double> f = FeaturesOf(*task, d.get());
  ASSERT_EQ(task->num_features(), 34);
  ExpectWellFormedFeatures(f, 34);
  const double expected_axes[6] = {1, 0, 0, 0, 0, 1};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(f[i], expected_axes[i], 1e-12) << i;
  // Offsets from humanoid.xml: neck (0, 0, 1.385); right hand (0.36, -0.17, 1.345);
  // right hip (-0.01, -0.1, 0.82); right foot (-0.01, -0.09, 0.027); left mirrored in y.
  const double to_hand[3] = {0.36, -0.17, -0.04};
  const double to_foot[3] = {0.0, 0.01, -0.793};
  const double hand_norm = Norm3(to_hand), foot_norm = Norm3(to_foot);
  for (int i = 0; i < 3; ++i) {
    const double mirror = i == 1 ? -1.0 : 1.0;
    EXPECT_NEAR(f[6 + i], to_hand[i] / hand_norm, 1e-9) << i;
    EXPECT_NEAR(f[9 + i], mirror * to_hand[i] / hand_norm, 1e-9) << i;
    EXPECT_NEAR(f[12 + i], to_foot[i] / foot_norm, 1e-9) << i;
    EXPECT_NEAR(f[15 + i], mirror * to_foot[i] / foot_norm, 1e-9) << i;
  }
  const double heights[5] = {1.285, 1.345, 1.345, 0.027, 0.027};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(f[18 + i], heights[i], 1e-9) << i;
  for (int i = 0; i < 6; ++i) EXPECT_EQ(f[23 + i], 0.1 * (i + 1)) << i;
}

TEST_F(HumanoidTaskTest, FeaturesStayWellFormedThroughARandomRollout) {
  std::unique_ptr<Task> task = Must(HumanoidGetupTask::Create(/*sparse=*/false));
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 11);
  for (int t = 0; t < 200; ++t) {
    for (int i = 0; i < m->nu; ++i) d->ctrl[i] = std::sin(0.21 * t + 2.0 * i);
    ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
    if (t % 20 != 0) continue;
    mj_forward(m, d.get());
    ExpectWellFormedFeatures(FeaturesOf(*task, d.get()), 34);
  }
}

TEST_F(HumanoidTaskTest, TouchSensorsReadForceWhenLyingOnTheFloor) {
  std::unique_ptr<Task> task = Must(HumanoidGetupTask::Create(/*sparse=*/false));
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  for (uint64_t seed : {0, 1, 2}) {
    task->Reset(m, d.get(), seed);  // settled on its back
    const std::vector<double> f = FeaturesOf(*task, d.get());
    EXPECT_GT(f[29], 0.5) << "head, seed " << seed;
    EXPECT_GT(f[32], 0.5) << "right foot, seed " << seed;
    EXPECT_GT(f[33], 0.5) << "left foot, seed " << seed;
    const int head_sensor = mj_name2id(m, mjOBJ_SENSOR, "head_touch");
    EXPECT_EQ(f[29], std::log1p(d->sensordata[m->sensor_adr[head_sensor]]));
  }
}

TEST_F(HumanoidTaskTest, TouchSensorsReadZeroInTheAir) {
  std::unique_ptr<Task> task = Must(HumanoidWalkTask::Create());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  d->qpos[2] = 2.0;
  mj_forward(m, d.get());
  const std::vector<double> f = FeaturesOf(*task, d.get());
  for (int i = 29; i < 34; ++i) EXPECT_EQ(f[i], 0.0) << i;
}

TEST_F(HumanoidTaskTest, ControlCostIsZeroWithoutControl) {
  std::unique_ptr<Task> task = Must(HumanoidWalkTask::Create());
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 0);
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 3));
  EXPECT_EQ(AsHumanoid(*task).ControlCost(m, d.get()), 0.0);
}

TEST_F(HumanoidTaskTest, ControlCostIsWeightedTauInverseMassTauOfTheStateBeforeTheStep) {
  std::unique_ptr<Task> task = Must(HumanoidGetupTask::Create(/*sparse=*/false));
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  const int nv = m->nv;
  UniqueMjData d(mj_makeData(m)), before(mj_makeData(m));
  task->Reset(m, d.get(), 4);
  for (int i = 0; i < m->nu; ++i) d->ctrl[i] = std::cos(1.7 * i);
  mj_copyData(before.get(), m, d.get());
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1));
  mj_forward(m, before.get());  // s_t with a_t: the quantities mj_step used

  std::vector<double> dense_m(nv * nv);
  mj_fullM(m, dense_m.data(), before->qM);
  std::vector<double> tau(before->qfrc_actuator, before->qfrc_actuator + nv);
  const std::vector<double> minv_tau = DenseSolve(dense_m, tau);
  double quadratic = 0;
  for (int i = 0; i < nv; ++i) quadratic += tau[i] * minv_tau[i];
  const double expected = HumanoidTask::kControlCostWeight * quadratic;

  const double cost = AsHumanoid(*task).ControlCost(m, d.get());
  ASSERT_GT(expected, 1e-4);
  EXPECT_NEAR(cost, expected, 1e-9 * expected);
  // The factor mj_step left in d is that of s_t, bit for bit.
  EXPECT_EQ(cost, AsHumanoid(*task).ControlCost(m, before.get()));
}

TEST_F(HumanoidTaskTest, MetricsAreRootHeightAndForwardSpeed) {
  std::unique_ptr<Task> task = Must(HumanoidWalkTask::Create());
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->metric_names(), (std::vector<std::string>{"root_height", "forward_speed"}));
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  d->qpos[2] = 0.9;
  d->qvel[0] = 0.7;
  mj_forward(m, d.get());
  double metrics[2];
  task->Metrics(m, d.get(), metrics);
  EXPECT_EQ(metrics[0], 0.9);
  EXPECT_EQ(metrics[1], 0.7);
}

}  // namespace
}  // namespace polo::models
