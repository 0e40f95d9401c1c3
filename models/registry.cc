#include "models/registry.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/humanoid_box_task.h"
#include "models/humanoid_getup_task.h"
#include "models/humanoid_walk_task.h"
#include "models/point_mass_goal_task.h"
#include "models/point_mass_task.h"

namespace polo::models {
namespace {

using Factory = absl::StatusOr<std::unique_ptr<Task>> (*)();

struct Entry {
  const char* name;
  Factory make;
};

// Sorted by name.
constexpr Entry kTasks[] = {
    {"humanoid_box", &HumanoidBoxTask::Create},
    {"humanoid_getup", [] { return HumanoidGetupTask::Create(/*sparse=*/false); }},
    {"humanoid_getup_sparse", [] { return HumanoidGetupTask::Create(/*sparse=*/true); }},
    {"humanoid_walk", &HumanoidWalkTask::Create},
    {"point_mass_box", &PointMassTask::CreateBox},
    {"point_mass_goal", &PointMassGoalTask::Create},
    {"point_mass_maze", &PointMassTask::CreateMaze},
};

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> MakeTask(std::string_view name) {
  for (const Entry& entry : kTasks) {
    if (name == entry.name) return entry.make();
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
