#include "server/learner_flags.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "planner/mppi_flags.h"
#include "models/registry.h"
#include "config/run_config.h"
#include "config/presets.h"
#include "config/run_flags.h"
#include "absl/flags/reflection.h"

ABSL_DECLARE_FLAG(std::optional<int>, target_states);
ABSL_DECLARE_FLAG(std::optional<bool>, warm_start);
ABSL_DECLARE_FLAG(std::optional<std::string>, hidden_sizes);
ABSL_DECLARE_FLAG(std::optional<int>, update_every);
ABSL_DECLARE_FLAG(std::optional<int>, gradient_steps);
ABSL_DECLARE_FLAG(std::optional<int>, minibatch_size);
ABSL_DECLARE_FLAG(std::optional<double>, learning_rate);
ABSL_DECLARE_FLAG(std::optional<double>, target_noise);
ABSL_DECLARE_FLAG(std::optional<double>, weight_decay);
ABSL_DECLARE_FLAG(std::optional<int64_t>, lease_ms);
ABSL_DECLARE_FLAG(std::optional<double>, value_scale);
ABSL_DECLARE_FLAG(std::optional<double>, value_offset);
ABSL_DECLARE_FLAG(std::optional<double>, kappa);
ABSL_DECLARE_FLAG(std::optional<int>, target_horizon);
ABSL_DECLARE_FLAG(std::optional<int>, target_rollouts);
ABSL_DECLARE_FLAG(std::optional<int>, target_iterations);
ABSL_DECLARE_FLAG(std::optional<int>, episode_length);

namespace polo::server {
namespace {

// Flags are process-global: each test sets what it needs and restores it.
class LearnerFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_task, std::string(config::kDefaultTask));
    absl::SetFlag(&FLAGS_horizon, std::nullopt);
    absl::SetFlag(&FLAGS_target_states, std::nullopt);
    absl::SetFlag(&FLAGS_warm_start, std::nullopt);
    absl::SetFlag(&FLAGS_final_kappa, std::nullopt);
    absl::SetFlag(&FLAGS_total_steps, std::nullopt);
    absl::SetFlag(&FLAGS_hidden_sizes, std::nullopt);
  }
};

TEST_F(LearnerFlagsTest, HumanoidTasksGetTheHumanoidPresets) {
  absl::SetFlag(&FLAGS_task, std::string("humanoid_getup"));
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->mppi().horizon(), 32);
  EXPECT_EQ(c->mppi().temperature(), 0.05);
  EXPECT_FALSE(c->mppi().normalized_temperature());
  EXPECT_EQ(c->training().target_states(), 128u);
  EXPECT_EQ(c->targets().horizon(), 16);
  EXPECT_EQ(c->targets().num_rollouts(), 24);
  EXPECT_TRUE(c->targets().warm_start());
  EXPECT_EQ(c->ensemble().value_scale(), 10.0);
  EXPECT_EQ(c->total_steps(), 12000u);
  EXPECT_EQ(c->kappa(), 1.0);
  ASSERT_TRUE(c->has_final_kappa());
  EXPECT_EQ(c->final_kappa(), 0.0);
}

TEST_F(LearnerFlagsTest, TheHandGetsThePapersHandSettingsAndAValidConfig) {
  absl::SetFlag(&FLAGS_task, std::string("hand_cube"));
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->mppi().num_rollouts(), 80);
  EXPECT_EQ(c->mppi().horizon(), 32);
  EXPECT_EQ(c->mppi().temperature(), 0.02);
  EXPECT_FALSE(c->mppi().normalized_temperature());
  EXPECT_EQ(c->ensemble().ensemble_size(), 6);
  EXPECT_EQ(c->ensemble().hidden_sizes_size(), 2);
  EXPECT_EQ(c->ensemble().hidden_sizes(0), 64);
  EXPECT_EQ(c->ensemble().hidden_sizes(1), 64);
  EXPECT_EQ(c->training().update_every(), 25);
  EXPECT_EQ(c->training().gradient_steps(), 16);
  EXPECT_EQ(c->training().minibatch_size(), 16);
  EXPECT_EQ(c->targets().horizon(), 16);
  EXPECT_TRUE(c->targets().warm_start());
  EXPECT_EQ(c->targets().temperature(), 0.02);
  EXPECT_EQ(c->ensemble().value_scale(), 1.0);
  EXPECT_EQ(c->ensemble().value_offset(), -5.0);
  EXPECT_EQ(c->kappa(), 0.1);
  EXPECT_EQ(c->final_kappa(), 0.0);
  EXPECT_EQ(c->total_steps(), 2500u);
  EXPECT_EQ(c->episode_length(), 300);
  std::unique_ptr<models::Task> task = *models::MakeTask("hand_cube");
  EXPECT_TRUE(config::ValidateRunConfig(*c, *task).ok()) << config::ValidateRunConfig(*c, *task);
}

