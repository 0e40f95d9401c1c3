#include "config/run_config.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "learner/ensemble_weights.h"
#include "learner/seed_schedule.h"
#include "models/physics_state.h"

namespace polo::config {
namespace {

template <typename T>
absl::Status Bad(const char* field, T value, const char* expected) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": got ", value, ", expected ", expected));
}

absl::Status Prefixed(const char* prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

// A job's states are one replay draw: their target-noise keys must not
// run into the next draw's (learner/seed_schedule.h).
static_assert(kMaxStatesPerMessage < learner::kMaxStatesPerDraw);

}  // namespace

polo::RunConfig DefaultRunConfig() {
  polo::RunConfig c;
  c.set_task(kDefaultTask);
  c.set_mode(polo::SYNCHRONOUS);
  c.set_seed(0);
  // The planner's defaults (planner/mppi.h, rollouts.h): paper H, K, σ, γ;
  // temperature and smoothing as measured there.
  SetMppiConfig(planner::MppiSettings(), c.mutable_mppi());
  const learner::TargetSettings ts;
  polo::TargetConfig* t = c.mutable_targets();
  t->set_horizon(ts.rollouts.horizon);
  t->set_num_rollouts(ts.rollouts.num_rollouts);
  t->set_noise_sigma(ts.rollouts.noise_sigma);
  t->set_noise_smoothing(ts.rollouts.noise_smoothing);
  t->set_temperature(ts.temperature);
  t->set_iterations(ts.iterations);
  t->set_gamma(0.99);
  polo::TrainingConfig* tr = c.mutable_training();
  tr->set_update_every(16);
  tr->set_gradient_steps(64);
  tr->set_minibatch_size(32);
  tr->set_learning_rate(1e-3);
  tr->set_lease_ms(30000);
  tr->set_replay_capacity(100000);
  tr->set_min_replay_size(0);  // Algorithm 1: the first update at t = Z.
  polo::EnsembleSpec* e = c.mutable_ensemble();
  e->set_ensemble_size(6);
  e->add_hidden_sizes(16);
  e->add_hidden_sizes(16);
  e->set_activation(polo::EnsembleSpec::TANH);
  e->set_prior_scale(1.0);
  c.set_kappa(1.0);
  return c;
}

void CompleteRunConfig(const models::Task& task, polo::RunConfig* config) {
  config->set_physics_state_size(models::PhysicsStateSize(task.model()));
  config->set_num_features(task.num_features());
  config->mutable_ensemble()->set_num_features(task.num_features());
  if (config->episode_length() == 0) config->set_episode_length(task.episode_length());
}

absl::Status ValidateRunConfig(const polo::RunConfig& c, const models::Task& task) {
  if (c.task() != task.name()) {
    return absl::InvalidArgumentError(
        absl::StrCat("task: got \"", c.task(), "\", expected \"", task.name(), "\""));
  }
  if (c.mode() != polo::SYNCHRONOUS && c.mode() != polo::ASYNCHRONOUS) {
    return Bad("mode", polo::LoopMode_Name(c.mode()), "SYNCHRONOUS or ASYNCHRONOUS");
  }
  if (absl::Status s = planner::ValidateMppiSettings(MppiSettingsFromConfig(c, c.seed()));
      !s.ok()) {
    return Prefixed("mppi.", s);
  }
  if (absl::Status s = learner::ValidateTargetSettings(TargetSettingsFromConfig(c)); !s.ok()) {
    return Prefixed("targets.", s);
  }
  if (absl::Status s = learner::ValidateEnsembleSpec(c.ensemble()); !s.ok()) {
    return Prefixed("ensemble.", s);
  }
  const polo::TrainingConfig& t = c.training();
  if (t.update_every() < 1) return Bad("training.update_every", t.update_every(), ">= 1");
  if (t.gradient_steps() < 1) return Bad("training.gradient_steps", t.gradient_steps(), ">= 1");
  if (t.minibatch_size() < 1 || t.minibatch_size() > kMaxStatesPerMessage) {
    return Bad("training.minibatch_size", t.minibatch_size(),
               absl::StrCat("in [1, ", kMaxStatesPerMessage, "]").c_str());
  }
  if (!(t.learning_rate() > 0) || !std::isfinite(t.learning_rate())) {
    return Bad("training.learning_rate", t.learning_rate(), "finite and > 0");
  }
  if (!(t.target_noise() >= 0) || !std::isfinite(t.target_noise())) {
    return Bad("training.target_noise", t.target_noise(), "finite and >= 0");
  }
  if (!(t.weight_decay() >= 0) || !std::isfinite(t.weight_decay())) {
    return Bad("training.weight_decay", t.weight_decay(), "finite and >= 0");
  }
  // Bounded like a job message (a hostile config cannot ask for more).
  if (t.target_states() > static_cast<uint32_t>(kMaxStatesPerMessage)) {
    return Bad("training.target_states", t.target_states(),
               absl::StrCat("in [0, ", kMaxStatesPerMessage, "]").c_str());
  }
  if (t.lease_ms() < 1) return Bad("training.lease_ms", t.lease_ms(), ">= 1");
  if (t.replay_capacity() < 1) return Bad("training.replay_capacity", t.replay_capacity(), ">= 1");
  if (!std::isfinite(c.kappa())) return Bad("kappa", c.kappa(), "finite");
  if (c.has_final_kappa()) {
    if (!std::isfinite(c.final_kappa())) return Bad("final_kappa", c.final_kappa(), "finite");
    if (c.total_steps() == 0) {
      return Bad("final_kappa", c.final_kappa(),
                 "absent when total_steps is 0 (the schedule ends at total_steps)");
    }
  }
  if (c.episode_length() < 1) return Bad("episode_length", c.episode_length(), ">= 1");
  if (c.targets().gamma() != c.mppi().gamma()) {
    return Bad("targets.gamma", c.targets().gamma(), "equal to mppi.gamma");
  }
  if (c.physics_state_size() != models::PhysicsStateSize(task.model())) {
    return Bad("physics_state_size", c.physics_state_size(), "the task's");
  }
  if (c.num_features() != task.num_features() ||
      c.ensemble().num_features() != task.num_features()) {
    return Bad("num_features", c.num_features(), "the task's");
  }
  return absl::OkStatus();
}

