#include "learner/polo_loop.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "learner/eigen_ensemble.h"
#include "planner/fake_point_mass.h"

namespace polo::learner {
namespace {

double FakePointMassGoal(int i) { return planner::FakePointMass::kGoal[i]; }

// Small settings on the fake goal-reaching point mass: 64 steps take well
// under a second.
PoloSettings SmallSettings() {
  PoloSettings s;
  s.acting.rollouts.horizon = 8;
  s.acting.rollouts.num_rollouts = 16;
  s.acting.rollouts.noise_sigma = 0.5;
  s.acting.temperature = 0.1;
  s.targets.rollouts.horizon = 4;
  s.targets.rollouts.num_rollouts = 8;
  s.ensemble.set_ensemble_size(3);
  s.ensemble.add_hidden_sizes(16);
  s.ensemble.set_activation(polo::EnsembleSpec::TANH);
  s.ensemble.set_prior_scale(1.0);
  s.trainer.minibatch_size = 16;
  s.trainer.learning_rate = 1e-2;
  s.gradient_steps = 8;
  s.update_every = 16;
  s.seed = 4;
  return s;
}

std::vector<PoloStep> RunLoop(const PoloSettings& settings, int steps, int threads) {
  planner::FakePointMass task;
  planner::ThreadPool pool(threads);
  auto loop = PoloLoop::Create(&task, settings, &pool);
  EXPECT_TRUE(loop.ok()) << loop.status();
  std::vector<PoloStep> out;
  for (int t = 0; t < steps; ++t) {
    absl::StatusOr<PoloStep> step = (*loop)->Step();
    EXPECT_TRUE(step.ok()) << step.status();
    out.push_back(*step);
  }
  EXPECT_EQ((*loop)->buffer().size(), steps);
  return out;
}

TEST(PoloLoopTest, UpdatesEveryZStepsWithGGradientSteps) {
  const std::vector<PoloStep> steps = RunLoop(SmallSettings(), 64, 1);
  int updates = 0;
  for (const PoloStep& s : steps) {
    EXPECT_EQ(s.updated, (s.step + 1) % 16 == 0) << "step " << s.step;
    updates += s.updated;
  }
  EXPECT_EQ(updates, 4);
  // One version per gradient step.
  EXPECT_EQ(steps.back().weights_version, 4u * 8);
}

TEST(PoloLoopTest, LearnedValueRanksTheGoalAboveTheStart) {
  PoloSettings settings = SmallSettings();
  settings.acting.rollouts.gamma = settings.targets.rollouts.gamma = 0.9;
  settings.gradient_steps = 16;
  planner::FakePointMass task;
  planner::ThreadPool pool(1);
  auto loop = PoloLoop::Create(&task, settings, &pool);
  ASSERT_TRUE(loop.ok()) << loop.status();
  for (int t = 0; t < 480; ++t) ASSERT_TRUE((*loop)->Step().ok());
  auto weights = (*loop)->weights();
  ASSERT_TRUE(weights.ok());
  auto ensemble = EigenEnsemble::Create(*weights);
  ASSERT_TRUE(ensemble.ok());
  // Features (x, y, vx, vy) at rest at the goal and at the start.
  const double at_goal[4] = {FakePointMassGoal(0), FakePointMassGoal(1), 0, 0};
  const double at_start[4] = {0, 0, 0, 0};
  std::vector<double> goal(3), start(3);
  (*ensemble)->EvaluateMembers(at_goal, 1, goal.data());
  (*ensemble)->EvaluateMembers(at_start, 1, start.data());
  // True values with γ = 0.9: about 0 at the goal; about −5 at the start
  // (0.72 m away, ~40 steps to arrive). Every member must have learned that
  // the goal is worth at least 1 more.
  for (int k = 0; k < 3; ++k) {
    EXPECT_GT(goal[k] - start[k], 1.0) << "member " << k << " goal " << goal[k] << " start "
                                       << start[k];
  }
}

TEST(PoloLoopTest, OneAndTwoThreadsActIdentically) {
  const std::vector<PoloStep> one = RunLoop(SmallSettings(), 40, 1);
  const std::vector<PoloStep> two = RunLoop(SmallSettings(), 40, 2);
  for (size_t t = 0; t < one.size(); ++t) {
    ASSERT_EQ(one[t].reward, two[t].reward) << "step " << t;
    ASSERT_EQ(one[t].value, two[t].value) << "step " << t;
  }
}

TEST(PoloLoopTest, ZeroMembersIsPlainMpcThatStillReachesTheGoal) {
  PoloSettings settings = SmallSettings();
  settings.ensemble.set_ensemble_size(0);
  settings.acting.rollouts.horizon = 20;
  const std::vector<PoloStep> steps = RunLoop(settings, 120, 1);
  for (const PoloStep& s : steps) ASSERT_FALSE(s.updated);
  // Reward is minus the distance to the goal 0.72 m away: near 0 at the end.
  EXPECT_GT(steps.back().reward, -0.1);
}

TEST(PoloLoopTest, RejectsBadSettingsNamingTheField) {
  planner::FakePointMass task;
  planner::ThreadPool pool(1);
  PoloSettings settings = SmallSettings();
  settings.update_every = 0;
  EXPECT_NE(PoloLoop::Create(&task, settings, &pool).status().message().find("update_every"),
            std::string::npos);
  settings = SmallSettings();
  settings.acting.rollouts.horizon = -1;
  EXPECT_NE(PoloLoop::Create(&task, settings, &pool).status().message().find("acting.horizon"),
            std::string::npos);
  settings = SmallSettings();
  settings.targets.rollouts.gamma = 0.5;
  EXPECT_NE(PoloLoop::Create(&task, settings, &pool).status().message().find("targets.gamma"),
            std::string::npos);
}

}  // namespace
}  // namespace polo::learner
