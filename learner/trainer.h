// Trains the value ensemble with randomised priors, paper eq. 5, using
// LibTorch and Adam. For each member k, every gradient step minimises on a
// minibatch B of n rows sampled uniformly with replacement from the data
// given to Train():
//
//   L_k = (1/n) Σ_{i∈B} (ỹ_ik − V_k(x_i))² + weight_decay · ‖θ_k‖²,
//   ỹ_ik = y_ik + σ·ε_ik,  ε_ik ~ N(0, 1) drawn afresh for every step,
//
// where V_k = f_θk + β p_k (learner/torch_ensemble.h), θ_k are the trained
// net's weights and biases only (the prior is frozen) and y_ik is member k's
// own target (eq. 7 is per member). The members are independent; the
// trainer minimises Σ_k L_k in one batched Adam step, which is the same as K
// separate Adams because Adam is element-wise.
//
// Mapping to eq. 5: eq. 5 sums squared errors over the N data points and adds
// (σ²/λ)‖θ‖²; divided by N (a mean, as here) that is
// weight_decay = σ²/(λ·N). Note LibTorch's AdamOptions::weight_decay adds
// wd·θ to the gradient, i.e. (wd/2)‖θ‖²: ours is half of that value.
//
// Threads: LibTorch's intra-op pool is process-global; Create and Load set
// it to settings.num_threads (default 1, because the processes that train
// also run rollouts on the machine's two cores). With one thread, a seed
// gives bit-identical weights.
//
// Errors: no LibTorch exception escapes; they become InternalError with
// LibTorch's message. Thread-compatible: one thread at a time.
#ifndef POLO_LEARNER_TRAINER_H_
#define POLO_LEARNER_TRAINER_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "learner/torch_ensemble.h"
#include "proto/ensemble.pb.h"

namespace polo::learner {

struct TrainerSettings {
  // Adam (LibTorch's defaults apart from the learning rate's paper value).
  double learning_rate = 1e-3;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  // σ: standard deviation of the noise added to every target (eq. 5).
  double target_noise = 0.0;
  // Coefficient of ‖θ_k‖² added to member k's mean squared error; eq. 5's
  // σ²/λ divided by the number of data points (see the file comment).
  double weight_decay = 0.0;
  // n: rows per minibatch (paper, humanoid: 32).
  int minibatch_size = 32;
  // G: Adam steps per Train() call (paper, humanoid: 64).
  int gradient_steps = 64;
  // Seeds the initial trained and prior nets, the minibatches and the noise.
  uint64_t seed = 0;
  // LibTorch intra-op threads (process-global; see the file comment).
  int num_threads = 1;
};

// InvalidArgument naming the field unless learning_rate > 0, betas in
// [0, 1), epsilon >= 0, target_noise >= 0, weight_decay >= 0 (all finite),
// minibatch_size > 0, gradient_steps >= 0 and num_threads > 0.
absl::Status ValidateTrainerSettings(const TrainerSettings& settings);

// What one Train() call did. Losses are Σ_k L_k / K (mean over members, with
// the weight-decay term) on the minibatch of a step, before that step.
struct TrainStats {
  int gradient_steps = 0;
  double first_loss = 0.0;
  double last_loss = 0.0;
  double mean_loss = 0.0;
  // Per member: mean squared error (no weight decay) on the last minibatch.
  std::vector<double> last_member_mse;
};

class Trainer {
 public:
  // A trainer with a freshly initialised ensemble (seeded by settings.seed),
  // identity normalisation and version 0. InvalidArgument if the spec or
  // settings do not validate.
  static absl::StatusOr<std::unique_ptr<Trainer>> Create(const polo::EnsembleSpec& spec,
                                                         const TrainerSettings& settings);

  // Restores a trainer saved by Save(): weights, normalisation, version,
  // Adam moments and step counts, and the RNG. Hyper-parameters come from
  // `settings` (settings.seed is unused). Errors name the path: NotFound,
  // DataLoss if unparsable or inconsistent, InvalidArgument for bad weights.
  static absl::StatusOr<std::unique_ptr<Trainer>> Load(const std::string& path,
                                                       const TrainerSettings& settings);

  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Writes the full state (polo.TrainerCheckpoint) atomically.
  absl::Status Save(const std::string& path) const;

  // Sets z = (x - offset) * scale for both trained and prior nets and bumps
  // the version. Meant to be set once, before training: the nets are not
  // adapted, so changing it later changes every member's function.
  // InvalidArgument naming the field unless both have num_features finite
  // values.
  absl::Status SetInputNormalisation(absl::Span<const double> offset,
                                     absl::Span<const double> scale);

  // SetInputNormalisation with offset = the per-feature mean of `features`
  // (row-major, N × num_features, N >= 1) and scale = 1/std (population
  // standard deviation), or 1 for features whose std is below 1e-6
  // (constant features are only shifted).
  absl::Status SetInputNormalisationFromData(absl::Span<const double> features);

  // Runs settings.gradient_steps Adam steps on minibatches drawn from
  // `features` (row-major N × num_features) and `targets` (row-major N × K,
  // column k = member k's targets); N >= 1. InvalidArgument naming the field
  // (and nothing changes) if sizes disagree or a value is not finite. Bumps
  // the version when at least one step ran. InternalError if LibTorch fails
  // midway (steps taken before stay applied, and the version is bumped if
  // there were any).
  absl::StatusOr<TrainStats> Train(absl::Span<const double> features,
                                   absl::Span<const double> targets);

  // The current weights stamped with version().
  absl::StatusOr<polo::EnsembleWeights> ExportWeights() const;

  // values[i * K + k] = V_k(features row i) with the current weights.
  absl::Status EvaluateMembers(const double* features, int batch, double* values) const;

  const polo::EnsembleSpec& spec() const { return ensemble_->spec(); }
  const TrainerSettings& settings() const { return settings_; }
  // Increases by one with every weight change (successful Train with steps,
  // normalisation change); 0 for the initial weights.
  uint64_t version() const { return version_; }
  uint64_t total_gradient_steps() const { return total_gradient_steps_; }

 private:
  struct Optimizer;
  Trainer(const TrainerSettings& settings, std::unique_ptr<TorchEnsemble> ensemble);
  absl::Status InitOptimizer();
  absl::StatusOr<TrainStats> TrainUnchecked(absl::Span<const double> features,
                                            absl::Span<const double> targets);

  TrainerSettings settings_;
  std::unique_ptr<TorchEnsemble> ensemble_;
  std::unique_ptr<Optimizer> optimizer_;
  std::mt19937_64 rng_;
  uint64_t version_ = 0;
  uint64_t total_gradient_steps_ = 0;
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_TRAINER_H_
