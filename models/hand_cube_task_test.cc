#include "models/hand_cube_task.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "models/mujoco_test_util.h"
#include "models/physics_state.h"
#include "models/task.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class HandCubeTaskTest : public testing::MujocoWarningTest {
 protected:
  void SetUp() override {
    MujocoWarningTest::SetUp();
    absl::StatusOr<std::unique_ptr<Task>> task = HandCubeTask::Create();
    ASSERT_TRUE(task.ok()) << task.status();
    task_.reset(static_cast<HandCubeTask*>(task->release()));
    m_ = task_->model();
    d_.reset(mj_makeData(m_));
  }

  // The hand at its rest pose, the cube at `pos` with orientation `quat`,
  // the goal at `goal`, everything at rest; then mj_forward.
  void Place(const double pos[3], const double quat[4], const double goal[4]) {
    mj_resetData(m_, d_.get());
    for (int i = 0; i < HandCubeTask::kNumHandJoints; ++i) {
      d_->qpos[i] = d_->ctrl[i] = HandCubeTask::kRestPose[i];
    }
    std::copy(pos, pos + 3, d_->qpos + task_->cube_qpos());
    std::copy(quat, quat + 4, d_->qpos + task_->cube_qpos() + 3);
    std::copy(goal, goal + 4, d_->mocap_quat + 4 * task_->goal_mocap());
    mj_forward(m_, d_.get());
  }

  std::vector<double> Metrics() {
    std::vector<double> metrics(task_->metric_names().size());
    task_->Metrics(m_, d_.get(), metrics.data());
    return metrics;
  }

  std::unique_ptr<HandCubeTask> task_;
  const mjModel* m_ = nullptr;
  UniqueMjData d_;
};

// Rotation by `angle` about unit `axis`, (w, x, y, z).
void AxisAngle(const double axis[3], double angle, double quat[4]) {
  quat[0] = std::cos(angle / 2);
  for (int i = 0; i < 3; ++i) quat[1 + i] = std::sin(angle / 2) * axis[i];
}

constexpr double kIdentity[4] = {1, 0, 0, 0};

TEST_F(HandCubeTaskTest, ModelHasTheDocumentedLayout) {
  EXPECT_EQ(task_->name(), "hand_cube");
  EXPECT_EQ(task_->num_features(), 75);
  EXPECT_EQ(task_->episode_length(), 300);
  EXPECT_EQ(task_->episode_length() % HandCubeTask::kGoalPeriod, 0);
  EXPECT_EQ(task_->lifetime_steps(), 2500u);
  EXPECT_EQ(m_->nq, 24 + 7);
  EXPECT_EQ(m_->nv, 24 + 6);
  EXPECT_EQ(m_->nu, 24);
  EXPECT_EQ(m_->nmocap, 1);
  EXPECT_EQ(m_->opt.timestep, 0.01);
  // [time, qpos, qvel, act, warm start, mocap pos, mocap quat].
  EXPECT_EQ(PhysicsStateSize(m_), 1 + 31 + 30 + 0 + 30 + 3 + 4);
  for (int i = 0; i < m_->nu; ++i) {
    const int joint = m_->actuator_trnid[2 * i];
    EXPECT_EQ(joint, i);
    EXPECT_EQ(m_->actuator_ctrlrange[2 * i], m_->jnt_range[2 * joint]) << i;
    EXPECT_EQ(m_->actuator_ctrlrange[2 * i + 1], m_->jnt_range[2 * joint + 1]) << i;
    EXPECT_GE(HandCubeTask::kRestPose[i], m_->jnt_range[2 * joint]) << i;
    EXPECT_LE(HandCubeTask::kRestPose[i], m_->jnt_range[2 * joint + 1]) << i;
  }
  // The palm surface height and x_g the task uses are the model's.
  const double pos[3] = {0, 0, 0.3};
  Place(pos, kIdentity, kIdentity);
  const int palm = mj_name2id(m_, mjOBJ_GEOM, "palm");
  ASSERT_GE(palm, 0);
  EXPECT_NEAR(d_->geom_xpos[3 * palm + 2] + m_->geom_size[3 * palm + 2],
              HandCubeTask::kPalmSurfaceHeight, 1e-12);
  EXPECT_NEAR(d_->geom_xpos[3 * palm], HandCubeTask::kGoalPosition[0], 1e-12);
  EXPECT_NEAR(d_->geom_xpos[3 * palm + 1], HandCubeTask::kGoalPosition[1], 1e-12);
  // Nothing of the hand touches anything in the rest pose.
  EXPECT_EQ(d_->ncon, 0);
}

