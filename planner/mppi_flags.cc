#include "planner/mppi_flags.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

// Each flag is unset unless given; unset flags keep the preset's value (see
// mppi_flags.h). The defaults named are MppiSettings' own.
ABSL_FLAG(std::optional<int>, horizon, std::nullopt,
          "MPPI planning horizon H in control steps (default 64; point-mass worlds 32)");
ABSL_FLAG(std::optional<int>, rollouts, std::nullopt,
          "MPPI rollouts K per iteration (default 120; point-mass worlds 64)");
ABSL_FLAG(std::optional<double>, sigma, std::nullopt,
          "MPPI exploration noise standard deviation (default 0.2; point-mass worlds 0.5)");
ABSL_FLAG(std::optional<double>, noise_smoothing, std::nullopt,
          "correlation rho in [0,1) of each step's noise with the previous step's "
          "(default 0.8; point-mass worlds 0.9)");
ABSL_FLAG(std::optional<double>, temperature, std::nullopt,
          "MPPI temperature lambda > 0 (default 0.1 normalized; point-mass worlds 0.003 "
          "absolute)");
ABSL_FLAG(std::string, temperature_mode, "",
          "absolute: lambda divides raw returns; normalized: returns are first divided by "
          "their range in the batch (default normalized; point-mass worlds absolute)");
ABSL_FLAG(std::optional<double>, gamma, std::nullopt, "discount factor in (0, 1] (default 0.99)");
ABSL_FLAG(std::optional<int>, iterations, std::nullopt,
          "MPPI iterations per control step (default 1)");
ABSL_FLAG(std::optional<double>, min_effective_samples, std::nullopt,
          "floor under MPPI's effective sample size: the temperature is raised per step "
          "until this many rollouts count (0 = none, the default)");
ABSL_FLAG(bool, value_only, false, "score rollouts by the terminal value alone (no rewards)");
ABSL_FLAG(std::optional<uint64_t>, seed, std::nullopt, "random seed (noise streams, resets; default 0)");

namespace polo::planner {

absl::StatusOr<MppiSettings> MppiSettingsFromFlags(const MppiSettings& preset) {
  MppiSettings s = preset;
  auto set = [](auto& field, const auto& flag) {
    if (const auto value = absl::GetFlag(flag); value.has_value()) field = *value;
  };
  set(s.rollouts.horizon, FLAGS_horizon);
  set(s.rollouts.num_rollouts, FLAGS_rollouts);
  set(s.rollouts.noise_sigma, FLAGS_sigma);
  set(s.rollouts.noise_smoothing, FLAGS_noise_smoothing);
  set(s.rollouts.gamma, FLAGS_gamma);
  set(s.temperature, FLAGS_temperature);
  set(s.iterations, FLAGS_iterations);
  set(s.min_effective_samples, FLAGS_min_effective_samples);
  set(s.seed, FLAGS_seed);
  if (absl::GetFlag(FLAGS_value_only)) s.rollouts.with_reward = false;
  const std::string mode = absl::GetFlag(FLAGS_temperature_mode);
  if (mode == "absolute") {
    s.temperature_mode = TemperatureMode::kAbsolute;
  } else if (mode == "normalized") {
    s.temperature_mode = TemperatureMode::kNormalized;
  } else if (!mode.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--temperature_mode: got \"", mode, "\", expected \"absolute\" or \"normalized\""));
  }
  if (absl::Status status = ValidateMppiSettings(s); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", MppiErrorInFlagTerms(status.message())));
  }
  return s;
}

std::string MppiErrorInFlagTerms(absl::string_view message) {
  // Setting names match flag names except these two.
  static constexpr std::pair<absl::string_view, absl::string_view> kRenamed[] = {
      {"num_rollouts", "rollouts"}, {"noise_sigma", "sigma"}};
  for (const auto& [setting, flag] : kRenamed) {
    if (absl::StartsWith(message, setting)) {
      return absl::StrCat(flag, message.substr(setting.size()));
    }
  }
  return std::string(message);
}

absl::StatusOr<MppiSettings> MppiSettingsFromFlags() { return MppiSettingsFromFlags(MppiSettings()); }

}  // namespace polo::planner
