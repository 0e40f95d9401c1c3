// POLO, Algorithm 1 of the paper, in one process and synchronous:
//
//   for t = 1, 2, ...
//     act with MPPI, terminal value V̂ = eq. 6 over the ensemble (κ)
//     add s_t to the replay buffer
//     if t mod Z == 0: G times { sample n states, targets by eq. 7 with the
//                                current weights, one eq. 5 update }
//
// Episodes last episode_length steps (the task's unless overridden) and
// restart from the task's reset distribution. Every random stream follows
// the service's seed schedule (seed_schedule.h), this loop being actor 0.
// Baselines of the paper: ensemble_size == 0 is plain MPC (no value, no
// learning); acting.rollouts.horizon == 1 is greedy POLO.
//
// The ensemble sees the task's value features as they are (identity input
// normalisation): tasks scale their features to about unit range. Fitting
// the normalisation to the first states visited would be wrong for
// exploration: they all lie in one corner, so the fitted scale blows up
// everywhere else.
//
// This is the reference the distributed service (server/) is tested
// against. Thread-compatible: one thread calls Step; rollouts use the pool.
#ifndef POLO_LEARNER_POLO_LOOP_H_
#define POLO_LEARNER_POLO_LOOP_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "learner/eigen_ensemble.h"
#include "learner/optimistic_value.h"
#include "learner/replay_buffer.h"
#include "learner/targets.h"
#include "learner/trainer.h"
#include "models/task.h"
#include "planner/agent.h"
#include "planner/mppi.h"
#include "planner/thread_pool.h"
#include "proto/ensemble.pb.h"

namespace polo::learner {

struct PoloSettings {
  planner::MppiSettings acting;  // H, K, σ, λ, γ of the agent's MPPI.
  TargetSettings targets;        // N-step targets, eq. 7.
  // Ensemble shape; num_features is taken from the task. ensemble_size 0
  // turns value learning off (plain MPC).
  polo::EnsembleSpec ensemble;
  TrainerSettings trainer;  // n = minibatch_size; gradient_steps is ignored.
  int gradient_steps = 64;  // G.
  int update_every = 16;    // Z.
  double kappa = 1.0;       // Optimism of eq. 6.
  int64_t replay_capacity = 100000;
  int episode_length = 0;  // 0: the task's.
  uint64_t seed = 0;       // Resets, noise, ensemble initialisation.
};
// A run's settings for a task come from its configuration
// (config::PoloSettingsFromConfig over config::PresetRunConfig), so that
// the loop and the service plan and learn alike.

absl::Status ValidatePoloSettings(const PoloSettings& settings);

struct PoloStep {
  uint64_t step = 0;     // t, counting from 0.
  uint64_t episode = 0;
  double reward = 0;     // r(s_t, a_t).
  planner::MppiStats planner;
  bool updated = false;      // An update ran after this step.
  double value_loss = 0;     // Mean training loss of that update.
  double disagreement = 0;   // Std over members of V_k(s_{t+1}).
  double value = 0;          // V̂(s_{t+1}), eq. 6.
  uint64_t weights_version = 0;
};

class PoloLoop {
 public:
  static absl::StatusOr<std::unique_ptr<PoloLoop>> Create(const models::Task* task,
                                                          const PoloSettings& settings,
                                                          planner::ThreadPool* pool);

  // One agent step (Algorithm 1, lines 3–10).
  absl::StatusOr<PoloStep> Step();

  const planner::Agent& agent() const { return *agent_; }
  const ReplayBuffer& buffer() const { return *buffer_; }
  bool learning() const { return trainer_ != nullptr; }
  // The current ensemble weights. FailedPrecondition without learning.
  absl::StatusOr<polo::EnsembleWeights> weights() const;

 private:
  PoloLoop(const models::Task* task, const PoloSettings& settings);
  absl::Status AddVisitedState();
  // Lines 6–9: G × {sample, targets, update}; returns the mean loss.
  absl::StatusOr<double> Update();
  absl::Status RefreshValue();

  const models::Task* task_;
  PoloSettings settings_;
  std::unique_ptr<planner::Agent> agent_;
  std::unique_ptr<ReplayBuffer> buffer_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<TargetComputer> targets_;
  std::unique_ptr<EigenEnsemble> ensemble_;  // Current weights, for targets.
  std::unique_ptr<OptimisticValue> value_;   // Current weights, for acting.
  uint64_t step_ = 0;
  uint64_t episode_ = 0;
  uint64_t draws_ = 0;  // Replay draws so far (seed_schedule.h).
  int episode_step_ = 0;
  // Scratch for one minibatch.
  std::vector<double> batch_states_, batch_features_, batch_targets_, member_values_;
  std::vector<uint64_t> batch_ids_;
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_POLO_LOOP_H_
