// "point_mass_goal": the open square point-mass world (point_mass_box.xml)
// with a dense goal-reaching reward, for planner tests and the learner's
// brute-force target tests:
//
//   r(s_t, a_t) = -|| xy_t - kGoal ||_2,   kGoal = (0.5, 0.5) m,
//
// where xy_t is the agent's position in s_t (d->xpos, which after mj_step
// still describes s_t). Start, features and episode length as point_mass_box
// (models/point_mass_task.h); from the start (-0.8, -0.8) the goal is 1.84 m
// away, about 115 steps at full control. Being rewarded, it has no coverage
// grid and no planar position (Task's contract).
// Metrics: x, y, distance_to_goal (m).
//
// Thread-safety: immutable after construction (see Task).
#ifndef POLO_MODELS_POINT_MASS_GOAL_TASK_H_
#define POLO_MODELS_POINT_MASS_GOAL_TASK_H_

#include <mujoco/mujoco.h>

#include <memory>

#include "absl/status/statusor.h"
#include "models/point_mass_task.h"

namespace polo::models {

class PointMassGoalTask : public PointMassTask {
 public:
  static constexpr double kGoal[2] = {0.5, 0.5};

  // Returns the model loader's error if the embedded model does not load.
  static absl::StatusOr<std::unique_ptr<Task>> Create();

  bool has_reward() const override { return true; }
  double Reward(const mjModel* m, const mjData* d) const override;
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;
  // A rewarded task: no coverage grid, no planar position (Task's contract).
  const CoverageGrid* coverage_grid() const override { return nullptr; }
  bool PlanarPosition(const mjModel* m, const mjData* d, double xy[2]) const override {
    return false;
  }

 private:
  PointMassGoalTask(UniqueMjModel model, int agent_body);

  double DistanceToGoal(const mjData* d) const;
};

}  // namespace polo::models

#endif  // POLO_MODELS_POINT_MASS_GOAL_TASK_H_
