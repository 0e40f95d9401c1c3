#include "models/adroit_cube_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/hand_cube_task.h"
#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;

class AdroitCubeTaskTest : public testing::MujocoWarningTest {
 protected:
  void SetUp() override {
    MujocoWarningTest::SetUp();
    absl::StatusOr<std::unique_ptr<Task>> task = AdroitCubeTask::Create();
    ASSERT_TRUE(task.ok()) << task.status();
    task_.reset(static_cast<AdroitCubeTask*>(task->release()));
    m_ = task_->model();
    d_.reset(mj_makeData(m_));
  }

  std::vector<double> Metrics() {
    mj_forward(m_, d_.get());
    std::vector<double> metrics(task_->metric_names().size());
    task_->Metrics(m_, d_.get(), metrics.data());
    return metrics;
  }
  const double* CubePos() const { return d_->xpos + 3 * task_->cube_body(); }
  const double* CubeQuat() const { return d_->xquat + 4 * task_->cube_body(); }
  double* GoalQuat() { return d_->mocap_quat + 4 * task_->goal_mocap(); }
  double* DiceQpos() { return d_->qpos + task_->cube_qpos(); }

  std::unique_ptr<AdroitCubeTask> task_;
  const mjModel* m_ = nullptr;
  UniqueMjData d_;
};

TEST_F(AdroitCubeTaskTest, IsTheAdroitLayoutWithFiveSubsteps) {
  EXPECT_EQ(task_->name(), "adroit_cube");
  EXPECT_EQ(task_->substeps(), 5);
  EXPECT_DOUBLE_EQ(m_->opt.timestep, 0.002);
  EXPECT_EQ(m_->nu, 24);
  EXPECT_EQ(m_->nq, 24 + 7);
  EXPECT_EQ(m_->nv, 24 + 6);
  EXPECT_EQ(m_->ntendon, 4);  // The DIP-PIP couplers.
  EXPECT_EQ(m_->opt.noslip_iterations, 20);
  EXPECT_EQ(task_->goals(), HandCubeTask::Goals::kNear);
}

// The dice, reset on the palm, stays there for 1000 agent steps (10 s) with
// the rest pose held: within 1 mm and 1 degree, no MuJoCo warning.
TEST_F(AdroitCubeTaskTest, TheDiceRestsInThePalmFor1000Steps) {
  for (uint64_t seed : {0, 1, 2}) {
    task_->Reset(m_, d_.get(), seed);
    const std::vector<double> start_pos(CubePos(), CubePos() + 3);
    const std::vector<double> start_quat(CubeQuat(), CubeQuat() + 4);
    for (int t = 0; t < 1000; ++t) task_->Step(m_, d_.get());
    mj_forward(m_, d_.get());
    ASSERT_TRUE(HasNoMujocoWarnings(d_.get())) << seed;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(CubePos()[i], start_pos[i], 1e-3) << seed;
    EXPECT_LT(HandCubeTask::RotationAngle(CubeQuat(), start_quat.data()), mjPI / 180) << seed;
    EXPECT_EQ(Metrics()[2], 0.0) << "dropped, seed " << seed;
    EXPECT_NEAR(d_->time, 10.0, 1e-9);
  }
}

// Commanding the index DIP (FFJ0, joint 5) alone bends the PIP (FFJ1,
// joint 4) with it: the coupler tendon 0.00705 DIP - 0.00805 PIP stays near
// its +-1 mm limit (a soft limit: measured 1.28 mm, DIP 1.08, PIP 0.78).
TEST_F(AdroitCubeTaskTest, TheCouplerMovesPipWithDip) {
  task_->Reset(m_, d_.get(), 0);
  const double pip_before = d_->qpos[4];
  d_->ctrl[5] = 1.5;
  for (int t = 0; t < 200; ++t) task_->Step(m_, d_.get());
  const double pip = d_->qpos[4], dip = d_->qpos[5];
  EXPECT_GT(pip, pip_before + 0.25);
  EXPECT_GT(dip, 0.8);
  EXPECT_LT(std::fabs(0.00705 * dip - 0.00805 * pip), 0.0015);
  EXPECT_NEAR(d_->ten_length[0], 0.00705 * dip - 0.00805 * pip, 1e-9);
}