TEST_F(LearnerFlagsTest, AHumanoidRunWithoutAnEndKeepsKappaUnlessFinalKappaIsGiven) {
  absl::SetFlag(&FLAGS_task, std::string("humanoid_getup"));
  absl::SetFlag(&FLAGS_total_steps, int64_t{0});
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->has_final_kappa());
  absl::SetFlag(&FLAGS_final_kappa, 0.5);
  c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->final_kappa(), 0.5);  // Refused later by ValidateRunConfig, in flag terms.
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError(
                            "final_kappa: got 0.5, expected absent when total_steps is 0"))
                .message(),
            "--final_kappa: got 0.5, expected absent when total_steps is 0");
}

TEST_F(LearnerFlagsTest, GivenFlagsOverrideTheHumanoidPresets) {
  absl::SetFlag(&FLAGS_task, std::string("humanoid_getup"));
  absl::SetFlag(&FLAGS_horizon, 64);
  absl::SetFlag(&FLAGS_target_states, 0);
  absl::SetFlag(&FLAGS_warm_start, false);
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->mppi().horizon(), 64);
  EXPECT_EQ(c->training().target_states(), 0u);  // Algorithm 1.
  EXPECT_FALSE(c->targets().warm_start());
}

TEST_F(LearnerFlagsTest, PointMassWorldsKeepAlgorithmOneWithoutWarmStart) {
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->task(), config::kDefaultTask);
  EXPECT_EQ(c->training().target_states(), 0u);
  EXPECT_FALSE(c->targets().warm_start());
  EXPECT_FALSE(c->ensemble().has_value_scale());
  EXPECT_EQ(c->mppi().horizon(), 32);
}

TEST_F(LearnerFlagsTest, WithoutFlagsTheConfigIsTheTasksPresetExactly) {
  for (const char* name : {"point_mass_maze", "humanoid_getup", "humanoid_walk", "hand_cube"}) {
    absl::SetFlag(&FLAGS_task, std::string(name));
    absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
    ASSERT_TRUE(c.ok()) << c.status();
    std::unique_ptr<models::Task> task = *models::MakeTask(name);
    EXPECT_EQ(c->SerializeAsString(), config::PresetRunConfig(*task).SerializeAsString()) << name;
    EXPECT_EQ(c->total_steps(), task->lifetime_steps()) << name;
  }
}

TEST_F(LearnerFlagsTest, AGivenFlagOverridesOneFieldAndEmptyIsNotASentinel) {
  absl::SetFlag(&FLAGS_hidden_sizes, std::string("8"));
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ensemble().hidden_sizes_size(), 1);
  EXPECT_EQ(c->ensemble().hidden_sizes(0), 8);
  absl::SetFlag(&FLAGS_hidden_sizes, std::string(""));
  EXPECT_EQ(RunConfigFromFlags().status().message(),
            "--hidden_sizes: got \"\", expected comma-separated widths >= 1, e.g. 16,16");
  absl::SetFlag(&FLAGS_hidden_sizes, std::nullopt);
  absl::SetFlag(&FLAGS_total_steps, int64_t{-1});
  EXPECT_EQ(RunConfigFromFlags().status().message(), "--total_steps: got \"-1\", expected >= 0");
}

