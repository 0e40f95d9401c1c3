// Command-line flags of //server:learner that describe the run (task, mode,
// every hyperparameter) and their translation into a polo.RunConfig: the
// task's preset (config/presets.h) with each given flag overriding one
// field, as the table in config/run_flags.h says. MPPI flags (--horizon, --rollouts, --sigma, --temperature,
// --gamma, --seed, ...) are the shared ones of planner/mppi_flags.h.
#ifndef POLO_SERVER_LEARNER_FLAGS_H_
#define POLO_SERVER_LEARNER_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "proto/polo.pb.h"

ABSL_DECLARE_FLAG(std::string, task);
ABSL_DECLARE_FLAG(std::string, mode);
ABSL_DECLARE_FLAG(std::optional<int64_t>, total_steps);
ABSL_DECLARE_FLAG(std::optional<double>, final_kappa);

namespace polo::server {

// Reads the flags. InvalidArgument naming the flag ("--mode: got \"x\",
// expected sync or async"; "--task: ..." listing the known tasks) for a
// bad value. The result still needs CompleteRunConfig / ValidateRunConfig
// against its task, whose errors name config fields that match the flags.
absl::StatusOr<polo::RunConfig> RunConfigFromFlags();

// Rewrites an error about a RunConfig field ("training.minibatch_size: got
// 0, ...") in terms of the flag that sets it ("--minibatch_size: got 0,
// ...", config::InFlagTerms), and LearnerOptions.checkpoint_period as
// --checkpoint_every_s; other errors are returned unchanged.
absl::Status InFlagTerms(const absl::Status& status);

// The hyperparameter flags defined here, for the test that they are
// exactly the rows of config::RunFlags().
std::vector<std::string> RunFlagNames();

}  // namespace polo::server

#endif  // POLO_SERVER_LEARNER_FLAGS_H_
