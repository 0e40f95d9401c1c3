// "humanoid_getup" and "humanoid_getup_sparse" (paper appendix A.1): from a
// supine start, bring the root height to 1.1 m.
//
//   dense:  R(s) = 1 - (1.1 - Root_z)  if Root_z <= 1.1,  else 1
//   sparse: R(s) = 0                   if Root_z <= 1.1,  else 1
//
// minus the shared control cost (models/humanoid_task.h, which also defines
// Root_z, the features and the metrics). Reset: HumanoidTask::ResetSupine.
// Model humanoid.xml; 34 features; metrics root_height, forward_speed;
// episode length 600.
//
// Thread-safety: immutable after construction (see Task).
#ifndef POLO_MODELS_HUMANOID_GETUP_TASK_H_
#define POLO_MODELS_HUMANOID_GETUP_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "models/humanoid_task.h"

namespace polo::models {

class HumanoidGetupTask : public HumanoidTask {
 public:
  // sparse = false: "humanoid_getup"; true: "humanoid_getup_sparse". Returns
  // the model loader's error if the embedded model does not load, or
  // ScaleHumanoidHead's for a bad head_scale.
  static absl::StatusOr<std::unique_ptr<Task>> Create(bool sparse, double head_scale = 1.0);

  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;

 protected:
  double TaskReward(const mjModel* m, const mjData* d) const override;

 private:
  HumanoidGetupTask(bool sparse, UniqueMjModel model, const Ids& ids);

  bool sparse_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_HUMANOID_GETUP_TASK_H_
