#include "models/humanoid_box_task.h"

#include <mujoco/mujoco.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

#include "models/task_util.h"

namespace polo::models {

HumanoidBoxTask::HumanoidBoxTask(UniqueMjModel model, const Ids& ids, int box_body, int target_site)
    : HumanoidTask("humanoid_box", std::move(model), ids,
                   {"root_height", "forward_speed", "box_to_target"}),
      box_body_(box_body),
      target_site_(target_site) {}

absl::StatusOr<std::unique_ptr<Task>> HumanoidBoxTask::Create(double head_scale) {
  Ids ids;
  absl::StatusOr<UniqueMjModel> model = LoadHumanoidModel("humanoid_box.xml", &ids, head_scale);
  if (!model.ok()) return model.status();
  absl::StatusOr<int> box = FindObjectId(model->get(), mjOBJ_BODY, "box");
  if (!box.ok()) return box.status();
  absl::StatusOr<int> target = FindObjectId(model->get(), mjOBJ_SITE, "target");
  if (!target.ok()) return target.status();
  return std::unique_ptr<Task>(new HumanoidBoxTask(*std::move(model), ids, *box, *target));
}

double HumanoidBoxTask::BoxToTarget(const mjData* d) const {
  const mjtNum* box = d->xpos + 3 * box_body_;
  const mjtNum* target = d->site_xpos + 3 * target_site_;
  return std::hypot(box[0] - target[0], box[1] - target[1]);
}

double HumanoidBoxTask::TaskReward(const mjModel* m, const mjData* d) const {
  const double root_z = RootHeight(d);
  if (root_z <= kTargetHeight) return -(kTargetHeight - root_z);
  const mjtNum* box = d->xpos + 3 * box_body_;
  const mjtNum* root = d->xpos + 3 * ids().torso;
  const double box_to_root = std::hypot(box[0] - root[0], box[1] - root[1]);
  if (box_to_root > kReachDistance) return 2.0 - box_to_root;
  return 4.0 - 2.0 * BoxToTarget(d);
}

void HumanoidBoxTask::Features(const mjModel* m, const mjData* d, double* features) const {
  HumanoidTask::Features(m, d, features);
  const mjtNum* box = d->xpos + 3 * box_body_;
  const mjtNum* root = d->xpos + 3 * ids().torso;
  const mjtNum* target = d->site_xpos + 3 * target_site_;
  double* extra = features + kNumHumanoidFeatures;
  for (int i = 0; i < 3; ++i) extra[i] = box[i] - root[i];
  extra[3] = target[0] - box[0];
  extra[4] = target[1] - box[1];
}

void HumanoidBoxTask::Metrics(const mjModel* m, const mjData* d, double* metrics) const {
  HumanoidTask::Metrics(m, d, metrics);
  metrics[2] = BoxToTarget(d);
}

void HumanoidBoxTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  ResetUpright(m, d, seed);
}

}  // namespace polo::models
