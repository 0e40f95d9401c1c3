// Model Predictive Path Integral control (Williams et al. 2017), the local
// trajectory optimiser of POLO (paper sec. 2.3; docs/design.md, "MPPI").
//
// Each iteration samples K noisy control sequences around the nominal U
// (planner/rollouts.h), scores rollout k by
//   S_k = Σ_{t<H} γ^t r(s_t, u_t) + γ^H V̂(s_H)
// (V̂ from a TerminalValue, evaluated once for all K end states; no V̂ means
// plain MPC; value_only drops the running rewards), and sets
//   w_k ∝ exp((S_k − max_j S_j) / (λ · scale)),   U ← Σ_k w_k u_k
// where u_k are the clamped controls rollout k applied, λ = temperature and
// scale = 1 (TemperatureMode::kAbsolute) or max_j S_j − min_j S_j
// (kNormalized, which makes λ independent of the return scale). Between
// control steps the nominal is shifted one step (warm start), the last step
// repeated.
//
// Lifecycle (as in MJPC): Create allocates everything; Reset clears the
// nominal; each control step calls Optimize(state, step) then reads action()
// and calls Shift(). Nothing allocates after Create.
//
// Determinism: the action depends only on (settings, seed, step, state,
// nominal, value), not on the number of pool threads.
// Thread-compatible: one thread drives an Mppi at a time.
#ifndef POLO_PLANNER_MPPI_H_
#define POLO_PLANNER_MPPI_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "models/task.h"
#include "planner/rollouts.h"
#include "planner/terminal_value.h"
#include "planner/thread_pool.h"

namespace polo::planner {

enum class TemperatureMode {
  kAbsolute,    // λ divides raw returns.
  kNormalized,  // λ divides returns normalised by their range in the batch.
};

struct MppiSettings {
  RolloutSettings rollouts;  // H, K, γ, σ, noise smoothing, value-only.
  // λ and its scale. Defaults chosen by measurement
  // (results/humanoid/README.md, "Measured so far: plain MPC"): on
  // humanoid_getup λ = 1.25 on raw returns (the paper's number; as its
  // authors' MPPI multiplies returns by it, it is λ = 0.8 there) only
  // averages noise (ESS ≈ 119 of 120, never sits up); 0.1 on returns
  // normalised by their range sits up at every horizon tried.
  double temperature = 0.1;
  TemperatureMode temperature_mode = TemperatureMode::kNormalized;
  // A floor under the effective sample size (0 = none): when λ leaves
  // fewer than this many rollouts effective, λ is raised for that step
  // until they are (MppiWeightsWithFloor). It keeps a terminal value whose
  // spread over the batch dwarfs the rewards' from reducing MPPI to the
  // argmax of one rollout (the hand: about 1 effective sample of 80).
  double min_effective_samples = 0;
  int iterations = 1;  // MPPI updates per control step.
  uint64_t seed = 0;
};

absl::Status ValidateMppiSettings(const MppiSettings& settings);

// The MPPI weighting, shared with learner/targets.h. Scores equal to
// std::numeric_limits<double>::lowest() mark diverged rollouts (weight 0).
// Writes normalised weights w_k ∝ exp((S_k − max S) / (λ · scale)) and
// returns the effective sample size 1 / Σ w_k², or 0 (weights all 0) if
// every rollout diverged. Allocation-free.
double MppiWeights(absl::Span<const double> scores, double temperature, TemperatureMode mode,
                   absl::Span<double> weights);

// MppiWeights at temperature λ' >= `temperature`: λ itself if its effective
// sample size is at least `min_effective_samples` (or that is <= 1), else
// the smallest λ' (to 1e-6 relative, by doubling then bisection; the size
// rises with λ) whose size reaches it, capped at the size all non-diverged
// rollouts allow. Returns the effective sample size. Deterministic,
// allocation-free.
double MppiWeightsWithFloor(absl::Span<const double> scores, double temperature,
                            TemperatureMode mode, double min_effective_samples,
                            absl::Span<double> weights);

// nominal = Σ_k w_k u_k over the controls of the last rollouts.Run.
void WeightedControls(const Rollouts& rollouts, absl::Span<const double> weights,
                      absl::Span<double> nominal);

// Diagnostics of the last Optimize.
struct MppiStats {
  double best_score = 0;      // max_k S_k of the last iteration.
  double mean_score = 0;      // Mean of S_k over non-diverged rollouts.
  double effective_samples = 0;  // 1 / Σ w_k², in [1, K].
  // Standard deviations over the non-diverged rollouts of the two parts of
  // S_k: the running return Σ γ^t r and the terminal term γ^H V̂(s_H) (0
  // without a value). Beside λ they say which part decides the weights.
  double return_spread = 0;
  double value_spread = 0;
  int diverged = 0;           // Rollouts whose physics blew up.
};

class Mppi {
 public:
  static absl::StatusOr<std::unique_ptr<Mppi>> Create(const models::Task* task,
                                                      const MppiSettings& settings,
                                                      ThreadPool* pool);

  // Sets the nominal to zero controls (clamped into the actuator range).
  void Reset();

  // Improves the nominal from `state` (models::PhysicsStateSize values) for
  // control step `step` (part of the noise key). value may be null (plain
  // MPC); otherwise value->num_features() must equal the task's.
  MppiStats Optimize(const double* state, uint64_t step, TerminalValue* value);

  // The first control of the nominal, nu values.
  absl::Span<const double> action() const { return {nominal_.data(), static_cast<size_t>(nu_)}; }
  // The whole nominal, H × nu row-major.
  absl::Span<const double> nominal() const { return nominal_; }
  // Drops the first step of the nominal and repeats the last one.
  void Shift();

  const MppiSettings& settings() const { return settings_; }

 private:
  Mppi(const MppiSettings& settings, std::unique_ptr<Rollouts> rollouts);
  MppiStats Update(TerminalValue* value);

  MppiSettings settings_;
  std::unique_ptr<Rollouts> rollouts_;
  int nu_;
  std::vector<double> nominal_;  // H × nu.
  std::vector<double> scores_;   // K.
  std::vector<double> values_;   // K.
  std::vector<double> weights_;  // K.
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_MPPI_H_
