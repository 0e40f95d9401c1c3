#include "server/learner_flags.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/registry.h"
#include "planner/mppi_flags.h"
#include "rpc/run_config.h"
#include "server/presets.h"

ABSL_FLAG(std::string, task, polo::rpc::kDefaultTask,
          "task to train (models/registry.h); point_mass_maze is the fast default");
ABSL_FLAG(std::string, mode, "sync",
          "sync: Algorithm 1 exactly (acting pauses during updates); async: actors run on");
// Every flag below is optional: given, it overrides one field of the task
// family's preset (server/presets.h); the help text names the preset.
ABSL_FLAG(std::optional<int64_t>, total_steps, std::nullopt,
          "agent steps in all (all actors) before the run completes, 0 = unbounded (default: "
          "the paper's lifetime for the task, 1000 point mass, 12000 humanoid)");
ABSL_FLAG(std::optional<int>, episode_length, std::nullopt, "agent steps per episode (default: the task's)");
ABSL_FLAG(std::optional<int>, update_every, std::nullopt, "Z: agent steps between updates (default 16)");
ABSL_FLAG(std::optional<int>, gradient_steps, std::nullopt, "G: Adam steps per update (default 64)");
ABSL_FLAG(std::optional<int>, minibatch_size, std::nullopt, "n: states per gradient step (default 32)");
ABSL_FLAG(std::optional<int>, target_states, std::nullopt,
          "M: states whose targets an update computes once, its G minibatches drawn from "
          "them; 0 = Algorithm 1, fresh targets for every minibatch (default 0; humanoid "
          "tasks 128)");
ABSL_FLAG(std::optional<double>, value_scale, std::nullopt,
          "s in V_k = s (f_k + beta p_k): the nets' output unit in return units (default 1; "
          "humanoid tasks 10)");
ABSL_FLAG(std::optional<double>, learning_rate, std::nullopt,
          "Adam learning rate (default 1e-3; point-mass worlds 1e-2)");
ABSL_FLAG(std::optional<double>, target_noise, std::nullopt,
          "sigma of the noise added to targets, eq. 5 (default 0)");
ABSL_FLAG(std::optional<double>, weight_decay, std::nullopt,
          "coefficient of |theta|^2, eq. 5, see learner/trainer.h (default 0)");
ABSL_FLAG(std::optional<int>, ensemble_size, std::nullopt, "K: value ensemble members (default 6)");
ABSL_FLAG(std::optional<std::string>, hidden_sizes, std::nullopt,
          "hidden layer widths of each member, e.g. 16,16 (default 16,16; point-mass worlds 32,32)");
ABSL_FLAG(std::optional<double>, prior_scale, std::nullopt,
          "beta: weight of each member's frozen random prior (default 1)");
ABSL_FLAG(std::optional<double>, kappa, std::nullopt,
          "optimism of eq. 6, 0 = mean of the members (default 1; point-mass worlds 5)");
ABSL_FLAG(std::optional<double>, final_kappa, std::nullopt,
          "kappa at --total_steps: the actors' kappa moves linearly from --kappa to it over "
          "the run (default: none, kappa throughout; humanoid tasks 0)");
ABSL_FLAG(std::optional<int>, target_horizon, std::nullopt,
          "N of the N-step targets, eq. 7 (default 16; point-mass worlds 8)");
ABSL_FLAG(std::optional<int>, target_rollouts, std::nullopt,
          "sampled rollouts per target round (default 64; point-mass worlds 16, humanoid "
          "tasks 24)");
ABSL_FLAG(std::optional<int>, target_iterations, std::nullopt, "MPPI rounds per target state (default 1)");
ABSL_FLAG(std::optional<bool>, warm_start, std::nullopt,
          "targets start from the plan the actor optimised from each state (sent with the "
          "state) instead of zero controls (default false; humanoid tasks true)");
ABSL_FLAG(std::optional<double>, target_temperature, std::nullopt,
          "MPPI temperature of the target rounds (default 0.05)");
ABSL_FLAG(std::optional<std::string>, target_mode, std::nullopt,
          "shared: one set of rollouts scores every member; per_member: K separate MPPIs "
          "(default shared)");