TEST_F(HandCubeTaskTest, RestingHandHoldsTheCubeInItsPalmFor1000Steps) {
  const int palm = mj_name2id(m_, mjOBJ_GEOM, "palm");
  for (uint64_t seed : {0, 1, 2, 3, 4}) {
    task_->Reset(m_, d_.get(), seed);
    for (int i = 0; i < m_->nu; ++i) EXPECT_EQ(d_->ctrl[i], HandCubeTask::kRestPose[i]);
    ASSERT_TRUE(StepWithoutWarnings(m_, d_.get(), 1000)) << "seed " << seed;
    mj_forward(m_, d_.get());
    EXPECT_EQ(Metrics()[2], 0.0) << "dropped, seed " << seed;
    // Still over the palm's footprint (half sizes 0.045 x 0.05 m) and on it:
    // the centre no lower than half an edge above the surface, less the
    // wrist's sag under the hand's weight (0.06 rad over 6 cm).
    const mjtNum* cube = d_->xpos + 3 * task_->cube_body();
    const mjtNum* palm_centre = d_->geom_xpos + 3 * palm;
    EXPECT_LT(std::fabs(cube[0] - palm_centre[0]), 0.045) << seed;
    EXPECT_LT(std::fabs(cube[1] - palm_centre[1]), 0.05) << seed;
    EXPECT_GT(cube[2], HandCubeTask::kPalmSurfaceHeight + 0.025 - 0.006) << seed;
    // At rest: MuJoCo's soft contacts let it creep by about 1 mm/s at most.
    EXPECT_LT(mju_norm3(d_->qvel + task_->cube_qvel()), 0.005) << seed;
    EXPECT_LT(mju_norm3(d_->qvel + task_->cube_qvel() + 3), 0.05) << seed;
    // The hand holds its pose within the wrist's sag.
    for (int i = 0; i < HandCubeTask::kNumHandJoints; ++i) {
      EXPECT_NEAR(d_->qpos[i], HandCubeTask::kRestPose[i], 0.07) << "joint " << i << " seed "
                                                                   << seed;
    }
  }
}

TEST_F(HandCubeTaskTest, DapgContactsGiveTheCubeTorsionalFrictionAndNoslipAndItRests) {
  absl::StatusOr<std::unique_ptr<Task>> made =
      HandCubeTask::Create(HandCubeTask::Goals::kUniform, HandCubeTask::Contacts::kDapg);
  ASSERT_TRUE(made.ok()) << made.status();
  const auto& task = static_cast<const HandCubeTask&>(**made);
  EXPECT_EQ(task.name(), "hand_cube_dapg");
  const mjModel* m = task.model();
  EXPECT_EQ(m->opt.noslip_iterations, 20);
  EXPECT_EQ(m_->opt.noslip_iterations, 0);  // The project's contacts.
  int cube_geoms = 0;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_bodyid[g] != task.cube_body()) continue;
    ++cube_geoms;
    EXPECT_EQ(m->geom_condim[g], 4);
    EXPECT_EQ(m->geom_friction[3 * g + 1], 0.5);
    EXPECT_EQ(m->geom_friction[3 * g + 2], 0.01);
  }
  EXPECT_GE(cube_geoms, 1);
  // At rest in the palm for 1000 steps (10 s), without a MuJoCo warning,
  // and without the creep the project's contacts allow (about 1 mm/s).
  UniqueMjData d(mj_makeData(m));
  for (uint64_t seed : {0, 1, 2}) {
    task.Reset(m, d.get(), seed);
    ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 100)) << "seed " << seed;
    const std::vector<double> settled(d->qpos + task.cube_qpos(), d->qpos + task.cube_qpos() + 3);
    ASSERT_TRUE(StepWithoutWarnings(m, d.get(), 900)) << "seed " << seed;
    mj_forward(m, d.get());
    std::vector<double> metrics(task.metric_names().size());
    task.Metrics(m, d.get(), metrics.data());
    EXPECT_EQ(metrics[2], 0.0) << "dropped, seed " << seed;
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(d->qpos[task.cube_qpos() + i], settled[i], 0.002) << "seed " << seed;
    }
  }
}

