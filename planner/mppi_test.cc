#include "planner/mppi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/physics_state.h"
#include "models/task.h"
#include "planner/fake_point_mass.h"

namespace polo::planner {
namespace {

using GoalTask = FakePointMass;
double GoalDistance(const double* xy) { return FakePointMass::GoalDistance(xy); }

// V̂(s) = -distance to goal / (1 - γ): the value of sitting at s forever.
class DistanceValue : public TerminalValue {
 public:
  int num_features() const override { return 4; }
  void Evaluate(const double* x, int batch, double* values) override {
    for (int i = 0; i < batch; ++i) values[i] = -GoalDistance(x + 4 * i) * 10;
  }
};

MppiSettings SmallSettings() {
  MppiSettings s;
  s.rollouts.horizon = 20;
  s.rollouts.num_rollouts = 32;
  s.rollouts.noise_sigma = 0.5;
  s.rollouts.gamma = 0.99;
  s.temperature = 0.1;
  s.seed = 3;
  return s;
}

// Runs the real world with `policy` filling ctrl; returns the first step at
// which the mass is within 5 cm of the goal, or max_steps.
template <typename Policy>
int StepsToGoal(const GoalTask& task, int max_steps, Policy policy) {
  models::UniqueMjData d(mj_makeData(task.model()));
  task.Reset(task.model(), d.get(), 0);
  for (int step = 0; step < max_steps; ++step) {
    if (GoalDistance(d->qpos) < 0.05) return step;
    policy(step, d.get());
    mj_step(task.model(), d.get());
  }
  return max_steps;
}

int MppiStepsToGoal(const GoalTask& task, const MppiSettings& settings, int threads,
                    TerminalValue* value, std::vector<double>* actions = nullptr) {
  ThreadPool pool(threads);
  auto mppi = Mppi::Create(&task, settings, &pool);
  EXPECT_TRUE(mppi.ok()) << mppi.status();
  std::vector<double> state(models::PhysicsStateSize(task.model()));
  return StepsToGoal(task, 150, [&](int step, mjData* d) {
    models::CapturePhysicsState(task.model(), d, state.data());
    (*mppi)->Optimize(state.data(), step, value);
    for (int i = 0; i < 2; ++i) d->ctrl[i] = (*mppi)->action()[i];
    if (actions != nullptr) actions->insert(actions->end(), d->ctrl, d->ctrl + 2);
    (*mppi)->Shift();
  });
}

TEST(MppiTest, ReachesGoalFasterThanZeroAndRandomControls) {
  GoalTask task;
  const int mppi_steps = MppiStepsToGoal(task, SmallSettings(), 1, nullptr);
  const int zero_steps = StepsToGoal(task, 150, [](int, mjData* d) { d->ctrl[0] = d->ctrl[1] = 0; });
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> uniform(-1, 1);
  const int random_steps = StepsToGoal(task, 150, [&](int, mjData* d) {
    d->ctrl[0] = uniform(rng);
    d->ctrl[1] = uniform(rng);
  });
  // Full control covers the 0.72 m in about 40 steps; MPPI gets within 5 cm
  // well inside 150, the baselines never do.
  EXPECT_LT(mppi_steps, 100);
  EXPECT_EQ(zero_steps, 150);
  EXPECT_EQ(random_steps, 150);
}

TEST(MppiTest, ValueOnlyPlanningReachesGoalThroughTerminalValue) {
  GoalTask task;
  MppiSettings settings = SmallSettings();
  settings.rollouts.with_reward = false;
  DistanceValue value;
  EXPECT_LT(MppiStepsToGoal(task, settings, 1, &value), 100);
  // Without the value and without rewards every rollout scores 0: no goal.
  EXPECT_EQ(MppiStepsToGoal(task, settings, 1, nullptr), 150);
}

TEST(MppiTest, OneAndTwoThreadsChooseBitIdenticalActions) {
  GoalTask task;
  MppiSettings settings = SmallSettings();
  settings.rollouts.noise_smoothing = 0.5;
  settings.iterations = 2;
  DistanceValue value;
  std::vector<double> one, two;
  MppiStepsToGoal(task, settings, 1, &value, &one);
  MppiStepsToGoal(task, settings, 2, &value, &two);
  ASSERT_EQ(one.size(), two.size());
  ASSERT_GT(one.size(), 20u);
  for (size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "action value " << i;
}

TEST(MppiTest, DifferentSeedsChooseDifferentActions) {
  GoalTask task;
  MppiSettings a = SmallSettings(), b = SmallSettings();
  b.seed = a.seed + 1;
  std::vector<double> actions_a, actions_b;
  MppiStepsToGoal(task, a, 1, nullptr, &actions_a);
  MppiStepsToGoal(task, b, 1, nullptr, &actions_b);
  EXPECT_NE(actions_a[0], actions_b[0]);
}

// DistanceValue that keeps the values of its last batch.
class RecordingValue : public DistanceValue {
 public:
  void Evaluate(const double* x, int batch, double* values) override {
    DistanceValue::Evaluate(x, batch, values);
    last.assign(values, values + batch);
  }
  std::vector<double> last;
};

double PopulationStd(const std::vector<double>& xs) {
  double mean = 0, squares = 0;
  for (double x : xs) mean += x / xs.size();
  for (double x : xs) squares += (x - mean) * (x - mean) / xs.size();
  return std::sqrt(squares);
}

TEST(MppiTest, SpreadsSeparateRunningReturnsFromTerminalValues) {
  GoalTask task;
  const MppiSettings settings = SmallSettings();
  ThreadPool pool(1);
  std::vector<double> state(models::PhysicsStateSize(task.model()));
  models::UniqueMjData d(mj_makeData(task.model()));
  task.Reset(task.model(), d.get(), 0);
  models::CapturePhysicsState(task.model(), d.get(), state.data());
  auto optimize = [&](TerminalValue* value) {
    auto mppi = Mppi::Create(&task, settings, &pool);
    EXPECT_TRUE(mppi.ok()) << mppi.status();
    return (*mppi)->Optimize(state.data(), 0, value);
  };
  const MppiStats plain = optimize(nullptr);
  RecordingValue value;
  const MppiStats with_value = optimize(&value);
  // Same noise, so the same running returns; the value adds its own part.
  EXPECT_GT(plain.return_spread, 0);
  EXPECT_EQ(plain.value_spread, 0);
  EXPECT_NEAR(with_value.return_spread, plain.return_spread, 1e-12);
  ASSERT_EQ(value.last.size(), 32u);
  const double discount = std::pow(settings.rollouts.gamma, settings.rollouts.horizon);
  EXPECT_NEAR(with_value.value_spread, discount * PopulationStd(value.last), 1e-9);
  EXPECT_GT(with_value.value_spread, 0);
}

TEST(MppiTest, ActionsStayInsideActuatorRange) {
  GoalTask task;
  MppiSettings settings = SmallSettings();
  settings.rollouts.noise_sigma = 5.0;  // Most samples fall outside ±1.
  std::vector<double> actions;
  MppiStepsToGoal(task, settings, 1, nullptr, &actions);
  for (double a : actions) ASSERT_LE(std::abs(a), 1.0);
}

TEST(MppiTest, RejectsBadSettingsNamingTheField) {
  GoalTask task;
  ThreadPool pool(1);
  MppiSettings settings = SmallSettings();
  settings.temperature = 0;
  auto mppi = Mppi::Create(&task, settings, &pool);
  ASSERT_FALSE(mppi.ok());
  EXPECT_EQ(mppi.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mppi.status().message().find("temperature"), std::string::npos);

  settings = SmallSettings();
  settings.rollouts.horizon = 0;
  EXPECT_NE(Mppi::Create(&task, settings, &pool).status().message().find("horizon"),
            std::string::npos);
  settings = SmallSettings();
  settings.rollouts.noise_smoothing = 1.0;
  EXPECT_NE(Mppi::Create(&task, settings, &pool).status().message().find("noise_smoothing"),
            std::string::npos);
  settings = SmallSettings();
  settings.min_effective_samples = settings.rollouts.num_rollouts + 1;
  EXPECT_NE(Mppi::Create(&task, settings, &pool).status().message().find("min_effective_samples"),
            std::string::npos);
}

// One score far above the rest, as a terminal value whose spread dwarfs
// the rewards' makes it: λ alone leaves one effective sample.
std::vector<double> OneDominantScore() {
  std::vector<double> scores = {5.0};
  for (int k = 1; k < 40; ++k) scores.push_back(-0.01 * k);
  return scores;
}

TEST(MppiWeightsTest, WithoutAFloorTheWeightsAreMppisBitForBit) {
  const std::vector<double> scores = OneDominantScore();
  std::vector<double> plain(scores.size()), floored(scores.size());
  const double ess = MppiWeights(scores, 0.05, TemperatureMode::kAbsolute, absl::MakeSpan(plain));
  EXPECT_EQ(MppiWeightsWithFloor(scores, 0.05, TemperatureMode::kAbsolute, 0,
                                 absl::MakeSpan(floored)),
            ess);
  EXPECT_EQ(plain, floored);
  // A floor already met changes nothing either.
  EXPECT_EQ(MppiWeightsWithFloor(scores, 0.05, TemperatureMode::kAbsolute, ess,
                                 absl::MakeSpan(floored)),
            ess);
  EXPECT_EQ(plain, floored);
}

TEST(MppiWeightsTest, AFloorRaisesTheTemperatureJustEnoughAndKeepsTheOrder) {
  const std::vector<double> scores = OneDominantScore();
  std::vector<double> w(scores.size());
  EXPECT_LT(MppiWeights(scores, 0.05, TemperatureMode::kAbsolute, absl::MakeSpan(w)), 1.0001);
  const double ess =
      MppiWeightsWithFloor(scores, 0.05, TemperatureMode::kAbsolute, 8, absl::MakeSpan(w));
  EXPECT_GE(ess, 8.0);
  EXPECT_LT(ess, 8.0 + 1e-3);  // The smallest such λ, to 1e-6 relative.
  double sum = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    sum += w[k];
    if (k > 0) {
      EXPECT_LE(w[k], w[k - 1]) << k;  // Still ordered by score.
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_GT(w[0], w[1]);  // Still a preference, not uniform.
  // A floor above what the batch allows is capped there (diverged
  // rollouts count for nothing).
  std::vector<double> some_diverged = scores;
  for (int k = 0; k < 30; ++k) some_diverged[10 + k] = std::numeric_limits<double>::lowest();
  const double capped = MppiWeightsWithFloor(some_diverged, 0.05, TemperatureMode::kAbsolute, 39,
                                             absl::MakeSpan(w));
  EXPECT_GT(capped, 9.9 * 0.999 - 1e-6);
  EXPECT_LE(capped, 10.0 + 1e-9);
  for (int k = 10; k < 40; ++k) EXPECT_EQ(w[k], 0.0);
}

}  // namespace
}  // namespace polo::planner
