#include "learner/eigen_ensemble.h"

#include <algorithm>
#include <cmath>

#include "absl/base/internal/raw_logging.h"
#include "learner/ensemble_weights.h"

namespace polo::learner {
namespace {

// Copies one net's layer into rows [net * out, (net + 1) * out) of the
// stacked layer. The proto is row-major out × in.
template <typename Matrix, typename Vector>
void CopyLayer(const polo::DenseLayer& layer, int net, Matrix& weights, Vector& bias) {
  const int in = layer.in_features();
  const int out = layer.out_features();
  for (int o = 0; o < out; ++o) {
    for (int i = 0; i < in; ++i) weights(net * out + o, i) = layer.weights(o * in + i);
    bias(net * out + o) = layer.bias(o);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EigenEnsemble>> EigenEnsemble::Create(
    const polo::EnsembleWeights& weights) {
  absl::Status status = ValidateEnsembleWeights(weights);
  if (!status.ok()) return status;
  const polo::EnsembleSpec& spec = weights.spec();
  std::unique_ptr<EigenEnsemble> ensemble(new EigenEnsemble());
  ensemble->num_features_ = spec.num_features();
  ensemble->ensemble_size_ = spec.ensemble_size();
  ensemble->version_ = weights.version();
  ensemble->relu_ = spec.activation() == polo::EnsembleSpec::RELU;
  ensemble->prior_scale_ = spec.prior_scale();
  ensemble->value_scale_ = ValueScale(spec);
  ensemble->value_offset_ = ValueOffset(spec);
  const int nf = spec.num_features();
  const int k_members = spec.ensemble_size();
  ensemble->offset_ = Eigen::Map<const Eigen::VectorXd>(weights.normalisation().offset().data(), nf);
  ensemble->scale_ = Eigen::Map<const Eigen::VectorXd>(weights.normalisation().scale().data(), nf);

  const int num_layers = spec.hidden_sizes_size() + 1;
  ensemble->layers_.resize(num_layers);
  int in = nf;
  for (int l = 0; l < num_layers; ++l) {
    StackedLayer& layer = ensemble->layers_[l];
    layer.in = in;
    layer.out = l + 1 < num_layers ? spec.hidden_sizes(l) : 1;
    layer.weights.resize(2 * k_members * layer.out, in);
    layer.bias.resize(2 * k_members * layer.out);
    for (int k = 0; k < k_members; ++k) {
      const polo::EnsembleMember& member = weights.members(k);
      CopyLayer(member.trained().layers(l), k, layer.weights, layer.bias);
      CopyLayer(member.prior().layers(l), k_members + k, layer.weights, layer.bias);
    }
    in = layer.out;
  }
  ensemble->hidden_.resize(num_layers);
  return ensemble;
}

void EigenEnsemble::Reserve(int max_batch) {
  ABSL_RAW_CHECK(max_batch >= 0, "negative batch size");
  if (max_batch <= capacity_) return;
  capacity_ = max_batch;
  input_.resize(num_features_, capacity_);
  for (size_t l = 0; l < layers_.size(); ++l) {
    hidden_[l].resize(layers_[l].weights.rows(), capacity_);
  }
}

void EigenEnsemble::EvaluateMembers(const double* features, int batch, double* values) {
  ABSL_RAW_CHECK(batch >= 0, "negative batch size");
  if (batch == 0) return;
  Reserve(batch);
  // Column i of input_ is the normalised feature row i (the row-major batch
  // is a column-major num_features × batch matrix).
  Eigen::Map<const Eigen::MatrixXd> raw(features, num_features_, batch);
  input_.leftCols(batch) =
      ((raw.colwise() - offset_).array().colwise() * scale_.array()).cast<float>().matrix();
  Forward(batch);
  const Matrix& out = hidden_.back();  // 2K × capacity: trained rows, then prior rows.
  const int k_members = ensemble_size_;
  for (int i = 0; i < batch; ++i) {
    for (int k = 0; k < k_members; ++k) {
      values[i * k_members + k] =
          value_offset_ + value_scale_ * (static_cast<double>(out(k, i)) +
                                          prior_scale_ * static_cast<double>(out(k_members + k, i)));
    }
  }
}

void EigenEnsemble::Forward(int batch) {
  const int num_nets = 2 * ensemble_size_;
  const int num_layers = static_cast<int>(layers_.size());
  for (int l = 0; l < num_layers; ++l) {
    const StackedLayer& layer = layers_[l];
    auto h = hidden_[l].leftCols(batch);
    if (l == 0) {
      // Every net reads the same input: one product for all of them.
      h.noalias() = layer.weights * input_.leftCols(batch);
    } else {
      const auto previous = hidden_[l - 1].leftCols(batch);
      for (int j = 0; j < num_nets; ++j) {
        h.middleRows(j * layer.out, layer.out).noalias() =
            layer.weights.middleRows(j * layer.out, layer.out) *
            previous.middleRows(j * layer.in, layer.in);
      }
    }
    // Bias and activation in one pass, column by column: contiguous and
    // vectorised (Eigen's colwise()+ broadcast inside a larger expression
    // is several times slower). The output layer is linear.
    for (int i = 0; i < batch; ++i) {
      auto column = h.col(i);
      if (l + 1 == num_layers) {
        column += layer.bias;
      } else if (relu_) {
        column = (column + layer.bias).cwiseMax(0.0f);
      } else {
        column = (column + layer.bias).array().tanh().matrix();
      }
    }
  }
}

void EigenEnsemble::Aggregate(const double* member_values, int batch, int ensemble_size,
                              double kappa, double* values) {
  ABSL_RAW_CHECK(batch >= 0 && ensemble_size > 0, "bad batch or ensemble size");
  for (int i = 0; i < batch; ++i) {
    const double* v = member_values + static_cast<ptrdiff_t>(i) * ensemble_size;
    if (kappa == 0.0) {
      double sum = 0.0;
      for (int k = 0; k < ensemble_size; ++k) sum += v[k];
      values[i] = sum / ensemble_size;
      continue;
    }
    // Shift by the member that maximises κ·V so every exponent is <= 0, and
    // use expm1/log1p so that small κ keeps full precision:
    // V̂ = ref + log1p(mean_k expm1(κ (V_k - ref))) / κ.
    double ref = v[0];
    for (int k = 1; k < ensemble_size; ++k) {
      ref = kappa > 0 ? std::max(ref, v[k]) : std::min(ref, v[k]);
    }
    double sum = 0.0;
    for (int k = 0; k < ensemble_size; ++k) sum += std::expm1(kappa * (v[k] - ref));
    values[i] = ref + std::log1p(sum / ensemble_size) / kappa;
  }
}

}  // namespace polo::learner
