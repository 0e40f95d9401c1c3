// The value ensemble as LibTorch tensors, for training (learner/trainer.h).
// K members, each V_k(x) = b + s (f_k(z) + β p_k(z)) with
// z = (x - offset) * scale, s = spec.value_scale, b = spec.value_offset
// (proto/ensemble.proto),
// f_k a trainable MLP and p_k a frozen random prior MLP of the same shape
// (randomised priors, paper eq. 5). The members' layers are stacked into
// [K, out, in] tensors so one batched matmul runs all K nets.
//
// Initialisation (Create): every layer of every trained and prior net is
// drawn like LibTorch's nn::Linear default, weights and biases
// U(-1/sqrt(in), 1/sqrt(in)), but from this project's own seeded streams
// (util/random.h; stream per member and per trained/prior) rather than
// LibTorch's global generator, so a seed fixes the ensemble on any machine.
// Independent priors make members disagree wherever no data pins them down.
//
// This header does not include LibTorch (at::Tensor is only declared); the
// tensor-valued methods are for trainer.cc, which includes <torch/torch.h>.
// The double/proto-valued methods catch every LibTorch exception and return
// InternalError.
//
// Thread-compatible: no concurrent calls on one instance.
#ifndef POLO_LEARNER_TORCH_ENSEMBLE_H_
#define POLO_LEARNER_TORCH_ENSEMBLE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/ensemble.pb.h"

namespace at {
class Tensor;
}  // namespace at

namespace polo::learner {

// Sets LibTorch's process-global intra-op thread count (torch::
// set_num_threads). Any process that also runs rollouts should use 1, so
// LibTorch does not fight the rollout threads for the cores.
// InvalidArgument unless num_threads > 0.
absl::Status SetLibTorchThreads(int num_threads);

class TorchEnsemble {
 public:
  // A freshly initialised ensemble with identity normalisation (offset 0,
  // scale 1). InvalidArgument if the spec does not validate.
  static absl::StatusOr<std::unique_ptr<TorchEnsemble>> Create(const polo::EnsembleSpec& spec,
                                                               uint64_t seed);
  // The ensemble that `weights` describe (validated first; InvalidArgument
  // naming the field if malformed). The version is not kept.
  static absl::StatusOr<std::unique_ptr<TorchEnsemble>> FromWeights(
      const polo::EnsembleWeights& weights);

  ~TorchEnsemble();
  TorchEnsemble(const TorchEnsemble&) = delete;
  TorchEnsemble& operator=(const TorchEnsemble&) = delete;

  const polo::EnsembleSpec& spec() const;

  // Sets z = (x - offset) * scale. InvalidArgument naming the field unless
  // both have num_features finite values.
  absl::Status SetInputNormalisation(absl::Span<const double> offset,
                                     absl::Span<const double> scale);

  // The weights as a proto stamped with `version`; the float values are the
  // tensors' exact values.
  absl::StatusOr<polo::EnsembleWeights> ToWeights(uint64_t version) const;

  // values[i * K + k] = V_k(features row i), features row-major
  // batch × num_features. Runs without autograd. For tests and statistics.
  absl::Status EvaluateMembers(const double* features, int batch, double* values) const;

  // --- Tensor API for the trainer (throws c10::Error on misuse). ---

  // [n, num_features] float64 raw features -> [n, K] float32 member values,
  // differentiable with respect to the trained parameters.
  at::Tensor Forward(const at::Tensor& features) const;

  // The trained nets' weights and biases (requires_grad), layer by layer:
  // w0 [K, out, in], b0 [K, 1, out], w1, b1, ... The priors are excluded
  // and never receive gradients.
  std::vector<at::Tensor> trainable_parameters() const;

 private:
  struct Impl;
  explicit TorchEnsemble(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_TORCH_ENSEMBLE_H_
