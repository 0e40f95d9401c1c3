#include "models/humanoid_task.h"

#include <mujoco/mujoco.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "models/model_loader.h"
#include "models/task_util.h"

namespace polo::models {
namespace {

// Writes the unit vector from `from` to `to`. The guard only matters for
// coincident points, which the humanoid's geometry rules out.
void UnitDirection(const mjtNum* from, const mjtNum* to, double* out) {
  mjtNum diff[3];
  mju_sub3(diff, to, from);
  const mjtNum norm = std::max(mju_norm3(diff), mjMINVAL);
  for (int i = 0; i < 3; ++i) out[i] = diff[i] / norm;
}

constexpr const char* kTouchSensors[5] = {"head_touch", "right_hand_touch", "left_hand_touch",
                                          "right_foot_touch", "left_foot_touch"};

}  // namespace

absl::Status ScaleHumanoidHead(mjModel* m, double scale) {
  if (!(scale >= kMinHeadScale && scale <= kMaxHeadScale)) {
    return absl::InvalidArgumentError(absl::StrCat("head_scale: got ", scale, ", expected ",
                                                   kMinHeadScale, "..", kMaxHeadScale));
  }
  absl::StatusOr<int> body = FindObjectId(m, mjOBJ_BODY, "head");
  if (!body.ok()) return body.status();
  absl::StatusOr<int> geom = FindObjectId(m, mjOBJ_GEOM, "head");
  if (!geom.ok()) return geom.status();
  absl::StatusOr<int> site = FindObjectId(m, mjOBJ_SITE, "head_touch");
  if (!site.ok()) return site.status();
  if (scale == 1.0) return absl::OkStatus();
  m->geom_size[3 * *geom] *= scale;  // sphere: size[0] is the radius
  m->geom_rbound[*geom] *= scale;
  m->site_size[3 * *site] *= scale;
  m->body_mass[*body] *= scale * scale * scale;
  for (int i = 0; i < 3; ++i) m->body_inertia[3 * *body + i] *= std::pow(scale, 5);
  // Subtree masses, dof_M0, actuator_acc0, ... from the new masses.
  UniqueMjData d(mj_makeData(m));
  if (d == nullptr) return absl::ResourceExhaustedError("head_scale: mj_makeData failed");
  mj_setConst(m, d.get());
  return absl::OkStatus();
}

absl::StatusOr<UniqueMjModel> HumanoidTask::LoadHumanoidModel(const char* file, Ids* ids,
                                                              double head_scale) {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel(file);
  if (!model.ok()) return model.status();
  if (absl::Status s = ScaleHumanoidHead(model->get(), head_scale); !s.ok()) return s;
  const mjModel* m = model->get();
  if (m->njnt < 1 || m->jnt_type[0] != mjJNT_FREE || m->nv > kMaxDofs) {
    return absl::FailedPreconditionError(
        absl::StrCat(file, ": expected a free root joint first and at most ", kMaxDofs,
                     " dofs, got nv ", m->nv));
  }
  struct Lookup {
    mjtObj type;
    const char* name;
    int* id;
  };
  const Lookup lookups[] = {
      {mjOBJ_BODY, "torso", &ids->torso},
      {mjOBJ_BODY, "right_hand", &ids->right_hand},
      {mjOBJ_BODY, "left_hand", &ids->left_hand},
      {mjOBJ_BODY, "right_foot", &ids->right_foot},
      {mjOBJ_BODY, "left_foot", &ids->left_foot},
      {mjOBJ_SITE, "neck", &ids->neck_site},
      {mjOBJ_SITE, "right_hip", &ids->right_hip_site},
      {mjOBJ_SITE, "left_hip", &ids->left_hip_site},
  };
  for (const Lookup& lookup : lookups) {
    absl::StatusOr<int> id = FindObjectId(m, lookup.type, lookup.name);
    if (!id.ok()) return id.status();
    *lookup.id = *id;
  }
  if (m->jnt_bodyid[0] != ids->torso) {
    return absl::FailedPreconditionError(
        absl::StrCat(file, ": the free root joint is not the torso's"));
  }
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<int> adr = FindSensorAddress(m, kTouchSensors[i], 1);
    if (!adr.ok()) return adr.status();
    ids->touch_adr[i] = *adr;
  }
  return model;
}

HumanoidTask::HumanoidTask(std::string name, UniqueMjModel model, const Ids& ids,
                           std::vector<std::string> metric_names)
    : Task(std::move(name), std::move(model)), ids_(ids), metric_names_(std::move(metric_names)) {}

double HumanoidTask::Reward(const mjModel* m, const mjData* d) const {
  return TaskReward(m, d) - ControlCost(m, d);
}

double HumanoidTask::ControlCost(const mjModel* m, const mjData* d) const {
  std::array<mjtNum, kMaxDofs> minv_tau;
  // mj_solveM takes a non-const mjData only by signature: in MuJoCo 2.2.2 it
  // reads d->qLD and d->qLDiagInv and writes nothing but its output vector.
  mj_solveM(m, const_cast<mjData*>(d), minv_tau.data(), d->qfrc_actuator, 1);
  return kControlCostWeight * mju_dot(minv_tau.data(), d->qfrc_actuator, m->nv);
}