ABSL_FLAG(std::optional<int64_t>, lease_ms, std::nullopt,
          "target job lease; overdue jobs go to another worker (default 30000)");
ABSL_FLAG(std::optional<int64_t>, replay_capacity, std::nullopt,
          "replay buffer capacity, oldest out (default 100000)");
ABSL_FLAG(std::optional<int64_t>, min_replay_size, std::nullopt,
          "updates start once the buffer holds this many states (default 0: at t = Z, "
          "Algorithm 1)");

namespace polo::server {
namespace {

// Calls set(*value) where the optional flag was given.
template <typename Flag, typename Setter>
void SetIfGiven(const Flag& flag, Setter set) {
  if (const auto value = absl::GetFlag(flag); value.has_value()) set(*value);
}

absl::Status Bad(const char* flag, const std::string& got, const char* expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": got \"", got, "\", expected ", expected));
}

}  // namespace

absl::StatusOr<polo::RunConfig> RunConfigFromFlags() {
  const std::string task_name = absl::GetFlag(FLAGS_task);
  const std::vector<std::string> names = models::TaskNames();
  if (std::find(names.begin(), names.end(), task_name) == names.end()) {
    return Bad("task", task_name, absl::StrCat("one of ", absl::StrJoin(names, ", ")).c_str());
  }
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(task_name);
  if (!task.ok()) return task.status();
  polo::RunConfig c = PresetRunConfig(**task);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "sync") {
    c.set_mode(polo::SYNCHRONOUS);
  } else if (mode == "async") {
    c.set_mode(polo::ASYNCHRONOUS);
  } else {
    return Bad("mode", mode, "sync or async");
  }
  // The shared MPPI flags (planner/mppi_flags.h) over the preset's acting.
  absl::StatusOr<planner::MppiSettings> mppi =
      planner::MppiSettingsFromFlags(rpc::MppiSettingsFromConfig(c, c.seed()));
  if (!mppi.ok()) return mppi.status();
  rpc::SetMppiConfig(*mppi, c.mutable_mppi());
  c.set_seed(mppi->seed);

  if (const std::optional<int64_t> total = absl::GetFlag(FLAGS_total_steps); total.has_value()) {
    if (*total < 0) return Bad("total_steps", absl::StrCat(*total), ">= 0");
    c.set_total_steps(static_cast<uint64_t>(*total));
  }
  SetIfGiven(FLAGS_episode_length, [&c](int v) { c.set_episode_length(v); });

  polo::TrainingConfig* t = c.mutable_training();
  SetIfGiven(FLAGS_update_every, [t](int v) { t->set_update_every(v); });
  SetIfGiven(FLAGS_gradient_steps, [t](int v) { t->set_gradient_steps(v); });
  SetIfGiven(FLAGS_minibatch_size, [t](int v) { t->set_minibatch_size(v); });
  if (const std::optional<int> m = absl::GetFlag(FLAGS_target_states); m.has_value()) {
    if (*m < 0) return Bad("target_states", absl::StrCat(*m), ">= 0");
    t->set_target_states(*m);
  }
  SetIfGiven(FLAGS_learning_rate, [t](double v) { t->set_learning_rate(v); });
  SetIfGiven(FLAGS_target_noise, [t](double v) { t->set_target_noise(v); });
  SetIfGiven(FLAGS_weight_decay, [t](double v) { t->set_weight_decay(v); });
  SetIfGiven(FLAGS_lease_ms, [t](int64_t v) { t->set_lease_ms(v); });
  if (const std::optional<int64_t> v = absl::GetFlag(FLAGS_replay_capacity); v.has_value()) {
    if (*v < 1) return Bad("replay_capacity", absl::StrCat(*v), ">= 1");
    t->set_replay_capacity(static_cast<uint64_t>(*v));
  }
  if (const std::optional<int64_t> v = absl::GetFlag(FLAGS_min_replay_size); v.has_value()) {
    if (*v < 0) return Bad("min_replay_size", absl::StrCat(*v), ">= 0");
    t->set_min_replay_size(static_cast<uint64_t>(*v));
  }

  polo::EnsembleSpec* e = c.mutable_ensemble();
  SetIfGiven(FLAGS_ensemble_size, [e](int v) { e->set_ensemble_size(v); });
  if (const std::optional<std::string> hidden = absl::GetFlag(FLAGS_hidden_sizes);
      hidden.has_value()) {
    e->clear_hidden_sizes();
    for (absl::string_view width : absl::StrSplit(*hidden, ',')) {
      int w = 0;
      if (!absl::SimpleAtoi(width, &w) || w < 1) {
        return Bad("hidden_sizes", *hidden, "comma-separated widths >= 1, e.g. 16,16");
      }
      e->add_hidden_sizes(w);
    }
  }
  SetIfGiven(FLAGS_prior_scale, [e](double v) { e->set_prior_scale(v); });
  SetIfGiven(FLAGS_value_scale, [e](double v) { e->set_value_scale(v); });
  SetIfGiven(FLAGS_kappa, [&c](double v) { c.set_kappa(v); });
  SetIfGiven(FLAGS_final_kappa, [&c](double v) { c.set_final_kappa(v); });
  // A run without an end has nothing to anneal towards: the preset yields.
  if (c.total_steps() == 0 && !absl::GetFlag(FLAGS_final_kappa).has_value()) {
    c.clear_final_kappa();
  }

  polo::TargetConfig* tc = c.mutable_targets();
  SetIfGiven(FLAGS_target_horizon, [tc](int v) { tc->set_horizon(v); });
  SetIfGiven(FLAGS_target_rollouts, [tc](int v) { tc->set_num_rollouts(v); });
  SetIfGiven(FLAGS_target_iterations, [tc](int v) { tc->set_iterations(v); });
  SetIfGiven(FLAGS_warm_start, [tc](bool v) { tc->set_warm_start(v); });
  SetIfGiven(FLAGS_target_temperature, [tc](double v) { tc->set_temperature(v); });
  if (const std::optional<std::string> mode = absl::GetFlag(FLAGS_target_mode); mode.has_value()) {
    if (*mode != "shared" && *mode != "per_member") {
      return Bad("target_mode", *mode, "shared or per_member");
    }
    tc->set_per_member(*mode == "per_member");
  }
  // Target rollouts sample like the actors'.
  tc->set_noise_sigma(c.mppi().noise_sigma());
  tc->set_noise_smoothing(c.mppi().noise_smoothing());
  tc->set_gamma(c.mppi().gamma());
  return c;
}

