#include "models/adroit_cube_task.h"

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "models/model_loader.h"
#include "models/task_util.h"
#include "util/random.h"

namespace polo::models {
namespace {

constexpr int kNumHandJoints = HandCubeTask::kNumHandJoints;
// Sub-stream of an episode seed (util::MixSeed) for the reset symmetry;
// goals use HandCubeTask's streams.
constexpr uint64_t kSymmetryStream = 2;

absl::Status LayoutError(const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat("adroit_cube.xml: ", what));
}

}  // namespace

AdroitCubeTask::AdroitCubeTask(std::string name, UniqueMjModel model, const Ids& ids, Goals goals,
                               const HandCubeTask::Layout& layout, int rest_key)
    : HandCubeTask(std::move(name), std::move(model), ids, goals, layout), rest_key_(rest_key) {}

absl::StatusOr<std::unique_ptr<Task>> AdroitCubeTask::Create(Goals goals) {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel("adroit_cube.xml");
  if (!model.ok()) return model.status();
  const mjModel* m = model->get();
  absl::StatusOr<int> cube = FindObjectId(m, mjOBJ_BODY, "cube");
  if (!cube.ok()) return cube.status();
  absl::StatusOr<int> goal = FindObjectId(m, mjOBJ_BODY, "goal");
  if (!goal.ok()) return goal.status();
  absl::StatusOr<int> rest = FindObjectId(m, mjOBJ_KEY, "rest");
  if (!rest.ok()) return rest.status();
  Ids ids;
  ids.cube_body = *cube;
  ids.goal_body = *goal;
  ids.goal_mocap = m->body_mocapid[*goal];
  if (ids.goal_mocap < 0) return LayoutError("body 'goal' is not a mocap body");
  if (m->njnt != kNumHandJoints + 4 || m->nu != kNumHandJoints) {
    return LayoutError(absl::StrCat("expected ", kNumHandJoints, " hand joints and actuators, 3 slides ",
                               "and a ball joint; got njnt ", m->njnt, ", nu ", m->nu));
  }
  for (int j = 0; j < kNumHandJoints; ++j) {
    if (m->jnt_type[j] != mjJNT_HINGE || m->jnt_qposadr[j] != j || m->jnt_dofadr[j] != j ||
        m->actuator_trntype[j] != mjTRN_JOINT || m->actuator_trnid[2 * j] != j) {
      return LayoutError(absl::StrCat("joint ", j, " must be a hinge at qpos ", j,
                                 " driven by actuator ", j));
    }
  }
  for (int axis = 0; axis < 3; ++axis) {
    const int j = kNumHandJoints + axis;
    if (m->jnt_type[j] != mjJNT_SLIDE || m->jnt_bodyid[j] != *cube ||
        m->jnt_axis[3 * j + axis] != 1.0) {
      return LayoutError(absl::StrCat("joint ", j, " must be the cube's slide along world axis ", axis));
    }
  }
  const int ball = kNumHandJoints + 3;
  if (m->jnt_type[ball] != mjJNT_BALL || m->jnt_bodyid[ball] != *cube ||
      m->jnt_qposadr[ball] != m->jnt_qposadr[kNumHandJoints] + 3) {
    return LayoutError("the last joint must be the cube's ball joint, right after its slides");
  }
  const double* body_quat = m->body_quat + 4 * *cube;
  if (body_quat[0] != 1.0 || m->body_parentid[*cube] != 0) {
    return LayoutError("the cube must be a child of the world with no rotation of its own");
  }
  ids.cube_qpos = m->jnt_qposadr[kNumHandJoints];
  ids.cube_qvel = m->jnt_dofadr[kNumHandJoints];

  // x_g: the dice's centre at rest.
  UniqueMjData d(mj_makeData(m));
  mj_resetDataKeyframe(m, d.get(), *rest);
  mj_forward(m, d.get());
  HandCubeTask::Layout layout;
  for (int i = 0; i < 3; ++i) layout.goal_position[i] = d->xpos[3 * *cube + i];
  layout.drop_height = layout.goal_position[2] - kDropMargin;
  layout.substeps = kSubsteps;
  std::string name = goals == Goals::kNear ? "adroit_cube" : "adroit_cube_uniform";
  return std::unique_ptr<Task>(
      new AdroitCubeTask(std::move(name), *std::move(model), ids, goals, layout, *rest));
}

void AdroitCubeTask::DiceSymmetry(int index, double quat[4]) {
  // Face rotations: identity, Rx(90), Rx(180), Rx(-90), Ry(90), Ry(-90).
  static constexpr double kFaceAxis[6][3] = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0},
                                             {1, 0, 0}, {0, 1, 0}, {0, 1, 0}};
  static constexpr double kFaceAngle[6] = {0, 0.5 * mjPI, mjPI, -0.5 * mjPI, 0.5 * mjPI,
                                           -0.5 * mjPI};
  const int face = index / 4, quarter = index % 4;
  const mjtNum z_axis[3] = {0, 0, 1};
  mjtNum f[4], z[4];
  mju_axisAngle2Quat(f, kFaceAxis[face], kFaceAngle[face]);
  mju_axisAngle2Quat(z, z_axis, 0.5 * mjPI * quarter);
  mju_mulQuat(quat, z, f);
  mju_normalize4(quat);
}

void AdroitCubeTask::Reset(const mjModel* m, mjData* d, uint64_t seed) const {
  mj_resetDataKeyframe(m, d, rest_key_);
  mju_copy(d->ctrl, m->key_ctrl + static_cast<size_t>(rest_key_) * m->nu, m->nu);
  util::SplitMix64 rng(util::MixSeed(seed, kSymmetryStream));
  const int symmetry = static_cast<int>(rng.Next() % kNumSymmetries);
  mjtNum turn[4], rest[4];
  DiceSymmetry(symmetry, turn);
  mjtNum* dice = d->qpos + cube_qpos() + 3;
  mju_copy4(rest, dice);
  // A turn in the dice's own frame acts from the right: the same volume.
  mju_mulQuat(dice, rest, turn);
  mju_normalize4(dice);
  SetGoal(d, seed, 0);
  mj_forward(m, d);
}

// hand_cube's presets (the paper's K 80, H 32, 6 x (64, 64), Z 25, G 16 of
// n 16; value scale 1, offset -5; kappa 0.1 to 0), λ included: plain MPC on
// this task (H 16, K 80, one 300-step episode, seed 0) scored a mean reward
// of -0.0127 at λ 0.005 (1.7 effective samples), -0.0129 at 0.02 (8.5),
// -0.0186 at 0.05 (33) and -0.0181 at 0.1 (54, the paper's temperature 10
// read as a multiplier of returns): 0.02 is as good as the sharpest and
// keeps several samples effective, which a learned value's noise needs.
// Targets: M 64 states per update with 16 rollouts each (hand_cube's 128
// and 24 cost 246k physics steps per update against acting's 80k at H 8:
// a first run made 225 agent steps in 250 s, 46 minutes for 2500). Each
// update still trains on G n = 256 samples, 4 per fresh target.
void AdroitCubeTask::ApplyPresets(polo::RunConfig* c) const {
  HandCubeTask::ApplyPresets(c);
  c->mutable_training()->set_target_states(64);
  c->mutable_targets()->set_num_rollouts(16);
}

void AdroitCubeTask::SetCamera(mjvCamera* camera) const {
  camera->lookat[0] = goal_position()[0] + 0.08;
  camera->lookat[1] = goal_position()[1];
  camera->lookat[2] = goal_position()[2];
  camera->distance = 0.5;
  camera->azimuth = -90;
  camera->elevation = -60;
}

}  // namespace polo::models