// The goal is drawn at Reset and redrawn at agent steps 75, 150, 225 and
// at no other step; the same seed gives the same goals, another seed others.
TEST_F(AdroitCubeTaskTest, GoalsAreAFunctionOfTheSeedAndChangeEvery75Steps) {
  auto goals = [&](uint64_t seed) {
    std::vector<std::vector<double>> drawn;
    task_->Reset(m_, d_.get(), seed);
    drawn.emplace_back(GoalQuat(), GoalQuat() + 4);
    for (int step = 1; step <= 300; ++step) {
      const std::vector<double> before(GoalQuat(), GoalQuat() + 4);
      task_->Disturb(m_, d_.get(), seed, step);
      const std::vector<double> after(GoalQuat(), GoalQuat() + 4);
      EXPECT_EQ(before != after, step % 75 == 0) << "step " << step;
      if (before != after) drawn.push_back(after);
    }
    return drawn;
  };
  const auto first = goals(7);
  EXPECT_EQ(first.size(), 5u);  // Reset, 75, 150, 225, 300.
  EXPECT_EQ(goals(7), first);
  EXPECT_NE(goals(8), first);
  // Near goals: at most 1 rad about each of x and y from the dice, so at
  // most about 1.4 rad (81 degrees) from its orientation.
  task_->Reset(m_, d_.get(), 7);
  EXPECT_LT(HandCubeTask::RotationAngle(GoalQuat(), DiceQpos() + 3), 1.42);
}

// Reset turns the dice by a seeded symmetry of the cube: 24 distinct
// orientations over seeds, every one a rotation by a multiple of 90 degrees.
TEST_F(AdroitCubeTaskTest, ResetTurnsTheDiceByASymmetry) {
  std::set<std::vector<long>> seen;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    task_->Reset(m_, d_.get(), seed);
    mjtNum mat[9];
    mju_quat2Mat(mat, DiceQpos() + 3);
    std::vector<long> rounded;
    for (double v : mat) {
      EXPECT_NEAR(std::fabs(v) > 0.5 ? std::fabs(v) : 0.0, std::fabs(v), 0.01) << seed;
      rounded.push_back(std::lround(v));
    }
    seen.insert(rounded);
  }
  EXPECT_EQ(seen.size(), 24u);
  for (int i = 0; i < 24; ++i) {
    double q[4];
    AdroitCubeTask::DiceSymmetry(i, q);
    EXPECT_NEAR(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3], 1.0, 1e-12);
  }
}

// Eq. 8 and the metrics at hand-placed poses (positions set through the
// slides, orientation through the ball joint).
TEST_F(AdroitCubeTaskTest, RewardAndMetricsAtPlacedPoses) {
  task_->Reset(m_, d_.get(), 0);
  const double* x_g = task_->goal_position();
  mj_forward(m_, d_.get());
  // At the goal: dice at x_g, goal = its own orientation.
  const double body_z = m_->body_pos[3 * task_->cube_body() + 2];
  DiceQpos()[0] = x_g[0] - m_->body_pos[3 * task_->cube_body()];
  DiceQpos()[1] = x_g[1] - m_->body_pos[3 * task_->cube_body() + 1];
  DiceQpos()[2] = x_g[2] - body_z;
  const double identity[4] = {1, 0, 0, 0};
  mju_copy4(DiceQpos() + 3, identity);
  mju_copy4(GoalQuat(), identity);
  mj_forward(m_, d_.get());
  EXPECT_NEAR(task_->Reward(m_, d_.get()), 0.0, 1e-12);
  std::vector<double> metrics = Metrics();
  EXPECT_NEAR(metrics[0], 0.0, 1e-9);
  EXPECT_EQ(metrics[1], 1.0);
  EXPECT_EQ(metrics[2], 0.0);
  // Turned 90 degrees about z, 1 cm off along x and 2 cm low.
  const double quarter[4] = {std::cos(mjPI / 4), 0, 0, std::sin(mjPI / 4)};
  mju_copy4(DiceQpos() + 3, quarter);
  DiceQpos()[0] += 0.01;
  DiceQpos()[2] -= 0.02;
  mj_forward(m_, d_.get());
  EXPECT_NEAR(task_->Reward(m_, d_.get()), -0.5 * 0.03 - 0.05 * mjPI / 2, 1e-12);
  metrics = Metrics();
  EXPECT_NEAR(metrics[0], 90.0, 1e-9);
  EXPECT_EQ(metrics[1], 0.0);
  EXPECT_EQ(metrics[2], 0.0);
  std::vector<double> f(task_->num_features());
  task_->Features(m_, d_.get(), f.data());
  EXPECT_NEAR(f[48], 0.01 / 0.05, 1e-12);
  EXPECT_NEAR(f[50], -0.02 / 0.05, 1e-12);
  // On the floor: dropped.
  DiceQpos()[2] = 0.025 - body_z;
  EXPECT_EQ(Metrics()[2], 1.0);
}

}  // namespace
}  // namespace polo::models