double HumanoidTask::ForwardVelocity(const mjModel* m, const mjData* d) const {
  mjtNum velocity[6];  // [angular; linear], world frame, at the torso frame's origin.
  mj_objectVelocity(m, d, mjOBJ_BODY, ids_.torso, velocity, /*flg_local=*/0);
  return velocity[3];
}

void HumanoidTask::Features(const mjModel* m, const mjData* d, double* features) const {
  const mjtNum* torso_xmat = d->xmat + 9 * ids_.torso;  // row-major: columns are the axes.
  for (int i = 0; i < 3; ++i) {
    features[i] = torso_xmat[3 * i];
    features[3 + i] = torso_xmat[3 * i + 2];
  }
  const mjtNum* neck = d->site_xpos + 3 * ids_.neck_site;
  UnitDirection(neck, d->xpos + 3 * ids_.right_hand, features + 6);
  UnitDirection(neck, d->xpos + 3 * ids_.left_hand, features + 9);
  UnitDirection(d->site_xpos + 3 * ids_.right_hip_site, d->xpos + 3 * ids_.right_foot,
                features + 12);
  UnitDirection(d->site_xpos + 3 * ids_.left_hip_site, d->xpos + 3 * ids_.left_foot, features + 15);
  const int height_bodies[5] = {ids_.torso, ids_.right_hand, ids_.left_hand, ids_.right_foot,
                                ids_.left_foot};
  for (int i = 0; i < 5; ++i) features[18 + i] = d->xpos[3 * height_bodies[i] + 2];
  for (int i = 0; i < 6; ++i) features[23 + i] = d->qvel[i];
  for (int i = 0; i < 5; ++i) features[29 + i] = std::log1p(d->sensordata[ids_.touch_adr[i]]);
}

void HumanoidTask::Metrics(const mjModel* m, const mjData* d, double* metrics) const {
  metrics[0] = RootHeight(d);
  metrics[1] = d->qvel[0];
}

void HumanoidTask::ResetUpright(const mjModel* m, mjData* d, uint64_t seed) const {
  mj_resetData(m, d);
  util::SplitMix64 rng(seed);
  PerturbHingeAngles(m, 0.01, rng, d);
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] == mjJNT_HINGE) d->qvel[m->jnt_dofadr[j]] = rng.Uniform(-0.01, 0.01);
  }
  mj_forward(m, d);
}

void HumanoidTask::ResetSupine(const mjModel* m, mjData* d, uint64_t seed) const {
  mj_resetData(m, d);
  util::SplitMix64 rng(seed);
  // Body +x (the chest's front) to world +z: a -90 degree turn about y,
  // after a small turn about the world z axis.
  const mjtNum half_heading = 0.5 * rng.Uniform(-0.1, 0.1);
  const mjtNum heading[4] = {std::cos(half_heading), 0, 0, std::sin(half_heading)};
  const mjtNum on_back[4] = {std::sqrt(0.5), 0, -std::sqrt(0.5), 0};
  d->qpos[0] = 0;
  d->qpos[1] = 0;
  d->qpos[2] = 0.15;
  mju_mulQuat(d->qpos + 3, heading, on_back);
  PerturbHingeAngles(m, 0.1, rng, d);
  for (int step = 0; step < kSupineSettleSteps; ++step) mj_step(m, d);
  d->time = 0;
  mj_forward(m, d);
}

// Chosen by measured learning per core-second on a 2-core machine
// (results/humanoid/README.md, "Humanoid getup with POLO"); the paper's
// Algorithm 1 stays available with
// --target_states=0 --warm_start=false --horizon=64 --value_scale=1.
void HumanoidTask::ApplyPresets(polo::RunConfig* c) const {
  // Acting: H = 32 instead of 64 halves the cost of acting; the value
  // carries the rest of the horizon (the paper's Fig. 3 claim). λ = 0.05 on
  // raw returns: with a learned value the 0.1 × range normalised
  // temperature (MppiSettings' default, chosen for plain MPC) sat for 8
  // episodes, while 0.05 absolute stood up within 4.
  polo::MppiConfig* acting = c->mutable_mppi();
  acting->set_horizon(32);
  acting->set_temperature(0.05);
  acting->set_normalized_temperature(false);
  // Targets for M = 128 states per update (not G × n = 2048), N = 16 steps
  // from the actor's own plan with 24 sampled rollouts.
  c->mutable_training()->set_target_states(128);
  c->mutable_targets()->set_horizon(16);
  c->mutable_targets()->set_num_rollouts(24);
  c->mutable_targets()->set_warm_start(true);
  // Returns reach 1 / (1 - γ) = 100: nets in units of 10.
  c->mutable_ensemble()->set_value_scale(10.0);
  // Optimism from κ = 1 down to the members' mean at the end of the run:
  // with κ = 1 throughout, the last episodes kept exploring off their feet.
  c->set_final_kappa(0.0);
}

void HumanoidTask::SetCamera(mjvCamera* camera) const {
  camera->type = mjCAMERA_TRACKING;
  camera->trackbodyid = ids_.torso;
  camera->distance = 4.0;
  camera->elevation = -15;
}

}  // namespace polo::models
