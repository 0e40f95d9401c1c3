#include "planner/mppi.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace polo::planner {
namespace {

// Mean and variance in one pass (Welford's update), for MppiStats' spreads.
class Moments {
 public:
  void Add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / n_;
    m2_ += delta * (x - mean_);
  }
  // Population standard deviation; 0 for fewer than 2 values.
  double StandardDeviation() const { return n_ < 2 ? 0.0 : std::sqrt(m2_ / n_); }

 private:
  int n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

}  // namespace

absl::Status ValidateMppiSettings(const MppiSettings& s) {
  if (absl::Status status = ValidateRolloutSettings(s.rollouts); !status.ok()) return status;
  if (!(s.temperature > 0 && std::isfinite(s.temperature))) {
    return absl::InvalidArgumentError(
        absl::StrCat("temperature: got ", s.temperature, ", expected > 0"));
  }
  if (!(s.min_effective_samples >= 0) || s.min_effective_samples > s.rollouts.num_rollouts) {
    return absl::InvalidArgumentError(absl::StrCat("min_effective_samples: got ",
                                                   s.min_effective_samples, ", expected 0..",
                                                   s.rollouts.num_rollouts, " (the rollouts)"));
  }
  if (s.iterations < 1 || s.iterations > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: got ", s.iterations, ", expected 1..1000"));
  }
  return absl::OkStatus();
}

Mppi::Mppi(const MppiSettings& settings, std::unique_ptr<Rollouts> rollouts)
    : settings_(settings), rollouts_(std::move(rollouts)), nu_(rollouts_->num_controls()) {
  const int k = settings.rollouts.num_rollouts;
  nominal_.assign(static_cast<size_t>(settings.rollouts.horizon) * nu_, 0.0);
  scores_.assign(k, 0.0);
  values_.assign(k, 0.0);
  weights_.assign(k, 0.0);
  Reset();
}

