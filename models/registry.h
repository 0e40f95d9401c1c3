// The task registry: every POLO task by name. Names: hand_cube,
// hand_cube_dapg, hand_cube_near, hand_cube_near_dapg, humanoid_box,
// humanoid_getup, humanoid_getup_sparse, humanoid_walk, point_mass_box,
// point_mass_goal, point_mass_maze.
//
// Thread-safety: both functions are safe to call from any thread; each
// MakeTask call builds a new, independent Task (and mjModel).
#ifndef POLO_MODELS_REGISTRY_H_
#define POLO_MODELS_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "models/task.h"

namespace polo::models {

// Variations of a task's model.
struct TaskOptions {
  // Humanoid tasks only: the head's size (and mass, at the same density)
  // times this (ScaleHumanoidHead in models/humanoid_task.h; paper Fig. 4b).
  // 1 = the nominal model.
  double head_scale = 1.0;
};

// Builds the task `name`, loading its embedded model. Returns InvalidArgument
// listing the known names if `name` is unknown, InvalidArgument naming
// head_scale if options.head_scale != 1 on a task without a head or out of
// range, or the task's own error if its model fails to load.
absl::StatusOr<std::unique_ptr<Task>> MakeTask(std::string_view name,
                                               const TaskOptions& options = {});

// Names MakeTask accepts, sorted.
std::vector<std::string> TaskNames();

}  // namespace polo::models

#endif  // POLO_MODELS_REGISTRY_H_
