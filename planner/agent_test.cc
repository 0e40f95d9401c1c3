#include "planner/agent.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "models/physics_state.h"
#include "models/task.h"
#include "planner/fake_point_mass.h"
#include "planner/mppi.h"
#include "planner/thread_pool.h"

namespace polo::planner {
namespace {

MppiSettings SmallSettings() {
  MppiSettings s;
  s.rollouts.horizon = 10;
  s.rollouts.num_rollouts = 16;
  s.rollouts.noise_sigma = 0.5;
  s.seed = 5;
  return s;
}

// A point mass whose world is pushed by an unmodelled disturbance: Disturb
// sets vx to kKick * episode_step and records each call. Test-only: the
// record makes it neither immutable nor thread-safe, which is what lets the
// test see that no rollout thread ever calls Disturb.
class DisturbedPointMass : public FakePointMass {
 public:
  static constexpr double kKick = 0.01;
  struct Call {
    uint64_t seed;
    int step;
    bool operator==(const Call& o) const { return seed == o.seed && step == o.step; }
  };

  void Disturb(const mjModel* m, mjData* d, uint64_t episode_seed,
               int episode_step) const override {
    calls_.push_back({episode_seed, episode_step});
    d->qvel[0] = kKick * episode_step;
  }
  const std::vector<Call>& calls() const { return calls_; }

 private:
  mutable std::vector<Call> calls_;
};

TEST(AgentTest, DisturbsTheWorldOncePerStepWithTheEpisodeSeedAndStep) {
  DisturbedPointMass task;
  ThreadPool pool(2);
  absl::StatusOr<std::unique_ptr<Agent>> agent = Agent::Create(&task, SmallSettings(), &pool);
  ASSERT_TRUE(agent.ok()) << agent.status();
  (*agent)->Reset(7);
  EXPECT_EQ((*agent)->episode_step(), 0);
  for (uint64_t t = 0; t < 3; ++t) {
    (*agent)->Step(t, nullptr);
    // The observed state is the disturbed one (mj_forward ran after Disturb).
    EXPECT_EQ((*agent)->features()[2], DisturbedPointMass::kKick * (t + 1));
    EXPECT_EQ((*agent)->data()->qvel[0], DisturbedPointMass::kKick * (t + 1));
  }
  EXPECT_EQ((*agent)->episode_step(), 3);
  (*agent)->Reset(8);
  (*agent)->Step(3, nullptr);
  // Never from Reset, never from the 16 x 10 rollout steps per agent step.
  const std::vector<DisturbedPointMass::Call> expected = {{7, 1}, {7, 2}, {7, 3}, {8, 1}};
  EXPECT_EQ(task.calls(), expected);
}

// The agent's loop written out by hand, as it was before Disturb existed:
// the agent must stay bit-identical to it for tasks without a disturbance.
TEST(AgentTest, WithoutADisturbanceStepsAreThePlainMpcLoopBitForBit) {
  FakePointMass task;
  const mjModel* m = task.model();
  ThreadPool pool(1);
  absl::StatusOr<std::unique_ptr<Agent>> agent = Agent::Create(&task, SmallSettings(), &pool);
  ASSERT_TRUE(agent.ok()) << agent.status();
  (*agent)->Reset(3);

  absl::StatusOr<std::unique_ptr<Mppi>> mppi = Mppi::Create(&task, SmallSettings(), &pool);
  ASSERT_TRUE(mppi.ok()) << mppi.status();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), 3);
  std::vector<double> state(models::PhysicsStateSize(m));
  for (uint64_t t = 0; t < 20; ++t) {
    models::CapturePhysicsState(m, d.get(), state.data());
    (*mppi)->Optimize(state.data(), t, nullptr);
    for (int i = 0; i < m->nu; ++i) d->ctrl[i] = (*mppi)->action()[i];
    mj_step(m, d.get());
    const double reward = task.Reward(m, d.get());
    (*mppi)->Shift();
    mj_forward(m, d.get());
    models::CapturePhysicsState(m, d.get(), state.data());

    const AgentStep step = (*agent)->Step(t, nullptr);
    EXPECT_EQ(step.reward, reward) << t;
    ASSERT_EQ(std::memcmp((*agent)->physics_state().data(), state.data(),
                          sizeof(double) * state.size()),
              0)
        << "step " << t;
  }
}

}  // namespace
}  // namespace polo::planner
