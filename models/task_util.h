// Small helpers shared by the task implementations: reset noise from a
// util::SplitMix64 stream and name-to-id lookups that fail with a Status.
// Pure functions.
#ifndef POLO_MODELS_TASK_UTIL_H_
#define POLO_MODELS_TASK_UTIL_H_

#include <mujoco/mujoco.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "util/random.h"

namespace polo::models {

// Id of the object `name` of type `type` in m. Returns NotFound naming the
// object and the model if it does not exist.
absl::StatusOr<int> FindObjectId(const mjModel* m, mjtObj type, const char* name);

// Address in d->sensordata of the sensor `name` with dimension `dim`.
// Returns NotFound if it does not exist, FailedPrecondition if its dimension
// differs.
absl::StatusOr<int> FindSensorAddress(const mjModel* m, const char* name, int dim);

// Adds Uniform(-amplitude, amplitude) to every hinge joint angle of d->qpos,
// clamped to the joint's range where the joint is limited.
void PerturbHingeAngles(const mjModel* m, double amplitude, util::SplitMix64& rng, mjData* d);

}  // namespace polo::models

#endif  // POLO_MODELS_TASK_UTIL_H_