double KappaAt(const polo::RunConfig& config, uint64_t agent_steps) {
  if (!config.has_final_kappa() || config.total_steps() == 0) return config.kappa();
  const double progress =
      std::min(1.0, static_cast<double>(agent_steps) / static_cast<double>(config.total_steps()));
  return config.kappa() + progress * (config.final_kappa() - config.kappa());
}

void SetMppiConfig(const planner::MppiSettings& s, polo::MppiConfig* m) {
  m->set_horizon(s.rollouts.horizon);
  m->set_num_rollouts(s.rollouts.num_rollouts);
  m->set_noise_sigma(s.rollouts.noise_sigma);
  m->set_noise_smoothing(s.rollouts.noise_smoothing);
  m->set_temperature(s.temperature);
  m->set_normalized_temperature(s.temperature_mode == planner::TemperatureMode::kNormalized);
  m->set_gamma(s.rollouts.gamma);
  m->set_iterations(s.iterations);
  m->set_value_only(!s.rollouts.with_reward);
  m->set_min_effective_samples(s.min_effective_samples);
}

planner::MppiSettings MppiSettingsFromConfig(const polo::RunConfig& config, uint64_t seed) {
  const polo::MppiConfig& m = config.mppi();
  planner::MppiSettings s;
  s.rollouts.horizon = m.horizon();
  s.rollouts.num_rollouts = m.num_rollouts();
  s.rollouts.noise_sigma = m.noise_sigma();
  s.rollouts.noise_smoothing = m.noise_smoothing();
  s.rollouts.gamma = m.gamma();
  s.rollouts.with_reward = !m.value_only();
  s.temperature = m.temperature();
  s.temperature_mode = m.normalized_temperature() ? planner::TemperatureMode::kNormalized
                                                  : planner::TemperatureMode::kAbsolute;
  s.iterations = m.iterations();
  s.min_effective_samples = m.min_effective_samples();
  s.seed = seed;
  return s;
}

learner::TargetSettings TargetSettingsFromConfig(const polo::RunConfig& config) {
  const polo::TargetConfig& t = config.targets();
  learner::TargetSettings s;
  s.rollouts.horizon = t.horizon();
  s.rollouts.num_rollouts = t.num_rollouts();
  s.rollouts.noise_sigma = t.noise_sigma();
  s.rollouts.noise_smoothing = t.noise_smoothing();
  s.rollouts.gamma = t.gamma();
  s.iterations = t.iterations();
  s.temperature = t.temperature();
  s.mode = t.per_member() ? learner::TargetMode::kPerMember : learner::TargetMode::kSharedSamples;
  s.seed = learner::TargetSeed(config.seed());
  return s;
}

}  // namespace polo::config
