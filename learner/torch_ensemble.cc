#include "learner/torch_ensemble.h"

#include <torch/torch.h>

#include <cmath>
#include <exception>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "learner/ensemble_weights.h"
#include "learner/validation.h"
#include "util/random.h"

namespace polo::learner {

struct TorchEnsemble::Impl {
  polo::EnsembleSpec spec;
  torch::Tensor offset;  // [num_features] float64
  torch::Tensor scale;   // [num_features] float64
  // Layer l of all K members: weights [K, out, in], biases [K, 1, out],
  // float32. Trained ones require grad; priors never do.
  std::vector<torch::Tensor> trained_weights, trained_biases;
  std::vector<torch::Tensor> prior_weights, prior_biases;
};

namespace {

// {num_features, hidden sizes..., 1}: layer l maps widths[l] -> widths[l + 1].
std::vector<int64_t> LayerWidths(const polo::EnsembleSpec& spec) {
  std::vector<int64_t> widths = {spec.num_features()};
  for (int h : spec.hidden_sizes()) widths.push_back(h);
  widths.push_back(1);
  return widths;
}

struct StackedNets {
  std::vector<torch::Tensor> weights, biases;
};

StackedNets EmptyNets(const polo::EnsembleSpec& spec) {
  const std::vector<int64_t> widths = LayerWidths(spec);
  const int64_t k_members = spec.ensemble_size();
  StackedNets nets;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    nets.weights.push_back(torch::empty({k_members, widths[l + 1], widths[l]}, torch::kFloat32));
    nets.biases.push_back(torch::empty({k_members, 1, widths[l + 1]}, torch::kFloat32));
  }
  return nets;
}

// nn::Linear's default initialisation, U(-1/sqrt(in), 1/sqrt(in)) for
// weights and biases, drawn member by member from stream
// util::MixSeed(seed, 2k + is_prior), layer by layer, weights (row-major) first.
StackedNets RandomNets(const polo::EnsembleSpec& spec, uint64_t seed, bool is_prior) {
  StackedNets nets = EmptyNets(spec);
  for (int64_t k = 0; k < spec.ensemble_size(); ++k) {
    std::mt19937_64 rng(util::MixSeed(seed, 2 * static_cast<uint64_t>(k) + (is_prior ? 1 : 0)));
    for (size_t l = 0; l < nets.weights.size(); ++l) {
      const int64_t out = nets.weights[l].size(1);
      const int64_t in = nets.weights[l].size(2);
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      float* w = nets.weights[l].data_ptr<float>() + k * out * in;
      for (int64_t i = 0; i < out * in; ++i) {
        w[i] = static_cast<float>((2.0 * util::UniformDouble(rng) - 1.0) * bound);
      }
      float* b = nets.biases[l].data_ptr<float>() + k * out;
      for (int64_t i = 0; i < out; ++i) {
        b[i] = static_cast<float>((2.0 * util::UniformDouble(rng) - 1.0) * bound);
      }
    }
  }
  return nets;
}

// Copies one member's proto net into slot k of the stacked tensors.
void CopyFromProto(const polo::Mlp& mlp, int64_t k, StackedNets& nets) {
  for (size_t l = 0; l < nets.weights.size(); ++l) {
    const polo::DenseLayer& layer = mlp.layers(static_cast<int>(l));
    const int64_t out = layer.out_features();
    const int64_t in = layer.in_features();
    std::copy(layer.weights().begin(), layer.weights().end(),
              nets.weights[l].data_ptr<float>() + k * out * in);
    std::copy(layer.bias().begin(), layer.bias().end(),
              nets.biases[l].data_ptr<float>() + k * out);
  }
}

void CopyToProto(const std::vector<torch::Tensor>& weights,
                 const std::vector<torch::Tensor>& biases, int64_t k, polo::Mlp* mlp) {
  for (size_t l = 0; l < weights.size(); ++l) {
    const torch::Tensor w = weights[l].detach().contiguous();
    const torch::Tensor b = biases[l].detach().contiguous();
    const int64_t out = w.size(1);
    const int64_t in = w.size(2);
    polo::DenseLayer* layer = mlp->add_layers();
    layer->set_in_features(static_cast<int32_t>(in));
    layer->set_out_features(static_cast<int32_t>(out));
    const float* wp = w.data_ptr<float>() + k * out * in;
    layer->mutable_weights()->Add(wp, wp + out * in);
    const float* bp = b.data_ptr<float>() + k * out;
    layer->mutable_bias()->Add(bp, bp + out);
  }
}

// [n, nf] float32 -> [n, K]: all K nets in one batched matmul per layer.
torch::Tensor RunNets(const torch::Tensor& z, const std::vector<torch::Tensor>& weights,
                      const std::vector<torch::Tensor>& biases, bool relu) {
  const int64_t k_members = weights[0].size(0);
  torch::Tensor h = z.unsqueeze(0).expand({k_members, z.size(0), z.size(1)});
  for (size_t l = 0; l < weights.size(); ++l) {
    h = torch::baddbmm(biases[l], h, weights[l].transpose(1, 2));
    if (l + 1 < weights.size()) h = relu ? torch::relu(h) : torch::tanh(h);
  }
  return h.squeeze(2).t();
}

torch::Tensor DoubleTensor(absl::Span<const double> values) {
  return torch::from_blob(const_cast<double*>(values.data()),
                          {static_cast<int64_t>(values.size())}, torch::kFloat64)
      .clone();
}

absl::Status TorchError(absl::string_view what, const std::exception& e) {
  return absl::InternalError(absl::StrCat(what, ": LibTorch error: ", e.what()));
}

}  // namespace