TEST_F(LearnerFlagsTest, BadValuesAreReportedInFlagTerms) {
  absl::SetFlag(&FLAGS_target_states, -1);
  EXPECT_EQ(RunConfigFromFlags().status().message(), "--target_states: got \"-1\", expected >= 0");
  // Field errors go through the table's wording (config/run_flags_test.cc
  // covers its cases).
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("training.target_states: got 5000, expected "
                                                   "in [0, 4096]"))
                .message(),
            "--target_states: got 5000, expected in [0, 4096]");
}

// What the learner binary does with the flags: the config, completed and
// validated against its task, errors in flag terms.
absl::Status ValidatedFromFlags() {
  absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
  if (!c.ok()) return c.status();
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(c->task());
  if (!task.ok()) return task.status();
  config::CompleteRunConfig(**task, &*c);
  return InFlagTerms(config::ValidateRunConfig(*c, **task));
}

// Each flag's bad value is refused by the config's validation, which names
// the field; the one flag table turns it back into the flag given.
TEST_F(LearnerFlagsTest, EveryConfigValidationErrorNamesTheFlagThatSetTheField) {
  auto expect_flag = [](const char* flag) {
    const absl::Status status = ValidatedFromFlags();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << flag;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat("--", flag, ":")))
        << flag << ": " << status.message();
  };
  ASSERT_TRUE(ValidatedFromFlags().ok());
  const double inf = std::numeric_limits<double>::infinity();
#define POLO_EXPECT_REFUSED(flag, bad)     \
  absl::SetFlag(&FLAGS_##flag, bad);       \
  expect_flag(#flag);                      \
  absl::SetFlag(&FLAGS_##flag, std::nullopt)
  POLO_EXPECT_REFUSED(update_every, 0);
  POLO_EXPECT_REFUSED(gradient_steps, 0);
  POLO_EXPECT_REFUSED(minibatch_size, 0);
  POLO_EXPECT_REFUSED(target_states, 5000);
  POLO_EXPECT_REFUSED(learning_rate, 0.0);
  POLO_EXPECT_REFUSED(target_noise, -1.0);
  POLO_EXPECT_REFUSED(weight_decay, inf);
  POLO_EXPECT_REFUSED(lease_ms, int64_t{0});
  POLO_EXPECT_REFUSED(value_scale, 0.0);
  POLO_EXPECT_REFUSED(value_offset, inf);
  POLO_EXPECT_REFUSED(kappa, inf);
  POLO_EXPECT_REFUSED(final_kappa, inf);
  POLO_EXPECT_REFUSED(target_horizon, 0);
  POLO_EXPECT_REFUSED(target_rollouts, 0);
  POLO_EXPECT_REFUSED(target_iterations, 0);
  POLO_EXPECT_REFUSED(episode_length, -1);
#undef POLO_EXPECT_REFUSED
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("checkpoint_period: got 0s, expected > 0"))
                .message(),
            "--checkpoint_every_s: got 0s, expected > 0");
}

TEST_F(LearnerFlagsTest, TheFlagsAreExactlyTheRowsOfTheRunFlagTable) {
  std::vector<std::string> rows;
  for (const config::RunFlag& row : config::RunFlags()) rows.push_back(row.flag);
  EXPECT_EQ(RunFlagNames(), rows);
}

TEST_F(LearnerFlagsTest, HelpTextIsTheTablesWithTheDefaultsFromThePresets) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag("target_rollouts");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(flag->Help(), config::RunFlagHelp("target_rollouts"));
  EXPECT_EQ(flag->Help(),
            "sampled rollouts per target round (default 64; adroit_cube, adroit_cube_uniform, "
            "point_mass_box, point_mass_goal, point_mass_maze 16; hand_cube, hand_cube_dapg, "
            "hand_cube_near, hand_cube_near_dapg, humanoid_box, humanoid_getup, "
            "humanoid_getup_sparse, humanoid_walk 24)");
}

}  // namespace
}  // namespace polo::server
