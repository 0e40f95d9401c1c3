// Inference for the value ensemble with Eigen: what planners and target
// workers link (no LibTorch). Built from polo::EnsembleWeights
// (proto/ensemble.proto), it evaluates every member
//
//   V_k(x) = b + s (f_k(z) + β p_k(z)),   z = (x - offset) * scale,
//   s = spec.value_scale, b = spec.value_offset
//
// for a batch of feature rows in one call, and aggregates the members with
// eq. 6 (Aggregate below).
//
// Precision: the normalisation runs in double; the nets run in float
// (single precision, like the LibTorch trainer), which matches LibTorch to
// ~1e-7 relative and is about twice as fast as double. Inputs and outputs
// are double.
//
// Thread-compatibility: EvaluateMembers keeps scratch buffers, so an
// instance must not be used by two threads at once; const methods and the
// static Aggregate are thread-safe. Give each planner its own instance.
// Memory: the first call with a batch larger than any before resizes the
// scratch (heap); later calls with batch sizes up to that one do not touch
// the heap (Reserve() does the allocation up front).
#ifndef POLO_LEARNER_EIGEN_ENSEMBLE_H_
#define POLO_LEARNER_EIGEN_ENSEMBLE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "proto/ensemble.pb.h"

namespace polo::learner {

class EigenEnsemble {
 public:
  // Returns InvalidArgument (from ValidateEnsembleWeights, naming the field)
  // if `weights` are malformed.
  static absl::StatusOr<std::unique_ptr<EigenEnsemble>> Create(
      const polo::EnsembleWeights& weights);

  EigenEnsemble(const EigenEnsemble&) = delete;
  EigenEnsemble& operator=(const EigenEnsemble&) = delete;

  int num_features() const { return num_features_; }
  int ensemble_size() const { return ensemble_size_; }
  uint64_t version() const { return version_; }

  // Allocates scratch for batches of up to `max_batch` rows now, so that the
  // first EvaluateMembers call does not allocate either.
  void Reserve(int max_batch);

  // values[i * K + k] = V_k(features row i) for i < batch, k < K; features
  // is row-major batch × num_features(). batch >= 0 (a negative batch is a
  // programmer error and aborts). Not thread-safe (scratch).
  void EvaluateMembers(const double* features, int batch, double* values);

  // Eq. 6 in this project's convention, per row i of the row-major
  // batch × ensemble_size matrix member_values:
  //
  //   values[i] = (1/κ) log((1/K) Σ_k exp(κ V_k))
  //
  // which is the mean of the members for κ → 0 (and exactly the mean for
  // κ == 0), tends to the max for κ → +∞ (to the min for κ → -∞), and lies
  // between mean and max for κ > 0. The 1/K inside the log keeps the value
  // on the members' scale (the paper's eq. 6 omits it, which adds
  // log(K)/κ). Evaluated as a shifted log-sum-exp with expm1/log1p, so it
  // neither overflows for large κ·V nor loses precision for tiny κ.
  // kappa must be finite. Allocation-free, thread-safe.
  static void Aggregate(const double* member_values, int batch, int ensemble_size, double kappa,
                        double* values);

 private:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

  // Layer l of all 2K nets (K trained, then K priors), stacked: rows
  // [j * out, (j + 1) * out) of `weights` and `bias` belong to net j.
  struct StackedLayer {
    int in = 0;
    int out = 0;
    Matrix weights;  // (2K * out) × in
    Vector bias;     // 2K * out
  };

  EigenEnsemble() = default;
  void Forward(int batch);

  int num_features_ = 0;
  int ensemble_size_ = 0;
  uint64_t version_ = 0;
  bool relu_ = false;
  double prior_scale_ = 0.0;
  double value_scale_ = 1.0;
  double value_offset_ = 0.0;
  Eigen::VectorXd offset_;
  Eigen::VectorXd scale_;
  std::vector<StackedLayer> layers_;

  // Scratch, sized for capacity_ columns (one column per batch row).
  int capacity_ = 0;
  Matrix input_;                 // num_features × capacity
  std::vector<Matrix> hidden_;   // per layer: (2K * out) × capacity
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_EIGEN_ENSEMBLE_H_
