#include "models/point_mass_task.h"

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "models/model_loader.h"
#include "models/task_util.h"

namespace polo::models {

PointMassTask::PointMassTask(std::string name, UniqueMjModel model, int agent_body,
                             std::vector<std::string> metric_names)
    : Task(std::move(name), std::move(model)),
      agent_body_(agent_body),
      metric_names_(std::move(metric_names)) {
  coverage_grid_.x_min = -kPositionScale;
  coverage_grid_.x_max = kPositionScale;
  coverage_grid_.y_min = -kPositionScale;
  coverage_grid_.y_max = kPositionScale;
  coverage_grid_.cells_per_side = kCoverageCellsPerSide;
}

absl::StatusOr<UniqueMjModel> PointMassTask::LoadPointMassModel(const char* file, int* agent_body) {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel(file);
  if (!model.ok()) return model.status();
  const mjModel* m = model->get();
  absl::StatusOr<int> agent = FindObjectId(m, mjOBJ_BODY, "agent");
  if (!agent.ok()) return agent.status();
  if (m->nq != 2 || m->nv != 2 || m->nu != 2 || m->jnt_bodyid[0] != *agent) {
    return absl::FailedPreconditionError(
        absl::StrCat(file, ": expected the agent on 2 slide joints with 2 motors, got nq ", m->nq,
                     ", nv ", m->nv, ", nu ", m->nu));
  }
  *agent_body = *agent;
  return model;
}

absl::StatusOr<std::unique_ptr<Task>> PointMassTask::CreateBox() {
  int agent = -1;
  absl::StatusOr<UniqueMjModel> model = LoadPointMassModel("point_mass_box.xml", &agent);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Task>(
      new PointMassTask("point_mass_box", *std::move(model), agent, {"x", "y"}));
}

absl::StatusOr<std::unique_ptr<Task>> PointMassTask::CreateMaze() {
  int agent = -1;
  absl::StatusOr<UniqueMjModel> model = LoadPointMassModel("point_mass_maze.xml", &agent);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Task>(
      new PointMassTask("point_mass_maze", *std::move(model), agent, {"x", "y"}));
}

void PointMassTask::Features(const mjModel* m, const mjData* d, double* features) const {
  const mjtNum* pos = d->xpos + 3 * agent_body_;
  features[0] = pos[0] / kPositionScale;
  features[1] = pos[1] / kPositionScale;
  features[2] = d->qvel[0] / kVelocityScale;
  features[3] = d->qvel[1] / kVelocityScale;
}

void PointMassTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  mj_resetData(m, d);
  util::SplitMix64 rng(seed);
  d->qpos[0] = kStart[0] + rng.Uniform(-kStartJitter, kStartJitter);
  d->qpos[1] = kStart[1] + rng.Uniform(-kStartJitter, kStartJitter);
  mj_forward(m, d);
}

void PointMassTask::Metrics(const mjModel* m, const mjData* d, double* metrics) const {
  metrics[0] = d->xpos[3 * agent_body_];
  metrics[1] = d->xpos[3 * agent_body_ + 1];
}

bool PointMassTask::PlanarPosition(const mjModel* m, const mjData* d, double xy[2]) const {
  xy[0] = d->xpos[3 * agent_body_];
  xy[1] = d->xpos[3 * agent_body_ + 1];
  return true;
}

}  // namespace polo::models
