// Command-line flags for MPPI settings, shared by every binary that plans
// (//experiments:mpc, //experiments:exploration, //server:learner), so each setting
// has one name everywhere. A flag not given leaves the binary's preset alone:
// every binary that plans for a task passes the task's preset
// (config/presets.h); MppiSettings' defaults (the paper's humanoid
// settings, docs/settings.md, "Humanoid", except the temperature, see
// mppi.h) where there is none.
#ifndef POLO_PLANNER_MPPI_FLAGS_H_
#define POLO_PLANNER_MPPI_FLAGS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "planner/mppi.h"

ABSL_DECLARE_FLAG(std::optional<int>, horizon);
ABSL_DECLARE_FLAG(std::optional<int>, rollouts);
ABSL_DECLARE_FLAG(std::optional<double>, sigma);
ABSL_DECLARE_FLAG(std::optional<double>, noise_smoothing);
ABSL_DECLARE_FLAG(std::optional<double>, temperature);
ABSL_DECLARE_FLAG(std::string, temperature_mode);  // "" = the preset's.
ABSL_DECLARE_FLAG(std::optional<double>, gamma);
ABSL_DECLARE_FLAG(std::optional<int>, iterations);
ABSL_DECLARE_FLAG(std::optional<double>, min_effective_samples);
ABSL_DECLARE_FLAG(bool, value_only);
ABSL_DECLARE_FLAG(std::optional<uint64_t>, seed);

namespace polo::planner {

// `preset` with the flags above that were given on the command line applied
// (so a binary can have other defaults, e.g. the point-mass worlds').
// Returns InvalidArgument naming the flag ("--temperature: got 0, expected
// > 0") for any bad value.
absl::StatusOr<MppiSettings> MppiSettingsFromFlags(const MppiSettings& preset);
// The same over MppiSettings' defaults.
absl::StatusOr<MppiSettings> MppiSettingsFromFlags();

// An error about an MppiSettings / polo.MppiConfig field ("num_rollouts:
// got 0, ...") in terms of its flag, without the leading "--"
// ("rollouts: got 0, ..."): the one map from MPPI fields to flags.
std::string MppiErrorInFlagTerms(absl::string_view message);

}  // namespace polo::planner

#endif  // POLO_PLANNER_MPPI_FLAGS_H_
