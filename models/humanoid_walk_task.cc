#include "models/humanoid_walk_task.h"

#include <mujoco/mujoco.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

namespace polo::models {

HumanoidWalkTask::HumanoidWalkTask(UniqueMjModel model, const Ids& ids)
    : HumanoidTask("humanoid_walk", std::move(model), ids, {"root_height", "forward_speed"}) {}

absl::StatusOr<std::unique_ptr<Task>> HumanoidWalkTask::Create(double head_scale) {
  Ids ids;
  absl::StatusOr<UniqueMjModel> model = LoadHumanoidModel("humanoid.xml", &ids, head_scale);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Task>(new HumanoidWalkTask(*std::move(model), ids));
}

double HumanoidWalkTask::TaskReward(const mjModel* m, const mjData* d) const {
  const double root_z = RootHeight(d);
  if (root_z <= kTargetHeight) return -(kTargetHeight - root_z);
  const double root_x = d->xpos[3 * ids().torso];
  return 1.0 - std::abs(kTargetSpeed - ForwardVelocity(m, d)) - std::abs(root_x);
}

void HumanoidWalkTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  ResetUpright(m, d, seed);
}

}  // namespace polo::models
