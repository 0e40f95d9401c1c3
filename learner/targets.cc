#include "learner/targets.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "models/physics_state.h"
#include "planner/mppi.h"

namespace polo::learner {

absl::Status ValidateTargetSettings(const TargetSettings& s) {
  if (absl::Status status = planner::ValidateRolloutSettings(s.rollouts); !status.ok()) {
    return status;
  }
  if (!s.rollouts.with_reward || !s.rollouts.with_features) {
    return absl::InvalidArgumentError("rollouts: targets need rewards and terminal features");
  }
  if (s.iterations < 1 || s.iterations > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: got ", s.iterations, ", expected 1..100"));
  }
  if (!(s.temperature > 0 && std::isfinite(s.temperature))) {
    return absl::InvalidArgumentError(
        absl::StrCat("temperature: got ", s.temperature, ", expected > 0"));
  }
  return absl::OkStatus();
}

TargetComputer::TargetComputer(const models::Task* task, const TargetSettings& settings,
                               std::unique_ptr<planner::Rollouts> rollouts)
    : task_(task), settings_(settings), rollouts_(std::move(rollouts)) {
  nominal_.assign(static_cast<size_t>(settings.rollouts.horizon) * task->model()->nu, 0.0);
  scores_.assign(settings.rollouts.num_rollouts, 0.0);
  weights_.assign(settings.rollouts.num_rollouts, 0.0);
}

absl::StatusOr<std::unique_ptr<TargetComputer>> TargetComputer::Create(
    const models::Task* task, const TargetSettings& settings, planner::ThreadPool* pool) {
  if (absl::Status s = ValidateTargetSettings(settings); !s.ok()) return s;
  auto rollouts = planner::Rollouts::Create(task, settings.rollouts, pool);
  if (!rollouts.ok()) return rollouts.status();
  return std::unique_ptr<TargetComputer>(
      new TargetComputer(task, settings, *std::move(rollouts)));
}

absl::Status TargetComputer::Compute(absl::Span<const double> states,
                                     absl::Span<const uint64_t> state_ids,
                                     EigenEnsemble* ensemble, absl::Span<double> targets,
                                     absl::Span<const float> plans) {
  const mjModel* m = task_->model();
  const size_t state_size = models::PhysicsStateSize(m);
  const size_t n = state_ids.size();
  if (ensemble == nullptr) return absl::InvalidArgumentError("ensemble: must not be null");
  if (ensemble->num_features() != task_->num_features()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ensemble.num_features: got ", ensemble->num_features(), ", expected ",
        task_->num_features(), " (task ", task_->name(), ")"));
  }
  const size_t k_count = ensemble->ensemble_size();
  if (states.size() != n * state_size) {
    return absl::InvalidArgumentError(absl::StrCat("states: got ", states.size(),
                                                   " values, expected ", n, " states × ",
                                                   state_size));
  }
  if (targets.size() != n * k_count) {
    return absl::InvalidArgumentError(absl::StrCat("targets: got ", targets.size(),
                                                   " values, expected ", n, " × ", k_count));
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string field = absl::StrCat("states[", i, "]");
    absl::Status s =
        models::ValidatePhysicsState(m, states.subspan(i * state_size, state_size), field.c_str());
    if (!s.ok()) return s;
  }
  const size_t plan_size = static_cast<size_t>(settings_.rollouts.horizon) * m->nu;
  if (!plans.empty() && plans.size() != n * plan_size) {
    return absl::InvalidArgumentError(absl::StrCat("plans: got ", plans.size(),
                                                   " values, expected 0 or ", n, " states × ",
                                                   settings_.rollouts.horizon, " steps × ", m->nu));
  }
  ensemble->Reserve(settings_.rollouts.num_rollouts);
  member_values_.resize(static_cast<size_t>(settings_.rollouts.num_rollouts) * k_count);
  for (size_t i = 0; i < n; ++i) {
    ComputeOne(states.data() + i * state_size, state_ids[i],
               plans.empty() ? nullptr : plans.data() + i * plan_size, ensemble,
               targets.data() + i * k_count);
  }
  return absl::OkStatus();
}

void TargetComputer::StartNominal(const float* plan) {
  if (plan == nullptr) {
    std::fill(nominal_.begin(), nominal_.end(), 0.0);
  } else {
    std::copy(plan, plan + nominal_.size(), nominal_.begin());
  }
}

void TargetComputer::ComputeOne(const double* state, uint64_t state_id, const float* plan,
                                EigenEnsemble* ensemble, double* y) {
  const int k_count = ensemble->ensemble_size();
  std::fill(y, y + k_count, std::numeric_limits<double>::lowest());
  if (settings_.mode == TargetMode::kSharedSamples) {
    StartNominal(plan);
    for (int round = 0; round < settings_.iterations; ++round) {
      Round(state, state_id, round, -1, ensemble, y);
    }
    return;
  }
  for (int member = 0; member < k_count; ++member) {
    StartNominal(plan);
    for (int round = 0; round < settings_.iterations; ++round) {
      Round(state, state_id, member * settings_.iterations + round, member, ensemble, y);
    }
  }
}

void TargetComputer::Round(const double* state, uint64_t state_id, int round, int member,
                           EigenEnsemble* ensemble, double* y) {
  const planner::RolloutSettings& rs = settings_.rollouts;
  const int k_count = ensemble->ensemble_size();
  rollouts_->Run(state, nominal_.data(),
                 planner::NoiseKey{settings_.seed, state_id, static_cast<uint64_t>(round), 0});
  ensemble->EvaluateMembers(rollouts_->terminal_features(), rs.num_rollouts,
                            member_values_.data());
  const double terminal_discount = std::pow(rs.gamma, rs.horizon);
  double best = std::numeric_limits<double>::lowest();
  for (int r = 0; r < rs.num_rollouts; ++r) {
    scores_[r] = std::numeric_limits<double>::lowest();
    if (rollouts_->diverged(r)) continue;
    const double running = rollouts_->running_return(r);
    const double* v = member_values_.data() + static_cast<size_t>(r) * k_count;
    double mean = 0;
    for (int k = 0; k < k_count; ++k) {
      const double score = running + terminal_discount * v[k];
      if (member < 0 || member == k) y[k] = std::max(y[k], score);
      mean += score;
    }
    scores_[r] = member < 0 ? mean / k_count : running + terminal_discount * v[member];
    best = std::max(best, scores_[r]);
  }
  if (best == std::numeric_limits<double>::lowest()) return;  // All diverged.
  planner::MppiWeights(scores_, settings_.temperature, planner::TemperatureMode::kAbsolute,
                       absl::MakeSpan(weights_));
  planner::WeightedControls(*rollouts_, weights_, absl::MakeSpan(nominal_));
}

}  // namespace polo::learner