TEST_F(HandCubeTaskTest, ResetIsSeededAndDropsTheCubeFromJustAboveThePalm) {
  UniqueMjData other(mj_makeData(m_));
  task_->Reset(m_, d_.get(), 11);
  task_->Reset(m_, other.get(), 11);
  EXPECT_EQ(std::memcmp(d_->qpos, other->qpos, sizeof(mjtNum) * m_->nq), 0);
  EXPECT_EQ(std::memcmp(d_->mocap_quat, other->mocap_quat, sizeof(mjtNum) * 4), 0);
  task_->Reset(m_, other.get(), 12);
  EXPECT_GT(HandCubeTask::RotationAngle(d_->xquat + 4 * task_->cube_body(),
                                        other->xquat + 4 * task_->cube_body()),
            1e-3);
  double goal[4];
  HandCubeTask::GoalQuaternion(11, 0, goal);
  EXPECT_EQ(std::memcmp(d_->mocap_quat + 4 * task_->goal_mocap(), goal, sizeof(goal)), 0);
  // The lowest of the eight corners is kResetClearance above the palm.
  const int cube_geom = mj_name2id(m_, mjOBJ_GEOM, "cube");
  double lowest = 1e9;
  for (int corner = 0; corner < 8; ++corner) {
    double local[3], world[3];
    for (int i = 0; i < 3; ++i) {
      local[i] = ((corner >> i) & 1 ? 1 : -1) * HandCubeTask::kCubeHalfEdge;
    }
    mju_mulMatVec(world, d_->geom_xmat + 9 * cube_geom, local, 3, 3);
    lowest = std::min(lowest, world[2] + d_->geom_xpos[3 * cube_geom + 2]);
  }
  EXPECT_NEAR(lowest, HandCubeTask::kPalmSurfaceHeight + HandCubeTask::kResetClearance, 1e-12);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(d_->qvel[task_->cube_qvel() + i], 0.0);
}

TEST_F(HandCubeTaskTest, RewardAndMetricsAreZeroErrorAtTheGoalPose) {
  double goal[4];
  HandCubeTask::GoalQuaternion(5, 0, goal);
  Place(HandCubeTask::kGoalPosition, goal, goal);
  // MuJoCo normalises the free joint's and the mocap body's quaternions by
  // different paths, so the two orientations may differ in the last bit
  // (an angle of order 1e-17 rad).
  EXPECT_NEAR(task_->Reward(m_, d_.get()), 0.0, 1e-15);
  const std::vector<double> metrics = Metrics();
  EXPECT_NEAR(metrics[0], 0.0, 1e-12);
  EXPECT_EQ(metrics[1], 1.0);
  EXPECT_EQ(metrics[2], 0.0);
}

TEST_F(HandCubeTaskTest, NinetyDegreesOffIsHalfPiRadiansInTheReward) {
  double goal[4], turn[4], cube[4];
  HandCubeTask::GoalQuaternion(6, 2, goal);
  const double axis[3] = {0.6, 0.0, 0.8};
  AxisAngle(axis, mjPI / 2, turn);
  mju_mulQuat(cube, goal, turn);  // the goal turned about its own axis.
  Place(HandCubeTask::kGoalPosition, cube, goal);
  EXPECT_NEAR(task_->OrientationError(d_.get()), mjPI / 2, 1e-9);
  EXPECT_NEAR(task_->Reward(m_, d_.get()), -0.05 * mjPI / 2, 1e-9);
  const std::vector<double> metrics = Metrics();
  EXPECT_NEAR(metrics[0], 90.0, 1e-9);
  EXPECT_EQ(metrics[1], 0.0);
  EXPECT_EQ(metrics[2], 0.0);
}

