#include "server/learner_flags.h"

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "absl/flags/flag.h"
#include "planner/mppi_flags.h"
#include "models/registry.h"
#include "rpc/run_config.h"
#include "server/presets.h"

ABSL_DECLARE_FLAG(std::optional<int>, target_states);
ABSL_DECLARE_FLAG(std::optional<bool>, warm_start);
ABSL_DECLARE_FLAG(std::optional<double>, final_kappa);
ABSL_DECLARE_FLAG(std::optional<std::string>, hidden_sizes);

namespace polo::server {
namespace {

// Flags are process-global: each test sets what it needs and restores it.
class LearnerFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_task, std::string(rpc::kDefaultTask));
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
  EXPECT_EQ(c->task(), rpc::kDefaultTask);
  EXPECT_EQ(c->training().target_states(), 0u);
  EXPECT_FALSE(c->targets().warm_start());
  EXPECT_FALSE(c->ensemble().has_value_scale());
  EXPECT_EQ(c->mppi().horizon(), 32);
}

TEST_F(LearnerFlagsTest, WithoutFlagsTheConfigIsTheTaskFamilysPresetExactly) {
  for (const char* name : {"point_mass_maze", "humanoid_getup", "humanoid_walk"}) {
    absl::SetFlag(&FLAGS_task, std::string(name));
    absl::StatusOr<polo::RunConfig> c = RunConfigFromFlags();
    ASSERT_TRUE(c.ok()) << c.status();
    std::unique_ptr<models::Task> task = *models::MakeTask(name);
    EXPECT_EQ(c->SerializeAsString(), PresetRunConfig(*task).SerializeAsString()) << name;
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
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError(
                            "ensemble.spec.value_scale: is 0, expected finite and > 0"))
                .message(),
            "--value_scale: is 0, expected finite and > 0");
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("mppi.num_rollouts: is 0, expected >= 1"))
                .message(),
            "--rollouts: is 0, expected >= 1");
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("training.target_states: got 5000, expected "
                                                   "in [0, 4096]"))
                .message(),
            "--target_states: got 5000, expected in [0, 4096]");
}

}  // namespace
}  // namespace polo::server
