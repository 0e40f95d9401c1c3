// Command-line flags of //server:learner that describe the run (task, mode,
// every hyperparameter) and their translation into a polo.RunConfig. MPPI
// flags (--horizon, --rollouts, --sigma, --temperature, --gamma, --seed,
// ...) are the shared ones of planner/mppi_flags.h. Defaults are the
// paper's humanoid settings (run_config.h); for the point-mass tasks, flags
// left at their default values take the point-mass presets measured by
// learner/exploration.cc (H = 32, K = 64, sigma 0.5, smoothing 0.9,
// normalised temperature 0.1, targets N = 8 with 16 rollouts, lr 1e-2,
// 2 x 32 nets, kappa = 5; G stays 64).
#ifndef POLO_SERVER_LEARNER_FLAGS_H_
#define POLO_SERVER_LEARNER_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "proto/polo.pb.h"

ABSL_DECLARE_FLAG(std::string, task);
ABSL_DECLARE_FLAG(std::string, mode);
ABSL_DECLARE_FLAG(int64_t, total_steps);

namespace polo::server {

// Reads the flags. InvalidArgument naming the flag ("--mode: got \"x\",
// expected sync or async"; "--task: ..." listing the known tasks) for a
// bad value. The result still needs CompleteRunConfig / ValidateRunConfig
// against its task, whose errors name config fields that match the flags.
absl::StatusOr<polo::RunConfig> RunConfigFromFlags();

// Rewrites an error about a RunConfig field ("training.minibatch_size: got
// 0, ...") in terms of the flag that sets it ("--minibatch_size: got 0,
// ..."); other errors are returned unchanged.
absl::Status InFlagTerms(const absl::Status& status);

}  // namespace polo::server

#endif  // POLO_SERVER_LEARNER_FLAGS_H_
