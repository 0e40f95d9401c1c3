#include "learner/trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <exception>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "learner/validation.h"
#include "proto/trainer_checkpoint.pb.h"
#include "util/atomic_file.h"
#include "util/random.h"

namespace polo::learner {

struct Trainer::Optimizer {
  std::vector<torch::Tensor> parameters;  // TorchEnsemble::trainable_parameters()
  std::unique_ptr<torch::optim::Adam> adam;
};

namespace {

constexpr double kMinStd = 1e-6;

absl::Status TorchError(absl::string_view what, const std::exception& e) {
  return absl::InternalError(absl::StrCat(what, ": LibTorch error: ", e.what()));
}

absl::Status CheckSetting(bool ok, absl::string_view field, double value,
                          absl::string_view expected) {
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("settings.", field, ": is ", value, ", expected ", expected));
}

// The key LibTorch's Adam files a parameter's state under.
std::string StateKey(const torch::Tensor& parameter) {
  return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

torch::Tensor FloatTensorLike(const torch::Tensor& like,
                              const google::protobuf::RepeatedField<float>& values) {
  return torch::from_blob(const_cast<float*>(values.data()), like.sizes(), torch::kFloat32)
      .clone();
}

}  // namespace

absl::Status ValidateTrainerSettings(const TrainerSettings& s) {
  const auto finite = [](double v) { return std::isfinite(v); };
  absl::Status status;
  status.Update(CheckSetting(finite(s.learning_rate) && s.learning_rate > 0, "learning_rate",
                             s.learning_rate, "finite and > 0"));
  status.Update(CheckSetting(s.adam_beta1 >= 0 && s.adam_beta1 < 1, "adam_beta1", s.adam_beta1,
                             "in [0, 1)"));
  status.Update(CheckSetting(s.adam_beta2 >= 0 && s.adam_beta2 < 1, "adam_beta2", s.adam_beta2,
                             "in [0, 1)"));
  status.Update(CheckSetting(finite(s.adam_epsilon) && s.adam_epsilon >= 0, "adam_epsilon",
                             s.adam_epsilon, "finite and >= 0"));
  status.Update(CheckSetting(finite(s.target_noise) && s.target_noise >= 0, "target_noise",
                             s.target_noise, "finite and >= 0"));
  status.Update(CheckSetting(finite(s.weight_decay) && s.weight_decay >= 0, "weight_decay",
                             s.weight_decay, "finite and >= 0"));
  status.Update(
      CheckSetting(s.minibatch_size > 0, "minibatch_size", s.minibatch_size, "> 0"));
  status.Update(
      CheckSetting(s.gradient_steps >= 0, "gradient_steps", s.gradient_steps, ">= 0"));
  status.Update(CheckSetting(s.num_threads > 0, "num_threads", s.num_threads, "> 0"));
  return status;  // The first failure.
}

Trainer::Trainer(const TrainerSettings& settings, std::unique_ptr<TorchEnsemble> ensemble)
    : settings_(settings), ensemble_(std::move(ensemble)) {}

Trainer::~Trainer() = default;

absl::Status Trainer::InitOptimizer() {
  absl::Status status = SetLibTorchThreads(settings_.num_threads);
  if (!status.ok()) return status;
  try {
    optimizer_ = std::make_unique<Optimizer>();
    optimizer_->parameters = ensemble_->trainable_parameters();
    // Weight decay is in the loss (see trainer.h), not in Adam.
    torch::optim::AdamOptions options(settings_.learning_rate);
    options.betas(std::make_tuple(settings_.adam_beta1, settings_.adam_beta2))
        .eps(settings_.adam_epsilon)
        .weight_decay(0.0);
    optimizer_->adam = std::make_unique<torch::optim::Adam>(optimizer_->parameters, options);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return TorchError("Trainer: creating Adam", e);
  }
}

absl::StatusOr<std::unique_ptr<Trainer>> Trainer::Create(const polo::EnsembleSpec& spec,
                                                         const TrainerSettings& settings) {
  absl::Status status = ValidateTrainerSettings(settings);
  if (!status.ok()) return status;
  absl::StatusOr<std::unique_ptr<TorchEnsemble>> ensemble =
      TorchEnsemble::Create(spec, util::MixSeed(settings.seed, 0));
  if (!ensemble.ok()) return ensemble.status();
  std::unique_ptr<Trainer> trainer(new Trainer(settings, *std::move(ensemble)));
  trainer->rng_.seed(util::MixSeed(settings.seed, 1));
  status = trainer->InitOptimizer();
  if (!status.ok()) return status;
  return trainer;
}

absl::Status Trainer::SetInputNormalisation(absl::Span<const double> offset,
                                            absl::Span<const double> scale) {
  absl::Status status = ensemble_->SetInputNormalisation(offset, scale);
  if (status.ok()) ++version_;
  return status;
}

absl::Status Trainer::SetInputNormalisationFromData(absl::Span<const double> features) {
  const size_t nf = static_cast<size_t>(spec().num_features());
  if (features.empty() || features.size() % nf != 0) {
    return absl::InvalidArgumentError(absl::StrCat("features: has ", features.size(),
                                                   " values, expected a positive multiple of ",
                                                   nf));
  }
  absl::Status status = CheckFinite(features, "features");
  if (!status.ok()) return status;
  const size_t rows = features.size() / nf;
  std::vector<double> mean(nf, 0.0), scale(nf, 0.0);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < nf; ++j) mean[j] += features[i * nf + j];
  }
  for (double& m : mean) m /= static_cast<double>(rows);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < nf; ++j) {
      const double d = features[i * nf + j] - mean[j];
      scale[j] += d * d;
    }
  }
  for (double& s : scale) {
    const double std = std::sqrt(s / static_cast<double>(rows));
    s = std < kMinStd ? 1.0 : 1.0 / std;
  }
  return SetInputNormalisation(mean, scale);
}

