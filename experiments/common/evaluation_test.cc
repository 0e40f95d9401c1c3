// The evaluation driver against hand-written agent loops on the rewarded
// point-mass world (short runs, fixed seeds): the same rewards, statistics, values,
// features and states bit for bit, and errors that name the flag.
#include "experiments/common/evaluation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "learner/ensemble_weights.h"
#include "learner/optimistic_value.h"
#include "learner/test_weights.h"
#include "models/registry.h"
#include "planner/agent.h"
#include "planner/thread_pool.h"
#include "proto/ensemble.pb.h"

namespace polo::experiments {
namespace {

constexpr char kTask[] = "point_mass_goal";
constexpr int kSteps = 12;

planner::MppiSettings SmallMppi(uint64_t seed) {
  planner::MppiSettings settings;
  settings.rollouts.horizon = 6;
  settings.rollouts.num_rollouts = 12;
  settings.seed = seed;
  return settings;
}

EvaluationOptions SmallOptions(uint64_t seed) {
  EvaluationOptions options;
  options.task = kTask;
  options.mppi = SmallMppi(seed);
  options.threads = 2;
  return options;
}

// A 3-member (8, 8) tanh ensemble with random weights
// (learner/test_weights.h).
EnsembleWeights RandomEnsemble(int num_features, uint32_t seed) {
  return learner::RandomEnsembleWeights(
      learner::MakeSpec(num_features, 3, {8, 8}, EnsembleSpec::TANH, 1.0), seed);
}

std::string WriteWeights(const EnsembleWeights& weights, const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  EXPECT_TRUE(learner::SaveEnsembleWeights(weights, path).ok());
  return path;
}

int NumFeatures() {
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(kTask);
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? (*task)->num_features() : 0;
}

// What the loop of //experiments:mpc did before the driver existed.
struct HandLoop {
  std::vector<double> rewards, effective_samples, values, features, states, final_metrics;
};

HandLoop RunByHand(const planner::MppiSettings& settings, int threads,
                   planner::TerminalValue* value, int steps) {
  HandLoop out;
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(kTask);
  EXPECT_TRUE(task.ok());
  planner::ThreadPool pool(threads);
  absl::StatusOr<std::unique_ptr<planner::Agent>> agent =
      planner::Agent::Create(task->get(), settings, &pool);
  EXPECT_TRUE(agent.ok());
  for (int step = 0; step < steps; ++step) {
    const auto state = (*agent)->physics_state();
    out.states.insert(out.states.end(), state.begin(), state.end());
    const auto features = (*agent)->features();
    out.features.insert(out.features.end(), features.begin(), features.end());
    double v = 0;
    if (value != nullptr) value->Evaluate(features.data(), 1, &v);
    out.values.push_back(v);
    planner::AgentStep result = (*agent)->Step(step, value);
    out.rewards.push_back(result.reward);
    out.effective_samples.push_back(result.planner.effective_samples);
  }
  const auto state = (*agent)->physics_state();
  out.states.insert(out.states.end(), state.begin(), state.end());
  out.final_metrics.assign((*agent)->metrics().begin(), (*agent)->metrics().end());
  return out;
}

TEST(EvaluationTest, PlainMpcMatchesAHandWrittenLoopBitForBit) {
  absl::StatusOr<std::unique_ptr<Evaluation>> evaluation = Evaluation::Create(SmallOptions(3));
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ((*evaluation)->value(), nullptr);
  RunOptions run;
  run.steps = kSteps;
  run.record_states = true;
  run.keep_features = kSteps;
  const EpisodeRecord episode = (*evaluation)->Run(run);
  const HandLoop expected = RunByHand(SmallMppi(3), 1, nullptr, kSteps);
  EXPECT_EQ(episode.rewards, expected.rewards);
  EXPECT_EQ(episode.effective_samples, expected.effective_samples);
  EXPECT_EQ(episode.states, expected.states);
  EXPECT_EQ(episode.features, expected.features);
  EXPECT_EQ(episode.final_metrics, expected.final_metrics);
  double total = 0;
  for (double r : expected.rewards) total += r;
  EXPECT_EQ(episode.total_reward(), total);
  EXPECT_EQ(episode.mean_reward(), total / kSteps);
  ASSERT_EQ(episode.max_metrics.size(), episode.final_metrics.size());
  for (size_t i = 0; i < episode.max_metrics.size(); ++i) {
    EXPECT_GE(episode.max_metrics[i], episode.final_metrics[i]);
  }
  // Not a vacuous comparison: MPPI heads for the goal, the reward
  // (minus the distance to it) rises.
  EXPECT_LT(expected.rewards.front(), 0);
  EXPECT_GT(expected.rewards.back(), expected.rewards.front());
}

TEST(EvaluationTest, MpcWithAValueMatchesAHandWrittenLoopBitForBit) {
  const EnsembleWeights weights = RandomEnsemble(NumFeatures(), 7);
  EvaluationOptions options = SmallOptions(5);
  options.value_path = WriteWeights(weights, "value.pb");
  options.kappa = 0.5;
  absl::StatusOr<std::unique_ptr<Evaluation>> evaluation = Evaluation::Create(options);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  ASSERT_NE((*evaluation)->value(), nullptr);
  std::vector<double> values;
  RunOptions run;
  run.steps = kSteps;
  run.value_before = true;
  run.keep_features = 4;
  run.on_step = [&](const StepResult& result, const planner::Agent&) {
    EXPECT_EQ(result.step, static_cast<int>(values.size()) + 1);
    values.push_back(result.value_before);
  };
  const EpisodeRecord episode = (*evaluation)->Run(run);
  absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> value =
      learner::OptimisticValue::Create(weights, 0.5);
  ASSERT_TRUE(value.ok());
  const HandLoop expected = RunByHand(SmallMppi(5), 2, value->get(), kSteps);
  EXPECT_EQ(episode.rewards, expected.rewards);
  EXPECT_EQ(episode.effective_samples, expected.effective_samples);
  EXPECT_EQ(values, expected.values);
  const size_t nf = (*evaluation)->task().num_features();
  EXPECT_EQ(episode.features,
            std::vector<double>(expected.features.begin(), expected.features.begin() + 4 * nf));
  EXPECT_TRUE(episode.states.empty());
  // The value changes what the agent does.
  EXPECT_NE(episode.rewards, RunByHand(SmallMppi(5), 2, nullptr, kSteps).rewards);
}

TEST(EvaluationTest, RunsContinueAndRestartBeginsAFreshEpisode) {
  absl::StatusOr<std::unique_ptr<Evaluation>> evaluation = Evaluation::Create(SmallOptions(1));
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  RunOptions half;
  half.steps = kSteps / 2;
  std::vector<double> rewards = (*evaluation)->Run(half).rewards;
  EXPECT_EQ((*evaluation)->steps_taken(), kSteps / 2);
  const std::vector<double> second = (*evaluation)->Run(half).rewards;
  rewards.insert(rewards.end(), second.begin(), second.end());
  EXPECT_EQ(rewards, RunByHand(SmallMppi(1), 1, nullptr, kSteps).rewards);
  // Restart(seed) is Create with that seed.
  ASSERT_TRUE((*evaluation)->Restart(4).ok());
  EXPECT_EQ((*evaluation)->steps_taken(), 0);
  half.steps = kSteps;
  EXPECT_EQ((*evaluation)->Run(half).rewards, RunByHand(SmallMppi(4), 1, nullptr, kSteps).rewards);
}

TEST(EvaluationTest, ReplaceWeightsSeesTheLoadedWeightsAndItsResultIsUsed) {
  const int nf = NumFeatures();
  EvaluationOptions options = SmallOptions(2);
  options.value_path = WriteWeights(RandomEnsemble(nf, 1), "loaded.pb");
  const EnsembleWeights replacement = RandomEnsemble(nf, 2);
  int calls = 0;
  options.replace_weights = [&](const EnsembleWeights& loaded) -> absl::StatusOr<EnsembleWeights> {
    ++calls;
    EXPECT_EQ(loaded.spec().num_features(), nf);
    return replacement;
  };
  absl::StatusOr<std::unique_ptr<Evaluation>> evaluation = Evaluation::Create(options);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ(calls, 1);
  RunOptions run;
  run.steps = 6;
  absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> value =
      learner::OptimisticValue::Create(replacement, 0);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ((*evaluation)->Run(run).rewards, RunByHand(SmallMppi(2), 1, value->get(), 6).rewards);
  options.replace_weights = [](const EnsembleWeights&) -> absl::StatusOr<EnsembleWeights> {
    return absl::InvalidArgumentError("no ensemble");
  };
  EXPECT_EQ(Evaluation::Create(options).status().message(), "no ensemble");
}

TEST(EvaluationTest, ErrorsNameTheFlag) {
  EvaluationOptions options = SmallOptions(0);
  options.threads = 0;
  EXPECT_EQ(Evaluation::Create(options).status().message(), "--threads: got 0, expected 1..256");
  options.threads = 257;
  EXPECT_EQ(Evaluation::Create(options).status().code(), absl::StatusCode::kInvalidArgument);

  options = SmallOptions(0);
  options.task = "no_such_task";
  EXPECT_EQ(Evaluation::Create(options).status().code(), absl::StatusCode::kInvalidArgument);

  options = SmallOptions(0);
  options.value_path = WriteWeights(RandomEnsemble(NumFeatures() + 1, 3), "other_task.pb");
  options.value_flag = "act_value";
  const absl::Status wrong = Evaluation::Create(options).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.message().rfind("--act_value: ensemble has ", 0), 0) << wrong;

  options.value_path = "/nonexistent/value.pb";
  options.value_flag = "value";
  const absl::Status missing = Evaluation::Create(options).status();
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.message().rfind("--value: ", 0), 0) << missing;
}

}  // namespace
}  // namespace polo::experiments
