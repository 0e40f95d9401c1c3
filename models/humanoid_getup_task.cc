#include "models/humanoid_getup_task.h"

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace polo::models {

HumanoidGetupTask::HumanoidGetupTask(bool sparse, UniqueMjModel model, const Ids& ids)
    : HumanoidTask(sparse ? "humanoid_getup_sparse" : "humanoid_getup", std::move(model), ids,
                   {"root_height", "forward_speed"}),
      sparse_(sparse) {}

absl::StatusOr<std::unique_ptr<Task>> HumanoidGetupTask::Create(bool sparse, double head_scale) {
  Ids ids;
  absl::StatusOr<UniqueMjModel> model = LoadHumanoidModel("humanoid.xml", &ids, head_scale);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Task>(new HumanoidGetupTask(sparse, *std::move(model), ids));
}

double HumanoidGetupTask::TaskReward(const mjModel* m, const mjData* d) const {
  const double root_z = RootHeight(d);
  if (root_z <= kTargetHeight) return sparse_ ? 0.0 : 1.0 - (kTargetHeight - root_z);
  return 1.0;
}

void HumanoidGetupTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  ResetSupine(m, d, seed);
}

}  // namespace polo::models
