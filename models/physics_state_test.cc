#include "models/physics_state.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "models/mujoco_test_util.h"
#include "models/registry.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::StepWithoutWarnings;

class PhysicsStateTest : public testing::MujocoWarningTest {};

std::unique_ptr<Task> MustMakeTask(const char* name) {
  absl::StatusOr<std::unique_ptr<Task>> task = MakeTask(name);
  EXPECT_TRUE(task.ok()) << task.status();
  return task.ok() ? *std::move(task) : nullptr;
}

// A deterministic, varied control sequence.
void SetControl(const mjModel* m, int step, mjData* d) {
  for (int i = 0; i < m->nu; ++i) d->ctrl[i] = std::sin(0.37 * step + 1.3 * i);
}

bool SameBits(const mjtNum* a, const mjtNum* b, int n) {
  return std::memcmp(a, b, sizeof(mjtNum) * n) == 0;
}

// Runs `task` from a reset for 30 steps, captures, then checks that 50 more
// steps from a restored copy in unrelated mjData match the original bit for bit.
void ExpectRestoredRunIsBitIdentical(const Task& task) {
  const mjModel* m = task.model();
  UniqueMjData original(mj_makeData(m));
  task.Reset(m, original.get(), /*seed=*/7);
  for (int t = 0; t < 30; ++t) {
    SetControl(m, t, original.get());
    ASSERT_TRUE(StepWithoutWarnings(m, original.get(), 1));
  }
  std::vector<double> state(PhysicsStateSize(m));
  CapturePhysicsState(m, original.get(), state.data());

  UniqueMjData restored(mj_makeData(m));
  task.Reset(m, restored.get(), /*seed=*/99);  // different history
  ASSERT_TRUE(StepWithoutWarnings(m, restored.get(), 13));
  RestorePhysicsState(m, state.data(), restored.get());

  for (int t = 30; t < 80; ++t) {
    SetControl(m, t, original.get());
    SetControl(m, t, restored.get());
    mj_step(m, original.get());
    mj_step(m, restored.get());
    ASSERT_TRUE(SameBits(original->qpos, restored->qpos, m->nq)) << task.name() << " step " << t;
    ASSERT_TRUE(SameBits(original->qvel, restored->qvel, m->nv)) << task.name() << " step " << t;
    ASSERT_EQ(original->time, restored->time);
  }
}

TEST_F(PhysicsStateTest, SizeIsTimeQposQvelActAndWarmstart) {
  std::unique_ptr<Task> task = MustMakeTask("humanoid_walk");
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(PhysicsStateSize(task->model()), 1 + 28 + 27 + 0 + 27);
}

TEST_F(PhysicsStateTest, CaptureThenRestoreRoundTripsEveryField) {
  std::unique_ptr<Task> task = MustMakeTask("humanoid_getup");
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 3);
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 5));
  std::vector<double> state(PhysicsStateSize(m));
  CapturePhysicsState(m, d.get(), state.data());
  EXPECT_EQ(state[0], d->time);
  EXPECT_TRUE(SameBits(state.data() + 1, d->qpos, m->nq));
  EXPECT_TRUE(SameBits(state.data() + 1 + m->nq, d->qvel, m->nv));
  EXPECT_TRUE(SameBits(state.data() + 1 + m->nq + m->nv + m->na, d->qacc_warmstart, m->nv));

  UniqueMjData other(mj_makeData(m));
  RestorePhysicsState(m, state.data(), other.get());
  std::vector<double> again(state.size());
  CapturePhysicsState(m, other.get(), again.data());
  EXPECT_TRUE(SameBits(state.data(), again.data(), static_cast<int>(state.size())));
}

TEST_F(PhysicsStateTest, RestoredStateGivesBitIdenticalNextSteps) {
  for (const char* name : {"humanoid_getup", "humanoid_box", "point_mass_maze", "hand_cube"}) {
    std::unique_ptr<Task> task = MustMakeTask(name);
    ASSERT_NE(task, nullptr);
    ExpectRestoredRunIsBitIdentical(*task);
  }
}

TEST_F(PhysicsStateTest, ValidateAcceptsACapturedState) {
  std::unique_ptr<Task> task = MustMakeTask("humanoid_walk");
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 1);
  std::vector<double> state(PhysicsStateSize(m));
  CapturePhysicsState(m, d.get(), state.data());
  EXPECT_TRUE(ValidatePhysicsState(m, state, "state").ok());
}