absl::StatusOr<std::unique_ptr<Mppi>> Mppi::Create(const models::Task* task,
                                                   const MppiSettings& settings,
                                                   ThreadPool* pool) {
  if (absl::Status s = ValidateMppiSettings(settings); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<Rollouts>> rollouts =
      Rollouts::Create(task, settings.rollouts, pool);
  if (!rollouts.ok()) return rollouts.status();
  return std::unique_ptr<Mppi>(new Mppi(settings, *std::move(rollouts)));
}

void Mppi::Reset() {
  const mjModel* m = rollouts_->task().model();
  for (int t = 0; t < settings_.rollouts.horizon; ++t) {
    for (int i = 0; i < nu_; ++i) {
      double zero = 0.0;
      if (m->actuator_ctrllimited[i]) {
        zero = std::clamp(zero, m->actuator_ctrlrange[2 * i], m->actuator_ctrlrange[2 * i + 1]);
      }
      nominal_[t * nu_ + i] = zero;
    }
  }
}

void Mppi::Shift() {
  const int h = settings_.rollouts.horizon;
  if (h > 1) std::copy(nominal_.begin() + nu_, nominal_.end(), nominal_.begin());
  // With h == 1 the single step stays as it is: the repeated last step.
}

MppiStats Mppi::Optimize(const double* state, uint64_t step, TerminalValue* value) {
  MppiStats stats;
  for (int iteration = 0; iteration < settings_.iterations; ++iteration) {
    rollouts_->Run(state, nominal_.data(),
                   NoiseKey{settings_.seed, step, static_cast<uint64_t>(iteration), 0});
    stats = Update(value);
  }
  return stats;
}

double MppiWeights(absl::Span<const double> scores, double temperature, TemperatureMode mode,
                   absl::Span<double> weights) {
  constexpr double kDiverged = std::numeric_limits<double>::lowest();
  double best = kDiverged;
  double worst = std::numeric_limits<double>::max();
  for (double s : scores) {
    if (s == kDiverged) continue;
    best = std::max(best, s);
    worst = std::min(worst, s);
  }
  if (best == kDiverged) {
    std::fill(weights.begin(), weights.end(), 0.0);
    return 0;
  }
  double scale = temperature;
  if (mode == TemperatureMode::kNormalized) scale *= std::max(best - worst, 1e-12);
  double total = 0;
  for (size_t k = 0; k < scores.size(); ++k) {
    weights[k] = scores[k] == kDiverged ? 0.0 : std::exp((scores[k] - best) / scale);
    total += weights[k];
  }
  double sum_squares = 0;
  for (double& w : weights) {
    w /= total;
    sum_squares += w * w;
  }
  return 1.0 / sum_squares;
}

double MppiWeightsWithFloor(absl::Span<const double> scores, double temperature,
                            TemperatureMode mode, double min_effective_samples,
                            absl::Span<double> weights) {
  double ess = MppiWeights(scores, temperature, mode, weights);
  if (ess == 0 || ess >= min_effective_samples || min_effective_samples <= 1) return ess;
  // The size every rollout allows (λ' -> ∞: uniform over non-diverged).
  int alive = 0;
  constexpr double kDiverged = std::numeric_limits<double>::lowest();
  for (double s : scores) alive += s != kDiverged;
  // The alive count itself is reached only as λ' -> ∞: stop just short.
  const double target = std::min(min_effective_samples, 0.999 * alive);
  double low = temperature, high = temperature;
  for (int i = 0; i < 200 && ess < target; ++i) {
    low = high;
    high *= 2;
    ess = MppiWeights(scores, high, mode, weights);
  }
  for (int i = 0; i < 60 && high - low > 1e-6 * high; ++i) {
    const double mid = 0.5 * (low + high);
    if (MppiWeights(scores, mid, mode, weights) >= target) {
      high = mid;
    } else {
      low = mid;
    }
  }
  return MppiWeights(scores, high, mode, weights);
}

void WeightedControls(const Rollouts& rollouts, absl::Span<const double> weights,
                      absl::Span<double> nominal) {
  std::fill(nominal.begin(), nominal.end(), 0.0);
  for (size_t k = 0; k < weights.size(); ++k) {
    const double w = weights[k];
    if (w == 0) continue;
    const double* u = rollouts.controls(static_cast<int>(k));
    for (size_t j = 0; j < nominal.size(); ++j) nominal[j] += w * u[j];
  }
}

MppiStats Mppi::Update(TerminalValue* value) {
  const RolloutSettings& rs = settings_.rollouts;
  const int k_count = rs.num_rollouts;
  if (value != nullptr && rs.with_features) {
    value->Evaluate(rollouts_->terminal_features(), k_count, values_.data());
  } else {
    std::fill(values_.begin(), values_.end(), 0.0);
  }
  const double terminal_discount = std::pow(rs.gamma, rs.horizon);
  MppiStats stats;
  double sum = 0;
  Moments returns, terminal;
  stats.best_score = std::numeric_limits<double>::lowest();
  for (int k = 0; k < k_count; ++k) {
    if (rollouts_->diverged(k) || !std::isfinite(values_[k])) {
      scores_[k] = std::numeric_limits<double>::lowest();
      ++stats.diverged;
      continue;
    }
    returns.Add(rollouts_->running_return(k));
    terminal.Add(terminal_discount * values_[k]);
    scores_[k] = rollouts_->running_return(k) + terminal_discount * values_[k];
    stats.best_score = std::max(stats.best_score, scores_[k]);
    sum += scores_[k];
  }
  if (stats.diverged == k_count) {  // Keep the nominal.
    stats = MppiStats{};
    stats.diverged = k_count;
    return stats;
  }
  stats.mean_score = sum / (k_count - stats.diverged);
  stats.return_spread = returns.StandardDeviation();
  stats.value_spread = terminal.StandardDeviation();
  stats.effective_samples =
      MppiWeightsWithFloor(scores_, settings_.temperature, settings_.temperature_mode,
                           settings_.min_effective_samples, absl::MakeSpan(weights_));
  WeightedControls(*rollouts_, weights_, absl::MakeSpan(nominal_));
  return stats;
}

}  // namespace polo::planner