absl::StatusOr<TrainStats> Trainer::Train(absl::Span<const double> features,
                                          absl::Span<const double> targets) {
  const size_t nf = static_cast<size_t>(spec().num_features());
  const size_t k_members = static_cast<size_t>(spec().ensemble_size());
  if (features.empty() || features.size() % nf != 0) {
    return absl::InvalidArgumentError(absl::StrCat("features: has ", features.size(),
                                                   " values, expected a positive multiple of ",
                                                   nf));
  }
  const size_t rows = features.size() / nf;
  absl::Status status = CheckFinite(features, "features");
  if (status.ok()) status = CheckSizeAndFinite(targets, rows * k_members, "targets");
  if (!status.ok()) return status;
  const uint64_t steps_before = total_gradient_steps_;
  try {
    return TrainUnchecked(features, targets);
  } catch (const std::exception& e) {
    // Steps taken before the failure changed the weights: give them a new
    // version so that no two different weights share one.
    if (total_gradient_steps_ != steps_before) ++version_;
    return TorchError("Trainer::Train", e);
  }
}

absl::StatusOr<TrainStats> Trainer::TrainUnchecked(absl::Span<const double> features,
                                                   absl::Span<const double> targets) {
  const int64_t nf = spec().num_features();
  const int64_t k_members = spec().ensemble_size();
  const int64_t rows = static_cast<int64_t>(features.size()) / nf;
  const int64_t n = settings_.minibatch_size;
  const torch::Tensor x_all =
      torch::from_blob(const_cast<double*>(features.data()), {rows, nf}, torch::kFloat64);
  const torch::Tensor y_all =
      torch::from_blob(const_cast<double*>(targets.data()), {rows, k_members}, torch::kFloat64);
  std::vector<int64_t> index(n);
  std::vector<double> noise(n * k_members);
  TrainStats stats;
  for (int step = 0; step < settings_.gradient_steps; ++step) {
    for (int64_t& i : index) i = static_cast<int64_t>(util::UniformIndex(rng_, rows));
    const torch::Tensor index_tensor = torch::from_blob(index.data(), {n}, torch::kInt64);
    const torch::Tensor x = x_all.index_select(0, index_tensor);
    torch::Tensor y = y_all.index_select(0, index_tensor);
    if (settings_.target_noise > 0) {
      for (double& e : noise) e = settings_.target_noise * util::StandardNormal(rng_);
      y = y + torch::from_blob(noise.data(), {n, k_members}, torch::kFloat64);
    }
    const torch::Tensor mse = (ensemble_->Forward(x) - y.to(torch::kFloat32)).pow(2).mean(0);
    torch::Tensor member_loss = mse;
    if (settings_.weight_decay > 0) {
      torch::Tensor l2 = torch::zeros({k_members}, torch::kFloat32);
      for (const torch::Tensor& p : optimizer_->parameters) l2 = l2 + p.pow(2).sum({1, 2});
      member_loss = member_loss + settings_.weight_decay * l2;
    }
    const torch::Tensor loss = member_loss.sum();
    optimizer_->adam->zero_grad();
    loss.backward();
    optimizer_->adam->step();
    ++total_gradient_steps_;

    const double mean_loss = loss.item<double>() / static_cast<double>(k_members);
    if (step == 0) stats.first_loss = mean_loss;
    stats.last_loss = mean_loss;
    stats.mean_loss += mean_loss;
    ++stats.gradient_steps;
    if (step + 1 == settings_.gradient_steps) {
      const torch::Tensor m = mse.detach().to(torch::kFloat64).contiguous();
      stats.last_member_mse.assign(m.data_ptr<double>(), m.data_ptr<double>() + k_members);
    }
  }
  if (stats.gradient_steps > 0) {
    stats.mean_loss /= stats.gradient_steps;
    ++version_;
  }
  return stats;
}

