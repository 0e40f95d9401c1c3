#include "planner/mppi_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(int, horizon, 64, "MPPI planning horizon H (control steps)");
ABSL_FLAG(int, rollouts, 120, "MPPI rollouts K per iteration");
ABSL_FLAG(double, sigma, 0.2, "MPPI exploration noise standard deviation");
ABSL_FLAG(double, noise_smoothing, 0.8,
          "correlation rho in [0,1) of each step's noise with the previous step's");
ABSL_FLAG(double, temperature, 0.1, "MPPI temperature lambda (> 0)");
ABSL_FLAG(std::string, temperature_mode, "normalized",
          "absolute: lambda divides raw returns; normalized: returns are first divided by "
          "their range in the batch");
ABSL_FLAG(double, gamma, 0.99, "discount factor in (0, 1]");
ABSL_FLAG(int, iterations, 1, "MPPI iterations per control step");
ABSL_FLAG(bool, value_only, false, "score rollouts by the terminal value alone (no rewards)");
ABSL_FLAG(uint64_t, seed, 0, "random seed (noise streams, resets)");

namespace polo::planner {

absl::StatusOr<MppiSettings> MppiSettingsFromFlags() {
  MppiSettings s;
  s.rollouts.horizon = absl::GetFlag(FLAGS_horizon);
  s.rollouts.num_rollouts = absl::GetFlag(FLAGS_rollouts);
  s.rollouts.noise_sigma = absl::GetFlag(FLAGS_sigma);
  s.rollouts.noise_smoothing = absl::GetFlag(FLAGS_noise_smoothing);
  s.rollouts.gamma = absl::GetFlag(FLAGS_gamma);
  s.rollouts.with_reward = !absl::GetFlag(FLAGS_value_only);
  s.temperature = absl::GetFlag(FLAGS_temperature);
  s.iterations = absl::GetFlag(FLAGS_iterations);
  s.seed = absl::GetFlag(FLAGS_seed);
  const std::string mode = absl::GetFlag(FLAGS_temperature_mode);
  if (mode == "absolute") {
    s.temperature_mode = TemperatureMode::kAbsolute;
  } else if (mode == "normalized") {
    s.temperature_mode = TemperatureMode::kNormalized;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--temperature_mode: got \"", mode, "\", expected \"absolute\" or \"normalized\""));
  }
  if (absl::Status status = ValidateMppiSettings(s); !status.ok()) {
    // Setting names match flag names except these two.
    std::string message(status.message());
    if (message.rfind("num_rollouts", 0) == 0) message.replace(0, 12, "rollouts");
    if (message.rfind("noise_sigma", 0) == 0) message.replace(0, 11, "sigma");
    return absl::InvalidArgumentError(absl::StrCat("--", message));
  }
  return s;
}

}  // namespace polo::planner
