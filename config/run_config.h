// polo.RunConfig (proto/polo.proto): the one description of a run that the
// learner hands to every worker. This library builds the default, checks a
// config against its task, and converts it into the settings structs of the
// planner and target libraries. Stateless, thread-safe.
#ifndef POLO_CONFIG_RUN_CONFIG_H_
#define POLO_CONFIG_RUN_CONFIG_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/limits.h"
#include "learner/targets.h"
#include "models/task.h"
#include "planner/mppi.h"
#include "proto/polo.pb.h"

namespace polo::config {

// The task the learner trains with no flags: the paper's reward-free maze.
// It is the fast default (a few µs per physics step, 4 value features), so
// the one-machine run finishes in minutes on two cores.
inline constexpr char kDefaultTask[] = "point_mass_maze";


// Paper defaults (docs/settings.md, "Humanoid"): SYNCHRONOUS; MPPI as planner/mppi.h's
// defaults (H = 64, K = 120, σ = 0.2, γ = 0.99, temperature and noise
// smoothing as measured there); targets
// N = 16 with 64 rollouts; ensemble 6 × (16, 16) tanh, β = 1, κ = 1;
// Z = 16, G = 64, n = 32, Adam lr 1e-3, first update at t = Z; 30 s leases;
// replay 100000.
// physics_state_size, num_features and episode_length are left 0 (filled
// from the task by CompleteRunConfig).
polo::RunConfig DefaultRunConfig();

// Fills physics_state_size, num_features (also ensemble.num_features) and,
// if 0, episode_length from `task`.
void CompleteRunConfig(const models::Task& task, polo::RunConfig* config);

// InvalidArgument naming the field ("training.minibatch_size: got 0,
// expected > 0") unless every value is in range and the derived sizes match
// `task`.
absl::Status ValidateRunConfig(const polo::RunConfig& config, const models::Task& task);

// κ of the actors' terminal value with weights published after
// `agent_steps`: kappa, or, with final_kappa, the straight line from kappa
// at step 0 to final_kappa at total_steps (held there after it).
double KappaAt(const polo::RunConfig& config, uint64_t agent_steps);

// The inverse of MppiSettingsFromConfig (the seed is RunConfig.seed's).
void SetMppiConfig(const planner::MppiSettings& settings, polo::MppiConfig* config);

// The actors' MPPI settings, seeded with `seed`.
planner::MppiSettings MppiSettingsFromConfig(const polo::RunConfig& config, uint64_t seed);

// The target workers' settings (learner/targets.h).
learner::TargetSettings TargetSettingsFromConfig(const polo::RunConfig& config);


}  // namespace polo::config

#endif  // POLO_CONFIG_RUN_CONFIG_H_