TEST_F(HandCubeTaskTest, PositionTermIsHalfTheL1Distance) {
  double goal[4];
  HandCubeTask::GoalQuaternion(7, 0, goal);
  const double offset[3] = {0.01, -0.02, 0.03};
  double pos[3];
  for (int i = 0; i < 3; ++i) pos[i] = HandCubeTask::kGoalPosition[i] + offset[i];
  Place(pos, goal, goal);
  // 0.5 * (0.01 + 0.02 + 0.03); the subtraction x_o - x_g rounds in the last bits.
  EXPECT_NEAR(task_->Reward(m_, d_.get()), -0.03, 1e-15);
  EXPECT_EQ(Metrics()[0], 0.0);
}

TEST_F(HandCubeTaskTest, TwentyDegreesIsWithinAndACubeBelowThePalmIsDropped) {
  const double axis[3] = {0, 0, 1};
  double cube[4];
  AxisAngle(axis, 19.9 * mjPI / 180, cube);
  Place(HandCubeTask::kGoalPosition, cube, kIdentity);
  EXPECT_EQ(Metrics()[1], 1.0);
  AxisAngle(axis, 20.1 * mjPI / 180, cube);
  Place(HandCubeTask::kGoalPosition, cube, kIdentity);
  EXPECT_EQ(Metrics()[1], 0.0);
  const double on_floor[3] = {0.2, 0.0, 0.025};
  Place(on_floor, kIdentity, kIdentity);
  EXPECT_EQ(Metrics()[2], 1.0);
  const double just_above[3] = {0.0, 0.0, HandCubeTask::kPalmSurfaceHeight - 0.049};
  Place(just_above, kIdentity, kIdentity);
  EXPECT_EQ(Metrics()[2], 0.0);
}

TEST(HandCubeRotationAngleTest, IsExactNearZeroAndIgnoresTheQuaternionSign) {
  const double axis[3] = {0, 1, 0};
  double q[4], minus_q[4];
  AxisAngle(axis, 1e-8, q);
  EXPECT_NEAR(HandCubeTask::RotationAngle(kIdentity, q), 1e-8, 1e-22);
  AxisAngle(axis, 2.5, q);
  for (int i = 0; i < 4; ++i) minus_q[i] = -q[i];
  EXPECT_NEAR(HandCubeTask::RotationAngle(kIdentity, minus_q), 2.5, 1e-12);
  EXPECT_NEAR(HandCubeTask::RotationAngle(q, minus_q), 0.0, 1e-15);
  // Beyond pi the shorter way round counts: 4 rad one way is 2pi - 4 the other.
  AxisAngle(axis, 4.0, q);
  EXPECT_NEAR(HandCubeTask::RotationAngle(kIdentity, q), 2 * mjPI - 4.0, 1e-12);
}

TEST(HandCubeGoalTest, GoalsAreUniformRotations) {
  // For rotations uniform over SO(3) the angle from any fixed orientation
  // has density (1 - cos t) / pi on [0, pi], mean pi/2 + 2/pi = 2.2074 and
  // standard deviation 0.6; 4000 draws give a standard error of 0.01.
  double sum = 0;
  const int n = 4000;
  for (int k = 0; k < n; ++k) {
    double q[4];
    HandCubeTask::GoalQuaternion(k / 4, k % 4, q);
    EXPECT_NEAR(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3], 1.0, 1e-14);
    sum += HandCubeTask::RotationAngle(kIdentity, q);
  }
  EXPECT_NEAR(sum / n, mjPI / 2 + 2 / mjPI, 0.04);
}

