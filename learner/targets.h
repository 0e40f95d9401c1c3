// N-step trajectory-optimised value targets, paper eq. 7:
//
//   y_k(s) = max_{a_0..a_{N-1}} Σ_{t<N} γ^t r(s_t, a_t) + γ^N V_k(s_N),  s_0 = s
//
// for every ensemble member k. This is what target workers run.
//
// The max is approximated by sampling (planner/rollouts.h) around a nominal
// that starts at zero controls, or at the plan the actor optimised from the
// state (warm start), and is improved by MPPI for `iterations` rounds. Two modes:
//  - kSharedSamples (default): each round samples one set of rollouts and
//    every member scores all of them with its own terminal value, so the
//    physics is paid once for all K members; the nominal follows the
//    members' mean score; y_k is the best score member k saw over all rounds.
//  - kPerMember: each member runs its own MPPI rounds with its own value
//    (K times the physics); y_k is the best score of its own rounds.
// Because the simulator is deterministic, every sampled score is the return
// of a real action sequence: y_k never exceeds the true N-step optimum.
//
// Determinism: targets depend only on (settings, seed, state id, state,
// weights), not on the thread count. Thread-compatible; allocation-free per
// state after Create (given an ensemble that has seen the batch size).
#ifndef POLO_LEARNER_TARGETS_H_
#define POLO_LEARNER_TARGETS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "learner/eigen_ensemble.h"
#include "models/task.h"
#include "planner/rollouts.h"
#include "planner/thread_pool.h"

namespace polo::learner {

enum class TargetMode { kSharedSamples, kPerMember };

struct TargetSettings {
  // N, K, γ, σ, smoothing. Rewards are always on, features always needed.
  planner::RolloutSettings rollouts = DefaultRollouts();
  int iterations = 1;         // MPPI rounds per state.
  double temperature = 0.05;  // λ of the nominal's MPPI update (absolute).
  TargetMode mode = TargetMode::kSharedSamples;
  uint64_t seed = 0;

  static planner::RolloutSettings DefaultRollouts() {
    planner::RolloutSettings r;
    r.horizon = 16;
    r.num_rollouts = 64;
    return r;
  }
};

absl::Status ValidateTargetSettings(const TargetSettings& settings);

class TargetComputer {
 public:
  static absl::StatusOr<std::unique_ptr<TargetComputer>> Create(const models::Task* task,
                                                                const TargetSettings& settings,
                                                                planner::ThreadPool* pool);

  // For each of the states (row-major, num_states × PhysicsStateSize) writes
  // y_k to targets[i * K + k], K = ensemble->ensemble_size(). state_ids[i]
  // keys state i's noise (use the replay index or any unique id).
  // Returns InvalidArgument if sizes disagree or a state is malformed;
  // nothing is written then.
  //
  // Warm start: `plans` is empty (every optimisation starts from zero
  // controls) or holds num_states × N × nu controls (row-major), state i's
  // starting nominal; with one, y_k(s) is never below member k's score of
  // that plan (it is rollout 0 of the first round). InvalidArgument if its
  // size is neither.
  absl::Status Compute(absl::Span<const double> states, absl::Span<const uint64_t> state_ids,
                       EigenEnsemble* ensemble, absl::Span<double> targets,
                       absl::Span<const float> plans = {});

  const TargetSettings& settings() const { return settings_; }

 private:
  TargetComputer(const models::Task* task, const TargetSettings& settings,
                 std::unique_ptr<planner::Rollouts> rollouts);
  // Targets of one state into y (K values).
  // plan: N × nu starting controls, or null for zero controls.
  void ComputeOne(const double* state, uint64_t state_id, const float* plan,
                  EigenEnsemble* ensemble, double* y);
  void StartNominal(const float* plan);
  // One MPPI round for member `member` (-1: the members' mean); updates the
  // nominal and folds the scores into y.
  void Round(const double* state, uint64_t state_id, int round, int member,
             EigenEnsemble* ensemble, double* y);

  const models::Task* task_;
  TargetSettings settings_;
  std::unique_ptr<planner::Rollouts> rollouts_;
  std::vector<double> nominal_;        // N × nu.
  std::vector<double> member_values_;  // rollouts × K.
  std::vector<double> scores_;         // rollouts.
  std::vector<double> weights_;        // rollouts.
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_TARGETS_H_