absl::Status InFlagTerms(const absl::Status& status) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"targets.horizon", "target_horizon"},
      {"targets.num_rollouts", "target_rollouts"},
      {"targets.iterations", "target_iterations"},
      {"targets.temperature", "target_temperature"},
      {"ensemble.spec.ensemble_size", "ensemble_size"},
      {"ensemble.spec.hidden_sizes", "hidden_sizes"},
      {"ensemble.spec.prior_scale", "prior_scale"},
      {"ensemble.spec.value_scale", "value_scale"},
      {"ensemble.ensemble_size", "ensemble_size"},
      {"ensemble.hidden_sizes", "hidden_sizes"},
      {"ensemble.prior_scale", "prior_scale"},
      {"ensemble.value_scale", "value_scale"},
      {"training.", ""},
      {"kappa", "kappa"},
      {"final_kappa", "final_kappa"},
      {"checkpoint_period", "checkpoint_every_s"},
      {"episode_length", "episode_length"},
  };
  const std::string message(status.message());
  // MPPI fields: the planner's own map (planner/mppi_flags.h).
  if (absl::StartsWith(message, "mppi.")) {
    return absl::Status(status.code(),
                        absl::StrCat("--", planner::MppiErrorInFlagTerms(message.substr(5))));
  }
  for (const auto& [field, flag] : kFields) {
    const std::string prefix = field;
    if (message.rfind(prefix, 0) != 0) continue;
    const std::string rest = message.substr(prefix.size());
    return absl::Status(status.code(), absl::StrCat("--", flag, rest));
  }
  return status;
}

}  // namespace polo::server
