#include "models/point_mass_goal_task.h"

#include <mujoco/mujoco.h>

#include <cmath>
#include <memory>
#include <utility>

namespace polo::models {

PointMassGoalTask::PointMassGoalTask(UniqueMjModel model, int agent_body)
    : PointMassTask("point_mass_goal", std::move(model), agent_body,
                    {"x", "y", "distance_to_goal"}) {}

absl::StatusOr<std::unique_ptr<Task>> PointMassGoalTask::Create() {
  int agent = -1;
  absl::StatusOr<UniqueMjModel> model = LoadPointMassModel("point_mass_box.xml", &agent);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Task>(new PointMassGoalTask(*std::move(model), agent));
}

double PointMassGoalTask::DistanceToGoal(const mjData* d) const {
  const mjtNum* pos = d->xpos + 3 * agent_body();
  return std::hypot(pos[0] - kGoal[0], pos[1] - kGoal[1]);
}

double PointMassGoalTask::Reward(const mjModel* m, const mjData* d) const {
  return -DistanceToGoal(d);
}

void PointMassGoalTask::Metrics(const mjModel* m, const mjData* d, double* metrics) const {
  PointMassTask::Metrics(m, d, metrics);
  metrics[2] = DistanceToGoal(d);
}

}  // namespace polo::models
