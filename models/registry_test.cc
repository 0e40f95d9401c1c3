#include "models/registry.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "models/mujoco_test_util.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::StepWithoutWarnings;

class RegistryTest : public testing::MujocoWarningTest {};

struct Expected {
  const char* name;
  int num_features;
  int episode_length;
  bool has_reward;
  std::vector<std::string> metric_names;
};

const std::vector<Expected>& ExpectedTasks() {
  static const auto* tasks = new std::vector<Expected>{
      {"adroit_cube", 75, 300, true, {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"adroit_cube_uniform", 75, 300, true,
       {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"hand_cube", 75, 300, true, {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"hand_cube_dapg", 75, 300, true, {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"hand_cube_near", 75, 300, true, {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"hand_cube_near_dapg", 75, 300, true,
       {"orientation_error_deg", "within_20deg", "cube_dropped"}},
      {"humanoid_box", 39, 600, true, {"root_height", "forward_speed", "box_to_target"}},
      {"humanoid_getup", 34, 600, true, {"root_height", "forward_speed"}},
      {"humanoid_getup_sparse", 34, 600, true, {"root_height", "forward_speed"}},
      {"humanoid_walk", 34, 600, true, {"root_height", "forward_speed"}},
      {"point_mass_box", 4, 1000, false, {"x", "y"}},
      {"point_mass_goal", 4, 1000, true, {"x", "y", "distance_to_goal"}},
      {"point_mass_maze", 4, 1000, false, {"x", "y"}},
  };
  return *tasks;
}

TEST_F(RegistryTest, ListsTheThirteenTasksSorted) {
  std::vector<std::string> expected;
  for (const Expected& task : ExpectedTasks()) expected.push_back(task.name);
  EXPECT_EQ(TaskNames(), expected);
}

TEST_F(RegistryTest, MakesEveryTaskWithItsDeclaredShape) {
  for (const Expected& want : ExpectedTasks()) {
    absl::StatusOr<std::unique_ptr<Task>> task = MakeTask(want.name);
    ASSERT_TRUE(task.ok()) << task.status();
    const Task& t = **task;
    EXPECT_EQ(t.name(), want.name);
    EXPECT_EQ(t.num_features(), want.num_features) << want.name;
    EXPECT_EQ(t.episode_length(), want.episode_length) << want.name;
    EXPECT_EQ(t.has_reward(), want.has_reward) << want.name;
    EXPECT_EQ(t.metric_names(), want.metric_names) << want.name;
    EXPECT_EQ(t.coverage_grid() != nullptr, !want.has_reward) << want.name;

    // A few steps of a real episode: finite reward, features and metrics, no warnings.
    const mjModel* m = t.model();
    UniqueMjData d(mj_makeData(m));
    t.Reset(m, d.get(), 1);
    for (int i = 0; i < m->nu; ++i) d->ctrl[i] = 0.3;
    ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 1)) << want.name;
    EXPECT_TRUE(std::isfinite(t.Reward(m, d.get()))) << want.name;
    mj_forward(m, d.get());
    std::vector<double> features(t.num_features()), metrics(t.metric_names().size());
    t.Features(m, d.get(), features.data());
    t.Metrics(m, d.get(), metrics.data());
    for (double f : features) EXPECT_TRUE(std::isfinite(f)) << want.name;
    for (double x : metrics) EXPECT_TRUE(std::isfinite(x)) << want.name;
  }
}

TEST_F(RegistryTest, UnknownNameIsInvalidArgumentListingKnownNames) {
  absl::StatusOr<std::unique_ptr<Task>> task = MakeTask("humanoid_fly");
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(task.status().message());
  EXPECT_NE(message.find("'humanoid_fly'"), std::string::npos) << message;
  for (const std::string& name : TaskNames()) {
    EXPECT_NE(message.find(name), std::string::npos) << message;
  }
}

TaskOptions HeadScale(double scale) {
  TaskOptions options;
  options.head_scale = scale;
  return options;
}

TEST_F(RegistryTest, HeadScaleGrowsTheHumanoidsHeadAtTheSameDensity) {
  absl::StatusOr<std::unique_ptr<Task>> nominal = MakeTask("humanoid_getup");
  absl::StatusOr<std::unique_ptr<Task>> scaled = MakeTask("humanoid_getup", HeadScale(1.5));
  ASSERT_TRUE(nominal.ok()) << nominal.status();
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  const mjModel* m0 = (*nominal)->model();
  const mjModel* m1 = (*scaled)->model();
  const int head = mj_name2id(m0, mjOBJ_BODY, "head");
  const int geom = mj_name2id(m0, mjOBJ_GEOM, "head");
  ASSERT_GE(head, 0);
  ASSERT_GE(geom, 0);
  EXPECT_DOUBLE_EQ(m1->geom_size[3 * geom], 1.5 * m0->geom_size[3 * geom]);
  EXPECT_NEAR(m1->body_mass[head], 3.375 * m0->body_mass[head], 1e-12);
  EXPECT_NEAR(m1->body_inertia[3 * head], std::pow(1.5, 5) * m0->body_inertia[3 * head], 1e-12);
  // mj_setConst ran: the whole body's mass (world's subtree) carries the change.
  EXPECT_NEAR(m1->body_subtreemass[0] - m0->body_subtreemass[0],
              2.375 * m0->body_mass[head], 1e-9);
  // The heavier head still lies down and settles without warnings.
  UniqueMjData d(mj_makeData(m1));
  (*scaled)->Reset(m1, d.get(), 3);
  EXPECT_TRUE(StepWithoutWarnings(m1, d.get(), 500));
  for (const char* name : {"humanoid_box", "humanoid_walk", "humanoid_getup_sparse"}) {
    EXPECT_TRUE(MakeTask(name, HeadScale(1.75)).ok()) << name;
  }
}

TEST_F(RegistryTest, HeadScaleIsRefusedOffRangeAndOnTasksWithoutAHead) {
  for (double bad : {0.0, 0.49, 2.01, -1.0, std::nan("")}) {
    absl::StatusOr<std::unique_ptr<Task>> task = MakeTask("humanoid_getup", HeadScale(bad));
    ASSERT_FALSE(task.ok()) << bad;
    EXPECT_EQ(task.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(task.status().message().find("head_scale"), std::string::npos) << task.status();
  }
  absl::StatusOr<std::unique_ptr<Task>> task = MakeTask("point_mass_box", HeadScale(1.25));
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(task.status().message());
  EXPECT_NE(message.find("head_scale"), std::string::npos) << message;
  EXPECT_NE(message.find("no head"), std::string::npos) << message;
  EXPECT_TRUE(MakeTask("point_mass_box", HeadScale(1.0)).ok());
}

}  // namespace
}  // namespace polo::models
