// The planner's terminal value V̂(s_H) from a value ensemble: eq. 6 over the
// members of an EigenEnsemble with optimism κ ("kappa"). With κ > 0 states
// where the members disagree look more valuable (optimism in the face of
// uncertainty, paper §2.4); κ == 0 is the plain ensemble mean.
//
// Ownership: owns its EigenEnsemble and scratch. Thread-compatible, like
// every TerminalValue: one thread at a time calls Evaluate or SetWeights.
// Evaluate does not allocate once it has seen a batch size at least as large
// (or after Reserve).
#ifndef POLO_LEARNER_OPTIMISTIC_VALUE_H_
#define POLO_LEARNER_OPTIMISTIC_VALUE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "learner/eigen_ensemble.h"
#include "planner/terminal_value.h"
#include "proto/ensemble.pb.h"

namespace polo::learner {

class OptimisticValue : public polo::planner::TerminalValue {
 public:
  // Returns InvalidArgument naming the field if `weights` are malformed or
  // kappa is not finite.
  static absl::StatusOr<std::unique_ptr<OptimisticValue>> Create(
      const polo::EnsembleWeights& weights, double kappa);

  int num_features() const override { return ensemble_->num_features(); }
  double kappa() const { return kappa_; }
  // EnsembleWeights.version of the weights in use.
  uint64_t version() const { return ensemble_->version(); }

  // values[i] = (1/κ) log((1/K) Σ_k exp(κ V_k(row i))); see
  // EigenEnsemble::Aggregate.
  void Evaluate(const double* features, int batch, double* values) override;

  // Allocates scratch for batches up to max_batch now.
  void Reserve(int max_batch);

  // Replaces the weights (e.g. on a new broadcast), keeping the reserved
  // batch size, and κ unless one is given. Returns InvalidArgument and keeps
  // the old weights and κ if the new weights are malformed or have a
  // different num_features, or κ is not finite.
  absl::Status SetWeights(const polo::EnsembleWeights& weights);
  absl::Status SetWeights(const polo::EnsembleWeights& weights, double kappa);

 private:
  OptimisticValue(std::unique_ptr<EigenEnsemble> ensemble, double kappa);

  std::unique_ptr<EigenEnsemble> ensemble_;
  double kappa_;
  int capacity_ = 0;
  std::vector<double> member_values_;  // capacity × K, row-major.
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_OPTIMISTIC_VALUE_H_