TEST_F(PhysicsStateTest, ValidateRejectsWrongLengthNamingTheField) {
  std::unique_ptr<Task> task = MustMakeTask("humanoid_walk");
  ASSERT_NE(task, nullptr);
  std::vector<double> state(PhysicsStateSize(task->model()) - 1, 0.0);
  const absl::Status status = ValidatePhysicsState(task->model(), state, "visited_state.physics");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("visited_state.physics has 82 values, expected 83"),
            std::string::npos)
      << status;
}

TEST_F(PhysicsStateTest, ValidateRejectsNanAndInfNamingTheEntry) {
  std::unique_ptr<Task> task = MustMakeTask("humanoid_walk");
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  std::vector<double> state(PhysicsStateSize(m), 0.0);
  state[1 + m->nq + 2] = std::numeric_limits<double>::quiet_NaN();
  absl::Status status = ValidatePhysicsState(m, state, "job.state");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("job.state[31] (qvel[2]) is nan"), std::string::npos) << status;

  state[1 + m->nq + 2] = 0.0;
  state.back() = std::numeric_limits<double>::infinity();
  status = ValidatePhysicsState(m, state, "job.state");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("(qacc_warmstart[26]) is inf"), std::string::npos) << status;
}

TEST_F(PhysicsStateTest, ModelsWithoutMocapBodiesKeepTheFivePartLayout) {
  for (const char* name : {"humanoid_getup", "point_mass_maze"}) {
    std::unique_ptr<Task> task = MustMakeTask(name);
    ASSERT_NE(task, nullptr);
    const mjModel* m = task->model();
    ASSERT_EQ(m->nmocap, 0) << name;
    EXPECT_EQ(PhysicsStateSize(m), 1 + m->nq + m->nv + m->na + m->nv) << name;
  }
}

TEST_F(PhysicsStateTest, HandStateRoundTripsTheGoalPose) {
  std::unique_ptr<Task> task = MustMakeTask("hand_cube");
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  ASSERT_EQ(m->nmocap, 1);
  const int size = PhysicsStateSize(m);
  EXPECT_EQ(size, 1 + 31 + 30 + 0 + 30 + 3 + 4);
  UniqueMjData d(mj_makeData(m));
  task->Reset(m, d.get(), 4);
  task->Disturb(m, d.get(), 4, 75);  // a goal other than the reset's
  ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 5));
  std::vector<double> state(size);
  CapturePhysicsState(m, d.get(), state.data());
  EXPECT_TRUE(SameBits(state.data() + size - 7, d->mocap_pos, 3));
  EXPECT_TRUE(SameBits(state.data() + size - 4, d->mocap_quat, 4));

  UniqueMjData other(mj_makeData(m));
  task->Reset(m, other.get(), 5);  // another goal
  ASSERT_FALSE(SameBits(other->mocap_quat, d->mocap_quat, 4));
  RestorePhysicsState(m, state.data(), other.get());
  EXPECT_TRUE(SameBits(other->mocap_pos, d->mocap_pos, 3));
  EXPECT_TRUE(SameBits(other->mocap_quat, d->mocap_quat, 4));
  // The restored goal is what the kinematics (and so the reward) see.
  mj_forward(m, other.get());
  mj_forward(m, d.get());
  const int goal = mj_name2id(m, mjOBJ_BODY, "goal");
  ASSERT_GE(goal, 0);
  EXPECT_TRUE(SameBits(other->xquat + 4 * goal, d->xquat + 4 * goal, 4));
  EXPECT_EQ(task->Reward(m, other.get()), task->Reward(m, d.get()));
}

TEST_F(PhysicsStateTest, ValidateNamesMocapEntries) {
  std::unique_ptr<Task> task = MustMakeTask("hand_cube");
  ASSERT_NE(task, nullptr);
  const mjModel* m = task->model();
  std::vector<double> state(PhysicsStateSize(m), 0.0);
  state.back() = std::numeric_limits<double>::quiet_NaN();
  absl::Status status = ValidatePhysicsState(m, state, "s");
  EXPECT_NE(status.message().find("s[98] (mocap_quat[3]) is nan"), std::string::npos) << status;
  state.back() = 0.0;
  state[size_t{1 + 31 + 30 + 30}] = std::numeric_limits<double>::infinity();
  status = ValidatePhysicsState(m, state, "s");
  EXPECT_NE(status.message().find("s[92] (mocap_pos[0]) is inf"), std::string::npos) << status;
  state.pop_back();
  status = ValidatePhysicsState(m, state, "s");
  EXPECT_NE(status.message().find("+ 7 x nmocap 1 mocap poses"), std::string::npos) << status;
}

}  // namespace
}  // namespace polo::models