TEST_F(HandCubeTaskTest, GoalChangesExactlyEvery75StepsAndOnlyWithTheSeed) {
  auto goals_of = [&](uint64_t seed) {
    task_->Reset(m_, d_.get(), seed);
    std::vector<std::vector<double>> goals;
    for (int step = 0; step <= 2 * task_->episode_length(); ++step) {
      task_->Disturb(m_, d_.get(), seed, step);
      const mjtNum* q = d_->mocap_quat + 4 * task_->goal_mocap();
      goals.emplace_back(q, q + 4);
    }
    return goals;
  };
  const std::vector<std::vector<double>> goals = goals_of(21);
  for (int step = 1; step < static_cast<int>(goals.size()); ++step) {
    const bool changed = goals[step] != goals[step - 1];
    EXPECT_EQ(changed, step % 75 == 0) << "step " << step;
    double expected[4];
    HandCubeTask::GoalQuaternion(21, step / 75, expected);
    EXPECT_EQ(goals[step], std::vector<double>(expected, expected + 4)) << "step " << step;
  }
  EXPECT_EQ(goals_of(21), goals);
  const std::vector<std::vector<double>> other = goals_of(22);
  for (int step = 0; step < static_cast<int>(goals.size()); ++step) {
    EXPECT_NE(other[step], goals[step]) << "step " << step;
  }
  // Disturb touches nothing but the goal.
  task_->Reset(m_, d_.get(), 21);
  std::vector<double> before(PhysicsStateSize(m_)), after(PhysicsStateSize(m_));
  CapturePhysicsState(m_, d_.get(), before.data());
  task_->Disturb(m_, d_.get(), 21, 75);
  CapturePhysicsState(m_, d_.get(), after.data());
  const int goal_quat = PhysicsStateSize(m_) - 4;
  for (int i = 0; i < goal_quat; ++i) EXPECT_EQ(before[i], after[i]) << i;
}

TEST(HandCubeGoalTest, NearGoalsTurnTheCubeByUpToOneRadianAboutTheWorldXAndYAxes) {
  // Rx(a) Ry(b), a, b ~ U(-1, 1): the angle is 2 acos(cos(a/2) cos(b/2)),
  // mean 0.7612 (43.6 degrees), std 0.28, at most 2 acos(cos^2(0.5)) =
  // 1.3820 (computed by sampling 200000 draws); 4000 draws give a
  // standard error of 0.0044.
  double sum = 0, largest = 0;
  const int n = 4000;
  for (int k = 0; k < n; ++k) {
    double from[4], goal[4], again[4];
    HandCubeTask::GoalQuaternion(1000 + k, 0, from);  // Any orientation.
    HandCubeTask::NearGoalQuaternion(k / 4, k % 4, from, goal);
    HandCubeTask::NearGoalQuaternion(k / 4, k % 4, from, again);
    EXPECT_EQ(std::vector<double>(goal, goal + 4), std::vector<double>(again, again + 4));
    EXPECT_NEAR(goal[0] * goal[0] + goal[1] * goal[1] + goal[2] * goal[2] + goal[3] * goal[3],
                1.0, 1e-14);
    const double angle = HandCubeTask::RotationAngle(from, goal);
    sum += angle;
    largest = std::max(largest, angle);
  }
  EXPECT_NEAR(sum / n, 0.7612, 0.02);
  EXPECT_LE(largest, 2 * std::acos(std::cos(0.5) * std::cos(0.5)) + 1e-12);
  // A pure turn about world z is not among them: the turn's axis is in
  // the x-y plane up to the Rx Ry product's small z part.
  double from[4] = {1, 0, 0, 0}, goal[4];
  HandCubeTask::NearGoalQuaternion(7, 1, from, goal);
  EXPECT_LT(std::fabs(goal[3]), std::max(std::fabs(goal[1]), std::fabs(goal[2])));
}

TEST(HandCubeNearTest, GoalsFollowTheCubeAndChangeExactlyEvery75Steps) {
  absl::StatusOr<std::unique_ptr<Task>> made = HandCubeTask::Create(HandCubeTask::Goals::kNear);
  ASSERT_TRUE(made.ok()) << made.status();
  const auto& task = static_cast<const HandCubeTask&>(**made);
  EXPECT_EQ(task.name(), "hand_cube_near");
  EXPECT_EQ(task.goals(), HandCubeTask::Goals::kNear);
  const mjModel* m = task.model();
  UniqueMjData d(mj_makeData(m));
  const uint64_t seed = 5;
  task.Reset(m, d.get(), seed);
  auto goal = [&] {
    const mjtNum* q = d->mocap_quat + 4 * task.goal_mocap();
    return std::vector<double>(q, q + 4);
  };
  auto expected_goal = [&](uint64_t draw) {
    double from[4], q[4];
    std::copy(d->qpos + task.cube_qpos() + 3, d->qpos + task.cube_qpos() + 7, from);
    mju_normalize4(from);
    HandCubeTask::NearGoalQuaternion(seed, draw, from, q);
    return std::vector<double>(q, q + 4);
  };
  // mj_step renormalises the mocap quaternion in place (last-bit changes):
  // goals are compared by the angle between them.
  auto angle = [](const std::vector<double>& a, const std::vector<double>& b) {
    return HandCubeTask::RotationAngle(a.data(), b.data());
  };
  EXPECT_LT(angle(goal(), expected_goal(0)), 1e-12);  // From the cube's reset orientation.
  std::vector<double> previous = goal();
  for (int step = 1; step <= 300; ++step) {
    mj_step(m, d.get());
    const std::vector<double> due = expected_goal(step / 75);
    task.Disturb(m, d.get(), seed, step);
    EXPECT_EQ(angle(goal(), previous) > 1e-9, step % 75 == 0) << "step " << step;
    if (step % 75 == 0) {
      EXPECT_LT(angle(goal(), due), 1e-12) << "step " << step;
    }
    previous = goal();
  }
}

