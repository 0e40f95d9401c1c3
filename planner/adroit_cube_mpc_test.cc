// Plain MPC (planner::Agent, no value) on the Adroit hand: with the true goal
// in its model it turns the dice towards the episode's first near goal,
// where the resting hand (the rest pose held) leaves it where it is.
#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/adroit_cube_task.h"
#include "models/task.h"
#include "planner/agent.h"
#include "planner/mppi.h"
#include "planner/thread_pool.h"

namespace polo::planner {
namespace {

constexpr int kSteps = 60;  // 0.6 s, before the first goal change at 75.

// Small MPPI: K 32, H 8 (0.08 s), σ 0.2 with smoothing 0.8 (the defaults),
// λ 0.02 on raw returns (the hand's preset).
MppiSettings SmallSettings(uint64_t seed) {
  MppiSettings s;
  s.rollouts.num_rollouts = 32;
  s.rollouts.horizon = 8;
  s.temperature = 0.02;
  s.temperature_mode = TemperatureMode::kAbsolute;
  s.seed = seed;
  return s;
}

TEST(AdroitCubeMpcTest, PlanningWithTheTrueGoalTurnsTheDiceTowardsANearGoal) {
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::AdroitCubeTask::Create();
  ASSERT_TRUE(task.ok()) << task.status();
  const mjModel* m = (*task)->model();
  ThreadPool pool(2);
  for (uint64_t seed : {1, 2}) {
    models::UniqueMjData d(mj_makeData(m));
    (*task)->Reset(m, d.get(), seed);
    std::vector<double> metrics((*task)->metric_names().size());
    (*task)->Metrics(m, d.get(), metrics.data());
    const double start_error = metrics[0];
    for (int t = 0; t < kSteps; ++t) (*task)->Step(m, d.get());
    mj_forward(m, d.get());
    (*task)->Metrics(m, d.get(), metrics.data());
    const double resting_error = metrics[0];

    absl::StatusOr<std::unique_ptr<Agent>> agent =
        Agent::Create(task->get(), SmallSettings(seed), &pool);
    ASSERT_TRUE(agent.ok()) << agent.status();
    (*agent)->Reset(seed);
    for (int t = 0; t < kSteps; ++t) (*agent)->Step(t, nullptr);
    const double mpc_error = (*agent)->metrics()[0];
    // Measured: the goals start 68.6 and 25.7 degrees away (seeds 1, 2);
    // the resting hand leaves them at 68.7 and 25.8, MPC ends 3.3 and 5.8
    // degrees away. Asserted: within 1 degree resting, half the resting
    // error with MPC.
    EXPECT_NEAR(resting_error, start_error, 1.0) << seed;
    EXPECT_LT(mpc_error, 0.5 * resting_error) << seed;
    EXPECT_EQ((*agent)->metrics()[2], 0.0) << "dropped, seed " << seed;
  }
}

}  // namespace
}  // namespace polo::planner
