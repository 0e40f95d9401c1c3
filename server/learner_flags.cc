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
ABSL_FLAG(std::optional<double>, value_offset, std::nullopt,
          "b in V_k = b + s (f_k + beta p_k): the value of a state the nets know nothing "
          "about, in return units (default 0; hand_cube -5)");
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

absl::Status Bad(const char* flag, const std::string& got, const char* expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": got \"", got, "\", expected ", expected));
}

// Calls set(*value) where the optional flag was given.
template <typename T, typename Setter>
absl::Status IfGiven(const absl::Flag<std::optional<T>>& flag, Setter set) {
  if (const std::optional<T> value = absl::GetFlag(flag); value.has_value()) return set(*value);
  return absl::OkStatus();
}

// Setters that cannot fail.
#define POLO_SETS(setter) [c](auto v) { c->setter(v); return absl::OkStatus(); }

absl::Status ParseHiddenSizes(const std::string& text, polo::EnsembleSpec* e) {
  e->clear_hidden_sizes();
  for (absl::string_view width : absl::StrSplit(text, ',')) {
    int w = 0;
    if (!absl::SimpleAtoi(width, &w) || w < 1) {
      return Bad("hidden_sizes", text, "comma-separated widths >= 1, e.g. 16,16");
    }
    e->add_hidden_sizes(w);
  }
  return absl::OkStatus();
}

// The one map between the run's flags and the RunConfig fields they set:
// RunConfigFromFlags applies each row, InFlagTerms words a field's error
// as its flag's. A row without `apply` is a flag parsed elsewhere
// (cluster/learner_main.cc) whose errors still come back in field terms.
struct RunFlag {
  const char* flag;
  const char* field;
  absl::Status (*apply)(polo::RunConfig* c);  // Sets the field if the flag was given.
};

const RunFlag kRunFlags[] = {
    {"total_steps", "total_steps",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_total_steps, [c](int64_t v) {
         if (v < 0) return Bad("total_steps", absl::StrCat(v), ">= 0");
         c->set_total_steps(static_cast<uint64_t>(v));
         return absl::OkStatus();
       });
     }},
    {"episode_length", "episode_length",
     [](polo::RunConfig* c) { return IfGiven(FLAGS_episode_length, POLO_SETS(set_episode_length)); }},
    {"update_every", "training.update_every",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_update_every, POLO_SETS(mutable_training()->set_update_every));
     }},
    {"gradient_steps", "training.gradient_steps",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_gradient_steps, POLO_SETS(mutable_training()->set_gradient_steps));
     }},
    {"minibatch_size", "training.minibatch_size",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_minibatch_size, POLO_SETS(mutable_training()->set_minibatch_size));
     }},
    {"target_states", "training.target_states",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_states, [c](int v) {
         if (v < 0) return Bad("target_states", absl::StrCat(v), ">= 0");
         c->mutable_training()->set_target_states(v);
         return absl::OkStatus();
       });
     }},
    {"learning_rate", "training.learning_rate",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_learning_rate, POLO_SETS(mutable_training()->set_learning_rate));
     }},
    {"target_noise", "training.target_noise",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_noise, POLO_SETS(mutable_training()->set_target_noise));
     }},
    {"weight_decay", "training.weight_decay",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_weight_decay, POLO_SETS(mutable_training()->set_weight_decay));
     }},
    {"lease_ms", "training.lease_ms",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_lease_ms, POLO_SETS(mutable_training()->set_lease_ms));
     }},
    {"replay_capacity", "training.replay_capacity",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_replay_capacity, [c](int64_t v) {
         if (v < 1) return Bad("replay_capacity", absl::StrCat(v), ">= 1");
         c->mutable_training()->set_replay_capacity(static_cast<uint64_t>(v));
         return absl::OkStatus();
       });
     }},
    {"min_replay_size", "training.min_replay_size",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_min_replay_size, [c](int64_t v) {
         if (v < 0) return Bad("min_replay_size", absl::StrCat(v), ">= 0");
         c->mutable_training()->set_min_replay_size(static_cast<uint64_t>(v));
         return absl::OkStatus();
       });
     }},
    {"ensemble_size", "ensemble.ensemble_size",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_ensemble_size, POLO_SETS(mutable_ensemble()->set_ensemble_size));
     }},
    {"hidden_sizes", "ensemble.hidden_sizes",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_hidden_sizes, [c](const std::string& v) {
         return ParseHiddenSizes(v, c->mutable_ensemble());
       });
     }},
    {"prior_scale", "ensemble.prior_scale",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_prior_scale, POLO_SETS(mutable_ensemble()->set_prior_scale));
     }},
    {"value_scale", "ensemble.value_scale",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_value_scale, POLO_SETS(mutable_ensemble()->set_value_scale));
     }},
    {"value_offset", "ensemble.value_offset",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_value_offset, POLO_SETS(mutable_ensemble()->set_value_offset));
     }},
    {"kappa", "kappa",
     [](polo::RunConfig* c) { return IfGiven(FLAGS_kappa, POLO_SETS(set_kappa)); }},
    {"final_kappa", "final_kappa",
     [](polo::RunConfig* c) { return IfGiven(FLAGS_final_kappa, POLO_SETS(set_final_kappa)); }},
    {"target_horizon", "targets.horizon",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_horizon, POLO_SETS(mutable_targets()->set_horizon));
     }},
    {"target_rollouts", "targets.num_rollouts",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_rollouts, POLO_SETS(mutable_targets()->set_num_rollouts));
     }},
    {"target_iterations", "targets.iterations",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_iterations, POLO_SETS(mutable_targets()->set_iterations));
     }},
    {"warm_start", "targets.warm_start",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_warm_start, POLO_SETS(mutable_targets()->set_warm_start));
     }},
    {"target_temperature", "targets.temperature",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_temperature, POLO_SETS(mutable_targets()->set_temperature));
     }},
    {"target_mode", "targets.per_member",
     [](polo::RunConfig* c) {
       return IfGiven(FLAGS_target_mode, [c](const std::string& v) {
         if (v != "shared" && v != "per_member") return Bad("target_mode", v, "shared or per_member");
         c->mutable_targets()->set_per_member(v == "per_member");
         return absl::OkStatus();
       });
     }},
    {"checkpoint_every_s", "checkpoint_period", nullptr},
};

