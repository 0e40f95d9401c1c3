// Command-line flags for MPPI settings, shared by every binary that plans
// (//planner:mpc, //learner:exploration, //server:learner), so each setting
// has one name and one default everywhere. Defaults are the paper's humanoid
// settings (DESIGN.md sec. 4) except the temperature, see mppi.h.
#ifndef POLO_PLANNER_MPPI_FLAGS_H_
#define POLO_PLANNER_MPPI_FLAGS_H_

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "planner/mppi.h"

ABSL_DECLARE_FLAG(int, horizon);
ABSL_DECLARE_FLAG(int, rollouts);
ABSL_DECLARE_FLAG(double, sigma);
ABSL_DECLARE_FLAG(double, noise_smoothing);
ABSL_DECLARE_FLAG(double, temperature);
ABSL_DECLARE_FLAG(std::string, temperature_mode);
ABSL_DECLARE_FLAG(double, gamma);
ABSL_DECLARE_FLAG(int, iterations);
ABSL_DECLARE_FLAG(bool, value_only);
ABSL_DECLARE_FLAG(uint64_t, seed);

namespace polo::planner {

// Reads the flags above. Returns InvalidArgument naming the flag
// ("--temperature: got 0, expected > 0") for any bad value.
absl::StatusOr<MppiSettings> MppiSettingsFromFlags();

}  // namespace polo::planner

#endif  // POLO_PLANNER_MPPI_FLAGS_H_
