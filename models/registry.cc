#include "models/registry.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/adroit_cube_task.h"
#include "models/hand_cube_task.h"
#include "models/humanoid_box_task.h"
#include "models/humanoid_getup_task.h"
#include "models/humanoid_walk_task.h"
#include "models/point_mass_goal_task.h"
#include "models/point_mass_task.h"

namespace polo::models {
namespace {

using Factory = absl::StatusOr<std::unique_ptr<Task>> (*)(const TaskOptions&);

struct Entry {
  const char* name;
  bool has_head;  // takes TaskOptions::head_scale
  Factory make;
};

// Sorted by name.
constexpr Entry kTasks[] = {
    {"adroit_cube", false, [](const TaskOptions&) { return AdroitCubeTask::Create(); }},
    {"adroit_cube_uniform", false,
     [](const TaskOptions&) { return AdroitCubeTask::Create(HandCubeTask::Goals::kUniform); }},
    {"hand_cube", false, [](const TaskOptions&) { return HandCubeTask::Create(); }},
    {"hand_cube_dapg", false,
     [](const TaskOptions&) {
       return HandCubeTask::Create(HandCubeTask::Goals::kUniform, HandCubeTask::Contacts::kDapg);
     }},
    {"hand_cube_near", false,
     [](const TaskOptions&) { return HandCubeTask::Create(HandCubeTask::Goals::kNear); }},
    {"hand_cube_near_dapg", false,
     [](const TaskOptions&) {
       return HandCubeTask::Create(HandCubeTask::Goals::kNear, HandCubeTask::Contacts::kDapg);
     }},
    {"humanoid_box", true, [](const TaskOptions& o) { return HumanoidBoxTask::Create(o.head_scale); }},
    {"humanoid_getup", true,
     [](const TaskOptions& o) { return HumanoidGetupTask::Create(/*sparse=*/false, o.head_scale); }},
    {"humanoid_getup_sparse", true,
     [](const TaskOptions& o) { return HumanoidGetupTask::Create(/*sparse=*/true, o.head_scale); }},
    {"humanoid_walk", true,
     [](const TaskOptions& o) { return HumanoidWalkTask::Create(o.head_scale); }},
    {"point_mass_box", false, [](const TaskOptions&) { return PointMassTask::CreateBox(); }},
    {"point_mass_goal", false, [](const TaskOptions&) { return PointMassGoalTask::Create(); }},
    {"point_mass_maze", false, [](const TaskOptions&) { return PointMassTask::CreateMaze(); }},
};

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> MakeTask(std::string_view name,
                                               const TaskOptions& options) {
  for (const Entry& entry : kTasks) {
    if (name != entry.name) continue;
    if (options.head_scale != 1.0 && !entry.has_head) {
      return absl::InvalidArgumentError(absl::StrCat(
          "head_scale: got ", options.head_scale, " for task '", entry.name,
          "', which has no head; expected 1 (only humanoid tasks take a head scale)"));
    }
    return entry.make(options);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown task '", std::string(name), "'; known tasks: ", absl::StrJoin(TaskNames(), ", ")));
}

std::vector<std::string> TaskNames() {
  std::vector<std::string> names;
  for (const Entry& entry : kTasks) names.emplace_back(entry.name);
  return names;
}

}  // namespace polo::models
