// Parallel MuJoCo rollouts of noisy control sequences around a nominal, the
// physics engine under MPPI (planner/mppi.h) and N-step targets
// (learner/targets.h).
//
// Each of K rollouts starts from the same full physics state, applies
// u_t = clamp(U_t + ε_t) for t < H and records Σ_t γ^t r(s_t, u_t), the
// value features of s_H and the applied controls. Rollout 0 uses ε = 0, so
// the nominal itself is always among the candidates.
//
// Noise: ε_t = ρ·ε_{t-1} + sqrt(1-ρ²)·σ·η_t with η_t ~ N(0, 1) from the
// stream NoiseKey{seed, step, iteration, k} (planner/noise.h) and ε_{-1} = 0
// scaled to N(0, σ²): ρ = 0 is white noise, ρ → 1 ever smoother, and every
// ε_t has standard deviation σ either way. Results are therefore
// bit-identical for any number of threads.
//
// Ownership: all memory (one mjData per pool worker, noise and result
// buffers) is allocated by Create; Run allocates nothing. The Task and
// ThreadPool must outlive this object. Thread-compatible.
#ifndef POLO_PLANNER_ROLLOUTS_H_
#define POLO_PLANNER_ROLLOUTS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "models/task.h"
#include "planner/noise.h"
#include "planner/thread_pool.h"

namespace polo::planner {

struct RolloutSettings {
  int horizon = 64;          // H, control steps per rollout.
  int num_rollouts = 120;    // K.
  double gamma = 0.99;       // Discount γ of the running return.
  double noise_sigma = 0.2;  // σ, standard deviation of ε_t.
  // ρ in [0, 1): correlation of ε_t with ε_{t-1}. 0.8 by measurement: on
  // humanoid_getup white noise (0) never sits up, ρ = 0.8 does.
  double noise_smoothing = 0.8;
  bool with_reward = true;   // False: running returns are 0 ("value-only").
  bool with_features = true; // False: skip the value features of s_H.
};

// Returns InvalidArgument naming the first field out of range.
absl::Status ValidateRolloutSettings(const RolloutSettings& settings);

class Rollouts {
 public:
  static absl::StatusOr<std::unique_ptr<Rollouts>> Create(const models::Task* task,
                                                          const RolloutSettings& settings,
                                                          ThreadPool* pool);

  // Runs all rollouts from `state` (models::PhysicsStateSize values) around
  // `nominal` (H × nu, row-major). key.rollout is ignored: rollout k uses
  // key with rollout = k. Blocks until all rollouts are done.
  void Run(const double* state, const double* nominal, NoiseKey key);

  const RolloutSettings& settings() const { return settings_; }
  const models::Task& task() const { return *task_; }
  int num_controls() const { return nu_; }
  int num_features() const { return nf_; }

  // Results of the last Run, for rollout k in [0, K).
  // Σ_{t<H} γ^t r(s_t, u_t); lowest() for a rollout whose physics diverged.
  double running_return(int k) const { return returns_[k]; }
  // The H × nu controls rollout k applied (after clamping).
  const double* controls(int k) const { return controls_.data() + k * horizon_stride(); }
  // All terminal features, K × num_features() row-major, for one batched
  // value call.
  const double* terminal_features() const { return features_.data(); }
  bool diverged(int k) const { return diverged_[k] != 0; }

 private:
  Rollouts(const models::Task* task, const RolloutSettings& settings, ThreadPool* pool);
  int horizon_stride() const { return settings_.horizon * nu_; }
  void RunOne(int k, int worker, const double* state, const double* nominal, NoiseKey key);

  const models::Task* task_;
  const mjModel* model_;
  RolloutSettings settings_;
  ThreadPool* pool_;
  int nu_;
  int nf_;
  std::vector<models::UniqueMjData> data_;  // One per pool worker.
  std::vector<double> controls_;            // K × H × nu.
  std::vector<double> returns_;             // K.
  std::vector<double> features_;            // K × nf.
  std::vector<char> diverged_;              // K.
  std::vector<double> epsilon_;             // Per worker: ε_{t-1}, nu values.
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_ROLLOUTS_H_
