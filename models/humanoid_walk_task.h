// "humanoid_walk" (paper appendix A.2): from an upright start, walk along the
// world x-axis at 1 m/s.
//
//   R(s) = -(1.1 - Root_z)                    if Root_z <= 1.1
//          1 - |1 - Vel_x| - |Root_x|         otherwise
//
// minus the shared control cost (models/humanoid_task.h, which also defines
// Root_z, Root_x, Vel_x, the features and the metrics). Reset:
// HumanoidTask::ResetUpright. Model humanoid.xml; 34 features; metrics
// root_height, forward_speed; episode length 600.
//
// Thread-safety: immutable after construction (see Task).
#ifndef POLO_MODELS_HUMANOID_WALK_TASK_H_
#define POLO_MODELS_HUMANOID_WALK_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "models/humanoid_task.h"

namespace polo::models {

class HumanoidWalkTask : public HumanoidTask {
 public:
  static constexpr double kTargetSpeed = 1.0;  // m/s along +x

  // Returns the model loader's error if the embedded model does not load, or
  // ScaleHumanoidHead's for a bad head_scale.
  static absl::StatusOr<std::unique_ptr<Task>> Create(double head_scale = 1.0);

  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;

 protected:
  double TaskReward(const mjModel* m, const mjData* d) const override;

 private:
  HumanoidWalkTask(UniqueMjModel model, const Ids& ids);
};

}  // namespace polo::models

#endif  // POLO_MODELS_HUMANOID_WALK_TASK_H_