absl::Status SetLibTorchThreads(int num_threads) {
  if (num_threads <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_threads: is ", num_threads, ", expected > 0"));
  }
  try {
    torch::set_num_threads(num_threads);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return TorchError("SetLibTorchThreads", e);
  }
}

TorchEnsemble::TorchEnsemble(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchEnsemble::~TorchEnsemble() = default;

absl::StatusOr<std::unique_ptr<TorchEnsemble>> TorchEnsemble::Create(
    const polo::EnsembleSpec& spec, uint64_t seed) {
  absl::Status status = ValidateEnsembleSpec(spec);
  if (!status.ok()) return status;
  try {
    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    impl->offset = torch::zeros({spec.num_features()}, torch::kFloat64);
    impl->scale = torch::ones({spec.num_features()}, torch::kFloat64);
    StackedNets trained = RandomNets(spec, seed, /*is_prior=*/false);
    StackedNets prior = RandomNets(spec, seed, /*is_prior=*/true);
    for (torch::Tensor& t : trained.weights) t.set_requires_grad(true);
    for (torch::Tensor& t : trained.biases) t.set_requires_grad(true);
    impl->trained_weights = std::move(trained.weights);
    impl->trained_biases = std::move(trained.biases);
    impl->prior_weights = std::move(prior.weights);
    impl->prior_biases = std::move(prior.biases);
    return std::unique_ptr<TorchEnsemble>(new TorchEnsemble(std::move(impl)));
  } catch (const std::exception& e) {
    return TorchError("TorchEnsemble::Create", e);
  }
}

absl::StatusOr<std::unique_ptr<TorchEnsemble>> TorchEnsemble::FromWeights(
    const polo::EnsembleWeights& weights) {
  absl::Status status = ValidateEnsembleWeights(weights);
  if (!status.ok()) return status;
  try {
    const polo::EnsembleSpec& spec = weights.spec();
    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    impl->offset = DoubleTensor(weights.normalisation().offset());
    impl->scale = DoubleTensor(weights.normalisation().scale());
    StackedNets trained = EmptyNets(spec);
    StackedNets prior = EmptyNets(spec);
    for (int k = 0; k < spec.ensemble_size(); ++k) {
      CopyFromProto(weights.members(k).trained(), k, trained);
      CopyFromProto(weights.members(k).prior(), k, prior);
    }
    for (torch::Tensor& t : trained.weights) t.set_requires_grad(true);
    for (torch::Tensor& t : trained.biases) t.set_requires_grad(true);
    impl->trained_weights = std::move(trained.weights);
    impl->trained_biases = std::move(trained.biases);
    impl->prior_weights = std::move(prior.weights);
    impl->prior_biases = std::move(prior.biases);
    return std::unique_ptr<TorchEnsemble>(new TorchEnsemble(std::move(impl)));
  } catch (const std::exception& e) {
    return TorchError("TorchEnsemble::FromWeights", e);
  }
}

const polo::EnsembleSpec& TorchEnsemble::spec() const { return impl_->spec; }

absl::Status TorchEnsemble::SetInputNormalisation(absl::Span<const double> offset,
                                                  absl::Span<const double> scale) {
  const size_t nf = static_cast<size_t>(impl_->spec.num_features());
  absl::Status status = CheckSizeAndFinite(offset, nf, "normalisation.offset");
  if (!status.ok()) return status;
  status = CheckSizeAndFinite(scale, nf, "normalisation.scale");
  if (!status.ok()) return status;
  try {
    impl_->offset = DoubleTensor(offset);
    impl_->scale = DoubleTensor(scale);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return TorchError("TorchEnsemble::SetInputNormalisation", e);
  }
}

absl::StatusOr<polo::EnsembleWeights> TorchEnsemble::ToWeights(uint64_t version) const {
  try {
    polo::EnsembleWeights weights;
    *weights.mutable_spec() = impl_->spec;
    const torch::Tensor offset = impl_->offset.contiguous();
    const torch::Tensor scale = impl_->scale.contiguous();
    const int64_t nf = offset.size(0);
    weights.mutable_normalisation()->mutable_offset()->Add(offset.data_ptr<double>(),
                                                           offset.data_ptr<double>() + nf);
    weights.mutable_normalisation()->mutable_scale()->Add(scale.data_ptr<double>(),
                                                          scale.data_ptr<double>() + nf);
    for (int64_t k = 0; k < impl_->spec.ensemble_size(); ++k) {
      polo::EnsembleMember* member = weights.add_members();
      CopyToProto(impl_->trained_weights, impl_->trained_biases, k, member->mutable_trained());
      CopyToProto(impl_->prior_weights, impl_->prior_biases, k, member->mutable_prior());
    }
    weights.set_version(version);
    return weights;
  } catch (const std::exception& e) {
    return TorchError("TorchEnsemble::ToWeights", e);
  }
}

absl::Status TorchEnsemble::EvaluateMembers(const double* features, int batch,
                                            double* values) const {
  if (batch < 0) {
    return absl::InvalidArgumentError(absl::StrCat("batch: is ", batch, ", expected >= 0"));
  }
  if (batch == 0) return absl::OkStatus();
  try {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::from_blob(const_cast<double*>(features),
                                             {batch, impl_->spec.num_features()}, torch::kFloat64);
    const torch::Tensor v = Forward(x).to(torch::kFloat64).contiguous();
    std::copy(v.data_ptr<double>(), v.data_ptr<double>() + v.numel(), values);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return TorchError("TorchEnsemble::EvaluateMembers", e);
  }
}

torch::Tensor TorchEnsemble::Forward(const torch::Tensor& features) const {
  const bool relu = impl_->spec.activation() == polo::EnsembleSpec::RELU;
  const torch::Tensor z = ((features - impl_->offset) * impl_->scale).to(torch::kFloat32);
  const torch::Tensor trained = RunNets(z, impl_->trained_weights, impl_->trained_biases, relu);
  torch::Tensor prior;
  {
    torch::NoGradGuard no_grad;
    prior = RunNets(z, impl_->prior_weights, impl_->prior_biases, relu);
  }
  return ValueOffset(impl_->spec) +
         ValueScale(impl_->spec) * (trained + impl_->spec.prior_scale() * prior);
}

std::vector<torch::Tensor> TorchEnsemble::trainable_parameters() const {
  std::vector<torch::Tensor> parameters;
  for (size_t l = 0; l < impl_->trained_weights.size(); ++l) {
    parameters.push_back(impl_->trained_weights[l]);
    parameters.push_back(impl_->trained_biases[l]);
  }
  return parameters;
}

}  // namespace polo::learner
