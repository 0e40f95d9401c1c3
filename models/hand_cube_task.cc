#include "models/hand_cube_task.h"

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "models/model_loader.h"
#include "models/task_util.h"
#include "util/random.h"

namespace polo::models {
namespace {

// Sub-streams of an episode seed (util::MixSeed): the cube's reset
// orientation, and the goals (each draw then its own sub-stream, so goal k
// does not depend on how many numbers earlier draws used).
constexpr uint64_t kCubeStream = 0;
constexpr uint64_t kGoalStream = 1;

// A rotation uniformly distributed over SO(3) (Shoemake 1992, "Uniform
// random rotations"): three uniforms map to a uniform point on the unit
// 3-sphere. Written as (w, x, y, z).
void UniformQuaternion(util::SplitMix64& rng, double quat[4]) {
  const double u1 = rng.Uniform(0.0, 1.0);
  const double u2 = rng.Uniform(0.0, 2.0 * mjPI);
  const double u3 = rng.Uniform(0.0, 2.0 * mjPI);
  const double a = std::sqrt(1.0 - u1), b = std::sqrt(u1);
  quat[0] = b * std::cos(u3);
  quat[1] = a * std::sin(u2);
  quat[2] = a * std::cos(u2);
  quat[3] = b * std::sin(u3);
  mju_normalize4(quat);
}

// The first two columns of the rotation matrix of unit quaternion q
// (row-major 3x3: column j is entries j, 3 + j, 6 + j).
void FirstTwoColumns(const double quat[4], double* out) {
  mjtNum mat[9];
  mju_quat2Mat(mat, quat);
  for (int i = 0; i < 3; ++i) {
    out[i] = mat[3 * i];
    out[3 + i] = mat[3 * i + 1];
  }
}

}  // namespace

HandCubeTask::HandCubeTask(UniqueMjModel model, const Ids& ids)
    : Task("hand_cube", std::move(model)),
      cube_body_(ids.cube_body),
      goal_body_(ids.goal_body),
      goal_mocap_(ids.goal_mocap),
      cube_qpos_(ids.cube_qpos),
      cube_qvel_(ids.cube_qvel),
      metric_names_({"orientation_error_deg", "within_20deg", "cube_dropped"}) {}

absl::StatusOr<std::unique_ptr<Task>> HandCubeTask::Create() {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel("hand_cube.xml");
  if (!model.ok()) return model.status();
  const mjModel* m = model->get();
  Ids ids;
  absl::StatusOr<int> cube = FindObjectId(m, mjOBJ_BODY, "cube");
  if (!cube.ok()) return cube.status();
  absl::StatusOr<int> goal = FindObjectId(m, mjOBJ_BODY, "goal");
  if (!goal.ok()) return goal.status();
  ids.cube_body = *cube;
  ids.goal_body = *goal;
  ids.goal_mocap = m->body_mocapid[*goal];
  if (ids.goal_mocap < 0) {
    return absl::FailedPreconditionError("hand_cube.xml: body 'goal' is not a mocap body");
  }
  if (m->njnt != kNumHandJoints + 1 || m->nu != kNumHandJoints) {
    return absl::FailedPreconditionError(
        absl::StrCat("hand_cube.xml: expected ", kNumHandJoints, " hand joints and actuators and ",
                     "one free joint, got njnt ", m->njnt, ", nu ", m->nu));
  }
  for (int j = 0; j < kNumHandJoints; ++j) {
    if (m->jnt_type[j] != mjJNT_HINGE || m->jnt_qposadr[j] != j || m->jnt_dofadr[j] != j ||
        m->actuator_trntype[j] != mjTRN_JOINT || m->actuator_trnid[2 * j] != j) {
      return absl::FailedPreconditionError(absl::StrCat(
          "hand_cube.xml: joint ", j, " must be a hinge at qpos ", j, " driven by actuator ", j));
    }
  }
  const int free = kNumHandJoints;
  if (m->jnt_type[free] != mjJNT_FREE || m->jnt_bodyid[free] != *cube) {
    return absl::FailedPreconditionError("hand_cube.xml: the last joint must be the cube's free joint");
  }
  ids.cube_qpos = m->jnt_qposadr[free];
  ids.cube_qvel = m->jnt_dofadr[free];
  return std::unique_ptr<Task>(new HandCubeTask(*std::move(model), ids));
}

double HandCubeTask::RotationAngle(const double a[4], const double b[4]) {
  mjtNum conj_a[4], relative[4];
  mju_negQuat(conj_a, a);
  mju_mulQuat(relative, conj_a, b);
  return 2.0 * std::atan2(mju_norm3(relative + 1), std::fabs(relative[0]));
}

double HandCubeTask::OrientationError(const mjData* d) const {
  return RotationAngle(d->xquat + 4 * goal_body_, d->xquat + 4 * cube_body_);
}

double HandCubeTask::Reward(const mjModel* m, const mjData* d) const {
  const mjtNum* x_o = d->xpos + 3 * cube_body_;
  const double l1 = std::fabs(x_o[0] - kGoalPosition[0]) + std::fabs(x_o[1] - kGoalPosition[1]) +
                    std::fabs(x_o[2] - kGoalPosition[2]);
  return -kPositionWeight * l1 - kOrientationWeight * OrientationError(d);
}

void HandCubeTask::Features(const mjModel* m, const mjData* d, double* features) const {
  for (int i = 0; i < kNumHandJoints; ++i) {
    features[i] = d->qpos[i];
    features[kNumHandJoints + i] = d->qvel[i];
  }
  const mjtNum* x_o = d->xpos + 3 * cube_body_;
  for (int i = 0; i < 3; ++i) {
    features[48 + i] = std::clamp((x_o[i] - kGoalPosition[i]) / (2 * kCubeHalfEdge),
                                  -kPositionFeatureLimit, kPositionFeatureLimit);
  }
  for (int i = 0; i < 6; ++i) features[51 + i] = d->qvel[cube_qvel_ + i];
  const mjtNum* q_o = d->xquat + 4 * cube_body_;
  const mjtNum* q_g = d->xquat + 4 * goal_body_;
  FirstTwoColumns(q_o, features + 57);
  FirstTwoColumns(q_g, features + 63);
  // R_g^T R_o is the rotation of conj(q_g) * q_o.
  mjtNum conj_g[4], relative[4];
  mju_negQuat(conj_g, q_g);
  mju_mulQuat(relative, conj_g, q_o);
  FirstTwoColumns(relative, features + 69);
}

void HandCubeTask::Metrics(const mjModel* m, const mjData* d, double* metrics) const {
  const double degrees = OrientationError(d) * (180.0 / mjPI);
  metrics[0] = degrees;
  metrics[1] = degrees <= kWithinDegrees ? 1.0 : 0.0;
  metrics[2] = d->xpos[3 * cube_body_ + 2] < kPalmSurfaceHeight - kDropMargin ? 1.0 : 0.0;
}

void HandCubeTask::GoalQuaternion(uint64_t episode_seed, uint64_t draw, double quat[4]) {
  util::SplitMix64 rng(util::MixSeed(util::MixSeed(episode_seed, kGoalStream), draw));
  UniformQuaternion(rng, quat);
}

void HandCubeTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  mj_resetData(m, d);
  for (int i = 0; i < kNumHandJoints; ++i) {
    d->qpos[i] = kRestPose[i];
    d->ctrl[i] = kRestPose[i];
  }
  util::SplitMix64 rng(util::MixSeed(seed, kCubeStream));
  mjtNum* cube_quat = d->qpos + cube_qpos_ + 3;
  UniformQuaternion(rng, cube_quat);
  // The cube's half height along world z is the half edge times the sum of
  // |z components| of its three axes (the last row of its matrix).
  mjtNum mat[9];
  mju_quat2Mat(mat, cube_quat);
  const double half_height =
      kCubeHalfEdge * (std::fabs(mat[6]) + std::fabs(mat[7]) + std::fabs(mat[8]));
  d->qpos[cube_qpos_] = kGoalPosition[0];
  d->qpos[cube_qpos_ + 1] = kGoalPosition[1];
  d->qpos[cube_qpos_ + 2] = kPalmSurfaceHeight + half_height + kResetClearance;
  GoalQuaternion(seed, 0, d->mocap_quat + 4 * goal_mocap_);
  mj_forward(m, d);
}

void HandCubeTask::Disturb(const mjModel* m, mjData* d, uint64_t episode_seed,
                           int episode_step) const {
  if (episode_step <= 0 || episode_step % kGoalPeriod != 0) return;
  GoalQuaternion(episode_seed, static_cast<uint64_t>(episode_step / kGoalPeriod),
                 d->mocap_quat + 4 * goal_mocap_);
}

}  // namespace polo::models
