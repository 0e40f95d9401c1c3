#include "learner/optimistic_value.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace polo::learner {

absl::StatusOr<std::unique_ptr<OptimisticValue>> OptimisticValue::Create(
    const polo::EnsembleWeights& weights, double kappa) {
  if (!std::isfinite(kappa)) {
    return absl::InvalidArgumentError(absl::StrCat("kappa: is ", kappa, ", expected finite"));
  }
  absl::StatusOr<std::unique_ptr<EigenEnsemble>> ensemble = EigenEnsemble::Create(weights);
  if (!ensemble.ok()) return ensemble.status();
  return std::unique_ptr<OptimisticValue>(new OptimisticValue(*std::move(ensemble), kappa));
}

OptimisticValue::OptimisticValue(std::unique_ptr<EigenEnsemble> ensemble, double kappa)
    : ensemble_(std::move(ensemble)), kappa_(kappa) {}

void OptimisticValue::Reserve(int max_batch) {
  ensemble_->Reserve(max_batch);
  if (max_batch <= capacity_) return;
  capacity_ = max_batch;
  member_values_.resize(static_cast<size_t>(capacity_) * ensemble_->ensemble_size());
}

void OptimisticValue::Evaluate(const double* features, int batch, double* values) {
  Reserve(batch);
  ensemble_->EvaluateMembers(features, batch, member_values_.data());
  EigenEnsemble::Aggregate(member_values_.data(), batch, ensemble_->ensemble_size(), kappa_,
                           values);
}

absl::Status OptimisticValue::SetWeights(const polo::EnsembleWeights& weights) {
  return SetWeights(weights, kappa_);
}

absl::Status OptimisticValue::SetWeights(const polo::EnsembleWeights& weights, double kappa) {
  if (!std::isfinite(kappa)) {
    return absl::InvalidArgumentError(absl::StrCat("kappa: is ", kappa, ", expected finite"));
  }
  absl::StatusOr<std::unique_ptr<EigenEnsemble>> ensemble = EigenEnsemble::Create(weights);
  if (!ensemble.ok()) return ensemble.status();
  if ((*ensemble)->num_features() != ensemble_->num_features()) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.num_features: is ", (*ensemble)->num_features(), ", expected ",
                     ensemble_->num_features(), " (the planner's feature length)"));
  }
  ensemble_ = *std::move(ensemble);
  kappa_ = kappa;
  const int capacity = capacity_;
  capacity_ = 0;
  Reserve(capacity);
  return absl::OkStatus();
}

}  // namespace polo::learner
