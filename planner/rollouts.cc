#include "planner/rollouts.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "models/physics_state.h"

namespace polo::planner {

absl::Status ValidateRolloutSettings(const RolloutSettings& s) {
  auto bad = [](const char* field, auto value, const char* expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": got ", value, ", expected ", expected));
  };
  if (s.horizon < 1 || s.horizon > 10000) return bad("horizon", s.horizon, "1..10000");
  if (s.num_rollouts < 1 || s.num_rollouts > 100000) {
    return bad("num_rollouts", s.num_rollouts, "1..100000");
  }
  if (!(s.gamma > 0 && s.gamma <= 1)) return bad("gamma", s.gamma, "in (0, 1]");
  if (!(s.noise_sigma >= 0 && std::isfinite(s.noise_sigma))) {
    return bad("noise_sigma", s.noise_sigma, ">= 0");
  }
  if (!(s.noise_smoothing >= 0 && s.noise_smoothing < 1)) {
    return bad("noise_smoothing", s.noise_smoothing, "in [0, 1)");
  }
  return absl::OkStatus();
}

Rollouts::Rollouts(const models::Task* task, const RolloutSettings& settings, ThreadPool* pool)
    : task_(task),
      model_(task->model()),
      settings_(settings),
      pool_(pool),
      nu_(task->model()->nu),
      nf_(task->num_features()) {
  const int k = settings.num_rollouts;
  for (int w = 0; w < pool->num_threads(); ++w) data_.emplace_back(mj_makeData(model_));
  controls_.assign(static_cast<size_t>(k) * settings.horizon * nu_, 0.0);
  returns_.assign(k, 0.0);
  features_.assign(static_cast<size_t>(k) * nf_, 0.0);
  diverged_.assign(k, 0);
  epsilon_.assign(static_cast<size_t>(pool->num_threads()) * nu_, 0.0);
}

absl::StatusOr<std::unique_ptr<Rollouts>> Rollouts::Create(const models::Task* task,
                                                           const RolloutSettings& settings,
                                                           ThreadPool* pool) {
  if (task == nullptr || pool == nullptr) {
    return absl::InvalidArgumentError("task and pool must not be null");
  }
  if (absl::Status s = ValidateRolloutSettings(settings); !s.ok()) return s;
  auto rollouts = std::unique_ptr<Rollouts>(new Rollouts(task, settings, pool));
  for (const auto& d : rollouts->data_) {
    if (d == nullptr) return absl::ResourceExhaustedError("mj_makeData failed");
  }
  return rollouts;
}

void Rollouts::Run(const double* state, const double* nominal, NoiseKey key) {
  pool_->ParallelFor(settings_.num_rollouts, [&](int k, int worker) {
    RunOne(k, worker, state, nominal, key);
  });
}

void Rollouts::RunOne(int k, int worker, const double* state, const double* nominal,
                      NoiseKey key) {
  mjData* d = data_[worker].get();
  models::RestorePhysicsState(model_, state, d);
  const int bad_qacc_before = d->warning[mjWARN_BADQACC].number;
  key.rollout = static_cast<uint64_t>(k);
  GaussianStream normal(key);
  const double sigma = k == 0 ? 0.0 : settings_.noise_sigma;
  const double rho = settings_.noise_smoothing;
  const double innovation = std::sqrt(1.0 - rho * rho);
  double* epsilon = epsilon_.data() + static_cast<size_t>(worker) * nu_;
  double* u = controls_.data() + static_cast<size_t>(k) * horizon_stride();
  double running = 0;
  double discount = 1;
  for (int t = 0; t < settings_.horizon; ++t) {
    double* ut = u + t * nu_;
    const double* nt = nominal + t * nu_;
    for (int i = 0; i < nu_; ++i) {
      const double eta = sigma > 0 ? sigma * normal.Next() : 0.0;
      epsilon[i] = t == 0 ? eta : rho * epsilon[i] + innovation * eta;
      double value = nt[i] + epsilon[i];
      if (model_->actuator_ctrllimited[i]) {
        value = std::clamp(value, model_->actuator_ctrlrange[2 * i],
                           model_->actuator_ctrlrange[2 * i + 1]);
      }
      ut[i] = value;
      d->ctrl[i] = value;
    }
    task_->Step(model_, d);
    if (settings_.with_reward) running += discount * task_->Reward(model_, d);
    discount *= settings_.gamma;
  }
  // MuJoCo resets a simulation whose accelerations blew up and counts a
  // warning; such a rollout must never be chosen.
  const bool diverged = d->warning[mjWARN_BADQACC].number != bad_qacc_before ||
                        !std::isfinite(running);
  diverged_[k] = diverged ? 1 : 0;
  returns_[k] = diverged ? std::numeric_limits<double>::lowest() : running;
  if (settings_.with_features) {
    // Step left the kinematics before s_H; the features are of s_H.
    mj_forward(model_, d);
    task_->Features(model_, d, features_.data() + static_cast<size_t>(k) * nf_);
  }
}

}  // namespace polo::planner
