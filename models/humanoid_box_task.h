// "humanoid_box" (paper appendix A.3): push a 0.9 m cube, which starts 1.5 m
// in front of the humanoid and slides on very low friction, to the target
// 2.5 m in front (model humanoid_box.xml).
//
//   d_root   = || Box_xy - Root_xy ||,  d_target = || Box_xy - Target_xy ||
//   R(s) = -(1.1 - Root_z)        if Root_z <= 1.1
//          2 - d_root             else if d_root > 0.8
//          4 - 2 d_target         otherwise
//
// minus the shared control cost (models/humanoid_task.h, which also defines
// Root_z and Root_xy). Box_xy is the cube body's d->xpos (s_t after mj_step);
// Target_xy is the "target" site (2.5, 0).
// Value features (kNumFeatures = 39): the 34 humanoid features, then
//   34-36  cube position minus torso position, world frame (m)
//   37-38  target minus cube position, xy (m)
// Metrics: root_height, forward_speed, box_to_target (d_target, m).
// Reset: HumanoidTask::ResetUpright; the cube at rest at its start.
// Episode length 600.
//
// Thread-safety: immutable after construction (see Task).
#ifndef POLO_MODELS_HUMANOID_BOX_TASK_H_
#define POLO_MODELS_HUMANOID_BOX_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "models/humanoid_task.h"

namespace polo::models {

class HumanoidBoxTask : public HumanoidTask {
 public:
  static constexpr int kNumFeatures = kNumHumanoidFeatures + 3 + 2;
  // Beyond this root-to-cube distance the reward draws the humanoid to the cube.
  static constexpr double kReachDistance = 0.8;

  // Returns the model loader's error if the embedded model does not load, or
  // NotFound if it lacks the "box" body or the "target" site, or
  // ScaleHumanoidHead's error for a bad head_scale.
  static absl::StatusOr<std::unique_ptr<Task>> Create(double head_scale = 1.0);

  int num_features() const override { return kNumFeatures; }
  void Features(const mjModel* m, const mjData* d, double* features) const override;
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;
  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;

 protected:
  double TaskReward(const mjModel* m, const mjData* d) const override;

 private:
  HumanoidBoxTask(UniqueMjModel model, const Ids& ids, int box_body, int target_site);

  // Planar distance from the cube to the target.
  double BoxToTarget(const mjData* d) const;

  int box_body_;
  int target_site_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_HUMANOID_BOX_TASK_H_