absl::StatusOr<polo::EnsembleWeights> Trainer::ExportWeights() const {
  return ensemble_->ToWeights(version_);
}

absl::Status Trainer::EvaluateMembers(const double* features, int batch, double* values) const {
  return ensemble_->EvaluateMembers(features, batch, values);
}

absl::Status Trainer::Save(const std::string& path) const {
  polo::TrainerCheckpoint checkpoint;
  absl::StatusOr<polo::EnsembleWeights> weights = ExportWeights();
  if (!weights.ok()) return weights.status();
  *checkpoint.mutable_weights() = *std::move(weights);
  try {
    const auto& state = optimizer_->adam->state();
    for (const torch::Tensor& p : optimizer_->parameters) {
      auto it = state.find(StateKey(p));
      if (it == state.end()) break;  // No step taken yet: no state at all.
      const auto& adam = static_cast<const torch::optim::AdamParamState&>(*it->second);
      polo::AdamParameterState* out = checkpoint.add_adam();
      out->set_step(adam.step());
      const torch::Tensor m = adam.exp_avg().contiguous();
      const torch::Tensor v = adam.exp_avg_sq().contiguous();
      out->mutable_exp_avg()->Add(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
      out->mutable_exp_avg_sq()->Add(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
    }
  } catch (const std::exception& e) {
    return TorchError(absl::StrCat("Trainer::Save(", path, ")"), e);
  }
  if (checkpoint.adam_size() != 0 &&
      checkpoint.adam_size() != static_cast<int>(optimizer_->parameters.size())) {
    return absl::InternalError(absl::StrCat("Trainer::Save(", path,
                                            "): Adam has state for only some parameters"));
  }
  checkpoint.set_total_gradient_steps(total_gradient_steps_);
  std::ostringstream rng_state;
  rng_state << rng_;
  checkpoint.set_rng_state(rng_state.str());
  std::string bytes;
  if (!checkpoint.SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("serialising the trainer checkpoint for ", path));
  }
  return util::WriteFileAtomically(path, bytes);
}

absl::StatusOr<std::unique_ptr<Trainer>> Trainer::Load(const std::string& path,
                                                       const TrainerSettings& settings) {
  absl::Status status = ValidateTrainerSettings(settings);
  if (!status.ok()) return status;
  absl::StatusOr<std::string> bytes = util::ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  polo::TrainerCheckpoint checkpoint;
  if (!checkpoint.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(path, ": not a polo.TrainerCheckpoint binary proto"));
  }
  absl::StatusOr<std::unique_ptr<TorchEnsemble>> ensemble =
      TorchEnsemble::FromWeights(checkpoint.weights());
  if (!ensemble.ok()) {
    return absl::Status(ensemble.status().code(),
                        absl::StrCat(path, ": weights.", ensemble.status().message()));
  }
  std::unique_ptr<Trainer> trainer(new Trainer(settings, *std::move(ensemble)));
  trainer->version_ = checkpoint.weights().version();
  trainer->total_gradient_steps_ = checkpoint.total_gradient_steps();
  std::istringstream rng_state(checkpoint.rng_state());
  rng_state >> trainer->rng_;
  if (rng_state.fail()) {
    return absl::DataLossError(absl::StrCat(path, ": rng_state: not a std::mt19937_64 state"));
  }
  status = trainer->InitOptimizer();
  if (!status.ok()) return status;
  const std::vector<torch::Tensor>& parameters = trainer->optimizer_->parameters;
  if (checkpoint.adam_size() != 0 &&
      checkpoint.adam_size() != static_cast<int>(parameters.size())) {
    return absl::DataLossError(absl::StrCat(path, ": adam: has ", checkpoint.adam_size(),
                                            " entries, expected ", parameters.size()));
  }
  try {
    for (int i = 0; i < checkpoint.adam_size(); ++i) {
      const polo::AdamParameterState& saved = checkpoint.adam(i);
      const torch::Tensor& p = parameters[i];
      if (saved.exp_avg_size() != p.numel() || saved.exp_avg_sq_size() != p.numel()) {
        return absl::DataLossError(absl::StrCat(path, ": adam[", i, "]: has ",
                                                saved.exp_avg_size(), "/",
                                                saved.exp_avg_sq_size(),
                                                " moments, expected ", p.numel()));
      }
      auto state = std::make_unique<torch::optim::AdamParamState>();
      state->step(saved.step());
      state->exp_avg(FloatTensorLike(p, saved.exp_avg()));
      state->exp_avg_sq(FloatTensorLike(p, saved.exp_avg_sq()));
      trainer->optimizer_->adam->state()[StateKey(p)] = std::move(state);
    }
  } catch (const std::exception& e) {
    return TorchError(absl::StrCat("Trainer::Load(", path, ")"), e);
  }
  return trainer;
}

}  // namespace polo::learner
