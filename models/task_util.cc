#include "models/task_util.h"

#include <mujoco/mujoco.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace polo::models {

absl::StatusOr<int> FindObjectId(const mjModel* m, mjtObj type, const char* name) {
  const int id = mj_name2id(m, type, name);
  if (id < 0) {
    // The model's own name is the first string in m->names.
    return absl::NotFoundError(
        absl::StrCat("model '", m->names, "' has no ", mju_type2Str(type), " named '", name, "'"));
  }
  return id;
}

absl::StatusOr<int> FindSensorAddress(const mjModel* m, const char* name, int dim) {
  absl::StatusOr<int> id = FindObjectId(m, mjOBJ_SENSOR, name);
  if (!id.ok()) return id.status();
  if (m->sensor_dim[*id] != dim) {
    return absl::FailedPreconditionError(
        absl::StrCat("sensor '", name, "' has dimension ", m->sensor_dim[*id], ", expected ", dim));
  }
  return m->sensor_adr[*id];
}

void PerturbHingeAngles(const mjModel* m, double amplitude, util::SplitMix64& rng, mjData* d) {
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] != mjJNT_HINGE) continue;
    double& angle = d->qpos[m->jnt_qposadr[j]];
    angle += rng.Uniform(-amplitude, amplitude);
    if (m->jnt_limited[j]) {
      angle = std::clamp(angle, m->jnt_range[2 * j], m->jnt_range[2 * j + 1]);
    }
  }
}

}  // namespace polo::models