TEST_F(HandCubeTaskTest, FeaturesAreJointsVelocitiesCubeMotionAndOrientations) {
  double pos[3] = {0.01, -0.02, 0.2};
  const double cube_axis[3] = {1, 0, 0}, goal_axis[3] = {0, 0, 1};
  double cube[4], goal[4];
  AxisAngle(cube_axis, mjPI / 2, cube);  // cube x = world x, cube y = world z.
  AxisAngle(goal_axis, mjPI / 2, goal);  // goal x = world y, goal y = -world x.
  Place(pos, cube, goal);
  for (int i = 0; i < m_->nv; ++i) d_->qvel[i] = 0.1 * (i + 1);
  mj_forward(m_, d_.get());
  std::vector<double> f(task_->num_features());
  task_->Features(m_, d_.get(), f.data());
  for (int i = 0; i < 24; ++i) {
    EXPECT_EQ(f[i], HandCubeTask::kRestPose[i]) << i;
    EXPECT_EQ(f[24 + i], 0.1 * (i + 1)) << i;
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(f[48 + i], (pos[i] - HandCubeTask::kGoalPosition[i]) / 0.05, 1e-14) << i;
  }
  // The cube's free joint is dofs 24-29.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(f[51 + i], 0.1 * (24 + i + 1)) << i;
  const double cube_columns[6] = {1, 0, 0, 0, 0, 1};
  const double goal_columns[6] = {0, 1, 0, -1, 0, 0};
  // R_g^T R_o: the goal's transpose applied to the cube's columns.
  const double relative_columns[6] = {0, -1, 0, 0, 0, 1};
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(f[57 + i], cube_columns[i], 1e-15) << i;
    EXPECT_NEAR(f[63 + i], goal_columns[i], 1e-15) << i;
    EXPECT_NEAR(f[69 + i], relative_columns[i], 1e-15) << i;
  }
  // A cube 30 cm off to the side is 4 edges off, as one 20 cm off.
  const double far[3] = {0.3, -0.2, 0.1};
  Place(far, goal, goal);
  task_->Features(m_, d_.get(), f.data());
  EXPECT_EQ(f[48], 4.0);
  EXPECT_EQ(f[49], -4.0);
  EXPECT_NEAR(f[50], (0.1 - HandCubeTask::kGoalPosition[2]) / 0.05, 1e-14);
  // At the goal the relative columns are the identity's.
  Place(pos, goal, goal);
  mj_forward(m_, d_.get());
  task_->Features(m_, d_.get(), f.data());
  const double identity_columns[6] = {1, 0, 0, 0, 1, 0};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(f[69 + i], identity_columns[i], 1e-15) << i;
  EXPECT_TRUE(HasNoMujocoWarnings(d_.get()));
}

TEST_F(HandCubeTaskTest, RewardAfterStepScoresTheStateBeforeTheStep) {
  task_->Reset(m_, d_.get(), 3);
  // The cube drops and tips in the first steps, so s_t and s_{t+1} differ.
  mj_step(m_, d_.get());
  const double after_step = task_->Reward(m_, d_.get());
  UniqueMjData before(mj_makeData(m_));
  task_->Reset(m_, before.get(), 3);
  EXPECT_EQ(after_step, task_->Reward(m_, before.get()));
  mj_forward(m_, d_.get());
  EXPECT_NE(after_step, task_->Reward(m_, d_.get()));
}

}  // namespace
}  // namespace polo::models
