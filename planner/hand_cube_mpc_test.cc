// Plain MPC (planner::Agent, no value) on the hand: with the true goal in its
// model it turns the cube towards a nearby goal, where the resting hand
// leaves it where it is.
#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/hand_cube_task.h"
#include "models/task.h"
#include "planner/agent.h"
#include "planner/mppi.h"
#include "planner/thread_pool.h"

namespace polo::planner {
namespace {

using models::HandCubeTask;

// hand_cube from a start the test chooses: the cube flat in the palm at x_g
// (settled for kSettleSteps at the rest pose), the goal kGoalAngle about the
// palm normal away from it. Everything else is HandCubeTask's (a copy of its
// model, so the ids agree).
class NearbyGoalHandCube : public models::Task {
 public:
  static constexpr double kGoalAngle = 30.0 * mjPI / 180.0;
  static constexpr int kSettleSteps = 30;

  explicit NearbyGoalHandCube(std::unique_ptr<models::Task> hand)
      : Task("hand_cube_nearby_goal", models::UniqueMjModel(mj_copyModel(nullptr, hand->model()))),
        hand_(std::move(hand)),
        cube_(static_cast<const HandCubeTask&>(*hand_)) {}

  int num_features() const override { return hand_->num_features(); }
  int episode_length() const override { return hand_->episode_length(); }
  uint64_t lifetime_steps() const override { return hand_->lifetime_steps(); }
  double Reward(const mjModel* m, const mjData* d) const override { return hand_->Reward(m, d); }
  void Features(const mjModel* m, const mjData* d, double* f) const override {
    hand_->Features(m, d, f);
  }
  const std::vector<std::string>& metric_names() const override { return hand_->metric_names(); }
  void Metrics(const mjModel* m, const mjData* d, double* x) const override {
    hand_->Metrics(m, d, x);
  }

  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override {
    hand_->Reset(m, d, seed);
    mjtNum* cube = d->qpos + cube_.cube_qpos();
    cube[0] = HandCubeTask::kGoalPosition[0];
    cube[1] = HandCubeTask::kGoalPosition[1];
    cube[2] = HandCubeTask::kGoalPosition[2] + HandCubeTask::kResetClearance;
    cube[3] = 1;
    cube[4] = cube[5] = cube[6] = 0;
    for (int step = 0; step < kSettleSteps; ++step) mj_step(m, d);
    // The goal: the settled cube turned about the world z axis.
    const mjtNum turn[4] = {std::cos(kGoalAngle / 2), 0, 0, std::sin(kGoalAngle / 2)};
    mju_mulQuat(d->mocap_quat + 4 * cube_.goal_mocap(), turn, cube + 3);
    d->time = 0;
    mj_forward(m, d);
  }

 private:
  std::unique_ptr<models::Task> hand_;
  const HandCubeTask& cube_;
};

std::unique_ptr<NearbyGoalHandCube> MakeTask() {
  absl::StatusOr<std::unique_ptr<models::Task>> hand = HandCubeTask::Create();
  EXPECT_TRUE(hand.ok()) << hand.status();
  return hand.ok() ? std::make_unique<NearbyGoalHandCube>(*std::move(hand)) : nullptr;
}

constexpr int kSteps = 60;  // 0.6 s

// Small MPPI: K 40, H 16 (0.16 s), σ 0.2 with smoothing 0.8 (the defaults),
// λ 0.02 on raw returns (the hand's preset, models/hand_cube_task.cc).
MppiSettings SmallSettings(uint64_t seed) {
  MppiSettings s;
  s.rollouts.num_rollouts = 40;
  s.rollouts.horizon = 16;
  s.temperature = 0.02;
  s.temperature_mode = TemperatureMode::kAbsolute;
  s.seed = seed;
  return s;
}

TEST(HandCubeMpcTest, PlanningWithTheTrueGoalTurnsTheCubeTowardsANearbyGoal) {
  std::unique_ptr<NearbyGoalHandCube> task = MakeTask();
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  ThreadPool pool(2);
  for (uint64_t seed : {1, 2, 3}) {
    // Resting hand: ctrl stays at the rest pose Reset set.
    models::UniqueMjData d(mj_makeData(m));
    task->Reset(m, d.get(), seed);
    std::vector<double> metrics(task->metric_names().size());
    task->Metrics(m, d.get(), metrics.data());
    const double start_error = metrics[0];
    for (int t = 0; t < kSteps; ++t) mj_step(m, d.get());
    mj_forward(m, d.get());
    task->Metrics(m, d.get(), metrics.data());
    const double resting_error = metrics[0];

    absl::StatusOr<std::unique_ptr<Agent>> agent = Agent::Create(task.get(), SmallSettings(seed), &pool);
    ASSERT_TRUE(agent.ok()) << agent.status();
    (*agent)->Reset(seed);
    for (int t = 0; t < kSteps; ++t) (*agent)->Step(t, nullptr);
    const double mpc_error = (*agent)->metrics()[0];
    EXPECT_NEAR(start_error, 30.0, 1e-6) << seed;
    // The resting hand leaves the cube be (measured: 30.0 degrees after 60
    // steps for these seeds); MPC ended at 15-22 degrees (K 40, H 16 is a
    // small budget: the preset's K 80, H 32 reaches 2-4 degrees in 150
    // steps). 5 degrees is the margin asserted.
    EXPECT_NEAR(resting_error, 30.0, 1.0) << seed;
    EXPECT_LT(mpc_error, resting_error - 5.0) << seed;
    EXPECT_EQ((*agent)->metrics()[2], 0.0) << "dropped, seed " << seed;
  }
}

}  // namespace
}  // namespace polo::planner
