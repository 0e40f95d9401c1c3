#include "server/learner_flags.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/presets.h"
#include "config/run_config.h"
#include "config/run_flags.h"
#include "models/registry.h"
#include "planner/mppi_flags.h"

ABSL_FLAG(std::string, task, polo::config::kDefaultTask,
          "task to train (models/registry.h); point_mass_maze is the fast default");
ABSL_FLAG(std::string, mode, "sync",
          "sync: Algorithm 1 exactly (acting pauses during updates); async: actors run on");

// The run's hyperparameter flags, one per row of the table in
// config/run_flags.h (which field, what it means, how it parses; the help
// prints the defaults from the presets). Every one is optional: given, it
// overrides its field of the task's preset. Type and name here; a test
// checks the two lists agree.
#define POLO_RUN_FLAGS(X)                                                                 \
  X(int64_t, total_steps) X(int, episode_length) X(int, update_every) X(int, gradient_steps) \
  X(int, minibatch_size) X(int, target_states) X(double, learning_rate)                     \
  X(double, target_noise) X(double, weight_decay) X(int64_t, lease_ms)                      \
  X(int64_t, replay_capacity) X(int64_t, min_replay_size) X(int, ensemble_size)             \
  X(std::string, hidden_sizes) X(double, prior_scale) X(double, value_scale)                \
  X(double, value_offset) X(double, kappa) X(double, final_kappa) X(int, target_horizon)    \
  X(int, target_rollouts) X(int, target_iterations) X(bool, warm_start)                     \
  X(double, target_temperature) X(std::string, target_mode)

#define POLO_DEFINE_RUN_FLAG(type, name) \
  ABSL_FLAG(std::optional<type>, name, std::nullopt, polo::config::RunFlagHelp(#name));
POLO_RUN_FLAGS(POLO_DEFINE_RUN_FLAG)
#undef POLO_DEFINE_RUN_FLAG

namespace polo::server {
namespace {

absl::Status Bad(const char* flag, const std::string& got, const char* expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": got \"", got, "\", expected ", expected));
}

// A given flag's value as text (absl's own unparsing, which round-trips),
// or nullopt if it was not given.
template <typename T>
std::optional<std::string> Given(const absl::Flag<std::optional<T>>& flag) {
  const std::optional<T> value = absl::GetFlag(flag);
  if (!value.has_value()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    return *value;
  } else {
    return absl::UnparseFlag(*value);
  }
}

struct GivenFlag {
  const char* name;
  std::function<std::optional<std::string>()> text;
};

#define POLO_READ_RUN_FLAG(type, name) {#name, [] { return Given(FLAGS_##name); }},
const GivenFlag kRunFlagValues[] = {POLO_RUN_FLAGS(POLO_READ_RUN_FLAG)};
#undef POLO_READ_RUN_FLAG

}  // namespace

std::vector<std::string> RunFlagNames() {
  std::vector<std::string> names;
  for (const GivenFlag& f : kRunFlagValues) names.push_back(f.name);
  return names;
}

absl::StatusOr<polo::RunConfig> RunConfigFromFlags() {
  const std::string task_name = absl::GetFlag(FLAGS_task);
  const std::vector<std::string> names = models::TaskNames();
  if (std::find(names.begin(), names.end(), task_name) == names.end()) {
    return Bad("task", task_name, absl::StrCat("one of ", absl::StrJoin(names, ", ")).c_str());
  }
  absl::StatusOr<polo::RunConfig> preset = config::PresetRunConfig(task_name);
  if (!preset.ok()) return preset.status();
  polo::RunConfig c = *std::move(preset);
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
      planner::MppiSettingsFromFlags(config::MppiSettingsFromConfig(c, c.seed()));
  if (!mppi.ok()) return mppi.status();
  config::SetMppiConfig(*mppi, c.mutable_mppi());
  c.set_seed(mppi->seed);

  for (const GivenFlag& flag : kRunFlagValues) {
    const std::optional<std::string> text = flag.text();
    if (!text.has_value()) continue;
    const config::RunFlag* row = config::FindRunFlag(flag.name);
    if (row == nullptr) return absl::InternalError(absl::StrCat("--", flag.name, ": no table row"));
    if (absl::Status s = config::ApplyRunFlag(*row, *text, &c); !s.ok()) return s;
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
  // LearnerOptions.checkpoint_period is set by cluster/learner_main.cc's
  // --checkpoint_every_s.
  if (absl::StartsWith(status.message(), "checkpoint_period")) {
    return absl::Status(status.code(),
                        absl::StrCat("--checkpoint_every_s",
                                     status.message().substr(sizeof("checkpoint_period") - 1)));
  }
  return config::InFlagTerms(status);
}

}  // namespace polo::server