#undef POLO_SETS

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

  for (const RunFlag& row : kRunFlags) {
    if (row.apply == nullptr) continue;
    if (absl::Status s = row.apply(&c); !s.ok()) return s;
  }
  // A run without an end has nothing to anneal towards: the preset yields.
  if (c.total_steps() == 0 && !absl::GetFlag(FLAGS_final_kappa).has_value()) {
    c.clear_final_kappa();
  }
  // Target rollouts sample like the actors'.
  c.mutable_targets()->set_noise_sigma(c.mppi().noise_sigma());
  c.mutable_targets()->set_noise_smoothing(c.mppi().noise_smoothing());
  c.mutable_targets()->set_gamma(c.mppi().gamma());
  return c;
}

absl::Status InFlagTerms(const absl::Status& status) {
  std::string message(status.message());
  // MPPI fields: the planner's own map (planner/mppi_flags.h).
  if (absl::StartsWith(message, "mppi.")) {
    return absl::Status(status.code(),
                        absl::StrCat("--", planner::MppiErrorInFlagTerms(message.substr(5))));
  }
  // The ensemble's own validation words its fields "spec.x".
  if (absl::StartsWith(message, "ensemble.spec.")) message.erase(9, 5);
  for (const RunFlag& row : kRunFlags) {
    const absl::string_view field = row.field;
    if (!absl::StartsWith(message, field)) continue;
    const absl::string_view rest = absl::string_view(message).substr(field.size());
    // The whole field name ("kappa", not the start of "kappa_x"): an
    // element ("[2]"), a subfield (".x") or the message (":") follows.
    if (!rest.empty() && rest[0] != ':' && rest[0] != '[' && rest[0] != '.') continue;
    return absl::Status(status.code(), absl::StrCat("--", row.flag, rest));
  }
  return status;
}

}  // namespace polo::server
