#include "learner/ensemble_weights.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "learner/validation.h"
#include "util/atomic_file.h"

namespace polo::learner {
namespace {

constexpr int kMaxWidth = 65536;
constexpr int kMaxEnsembleSize = 1024;

absl::Status CheckRange(int64_t value, int64_t max, absl::string_view field) {
  if (value > 0 && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": is ", value, ", expected in [1, ", max, "]"));
}

absl::Status ValidateLayer(const polo::DenseLayer& layer, int in, int out,
                           const std::string& field) {
  if (layer.in_features() != in) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".in_features: is ",
                                                   layer.in_features(), ", expected ", in));
  }
  if (layer.out_features() != out) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".out_features: is ", layer.out_features(), ", expected ", out));
  }
  absl::Status status = CheckSizeAndFinite(
      layer.weights(), static_cast<size_t>(in) * out, absl::StrCat(field, ".weights"));
  if (!status.ok()) return status;
  return CheckSizeAndFinite(layer.bias(), out, absl::StrCat(field, ".bias"));
}

absl::Status ValidateMlp(const polo::EnsembleSpec& spec, const polo::Mlp& mlp,
                         const std::string& field) {
  const int num_layers = spec.hidden_sizes_size() + 1;
  if (mlp.layers_size() != num_layers) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".layers: has ", mlp.layers_size(),
                                                   " layers, expected ", num_layers));
  }
  int in = spec.num_features();
  for (int l = 0; l < num_layers; ++l) {
    const int out = l + 1 < num_layers ? spec.hidden_sizes(l) : 1;
    absl::Status status =
        ValidateLayer(mlp.layers(l), in, out, absl::StrCat(field, ".layers[", l, "]"));
    if (!status.ok()) return status;
    in = out;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEnsembleSpec(const polo::EnsembleSpec& spec) {
  absl::Status status = CheckRange(spec.num_features(), kMaxWidth, "spec.num_features");
  if (!status.ok()) return status;
  status = CheckRange(spec.ensemble_size(), kMaxEnsembleSize, "spec.ensemble_size");
  if (!status.ok()) return status;
  for (int l = 0; l < spec.hidden_sizes_size(); ++l) {
    status = CheckRange(spec.hidden_sizes(l), kMaxWidth, absl::StrCat("spec.hidden_sizes[", l, "]"));
    if (!status.ok()) return status;
  }
  if (spec.activation() != polo::EnsembleSpec::TANH &&
      spec.activation() != polo::EnsembleSpec::RELU) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.activation: is ", spec.activation(), ", expected TANH or RELU"));
  }
  if (!std::isfinite(spec.prior_scale()) || spec.prior_scale() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.prior_scale: is ", spec.prior_scale(), ", expected finite and >= 0"));
  }
  if (spec.has_value_scale() && !(std::isfinite(spec.value_scale()) && spec.value_scale() > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.value_scale: is ", spec.value_scale(), ", expected finite and > 0"));
  }
  if (!std::isfinite(spec.value_offset())) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.value_offset: is ", spec.value_offset(), ", expected finite"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEnsembleWeights(const polo::EnsembleWeights& weights) {
  const polo::EnsembleSpec& spec = weights.spec();
  absl::Status status = ValidateEnsembleSpec(spec);
  if (!status.ok()) return status;
  const size_t nf = static_cast<size_t>(spec.num_features());
  status = CheckSizeAndFinite(weights.normalisation().offset(), nf, "normalisation.offset");
  if (!status.ok()) return status;
  status = CheckSizeAndFinite(weights.normalisation().scale(), nf, "normalisation.scale");
  if (!status.ok()) return status;
  status = CheckSize(weights.members_size(), spec.ensemble_size(), "members");
  if (!status.ok()) return status;
  for (int k = 0; k < weights.members_size(); ++k) {
    const std::string member = absl::StrCat("members[", k, "]");
    status = ValidateMlp(spec, weights.members(k).trained(), member + ".trained");
    if (!status.ok()) return status;
    status = ValidateMlp(spec, weights.members(k).prior(), member + ".prior");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SaveEnsembleWeights(const polo::EnsembleWeights& weights, const std::string& path) {
  absl::Status status = ValidateEnsembleWeights(weights);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not saving ensemble weights to ", path, ": ", status.message()));
  }
  std::string bytes;
  if (!weights.SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("serialising ensemble weights for ", path));
  }
  return util::WriteFileAtomically(path, bytes);
}

absl::StatusOr<polo::EnsembleWeights> LoadEnsembleWeights(const std::string& path) {
  absl::StatusOr<std::string> bytes = util::ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  polo::EnsembleWeights weights;
  if (!weights.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(path, ": not a polo.EnsembleWeights binary proto"));
  }
  absl::Status status = ValidateEnsembleWeights(weights);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.message()));
  }
  return weights;
}

}  // namespace polo::learner
