// What the humanoid tasks (paper appendix A) share: the value features, the
// control cost, the metrics, the two start poses and the model checks.
// Subclasses (humanoid_getup_task.h, humanoid_walk_task.h,
// humanoid_box_task.h) add the task reward and pick a start pose.
//
// Reward = TaskReward(s_t) - ControlCost(s_t, a_t), read right after mj_step
// (Task's contract). Root_z, Root_x, Root_xy in the rewards are the torso
// body's d->xpos, which after mj_step still describes s_t (d->qpos is
// already s_{t+1}); Vel_x is the torso frame's world linear x-velocity from
// d->cvel (mj_objectVelocity), also of s_t.
//
// Control cost: c = kControlCostWeight * tau' M(s_t)^-1 tau, tau =
// d->qfrc_actuator, solved with the mass-matrix factor (d->qLD) that mj_step's
// mj_forward left in d.
//
// Value features (kNumHumanoidFeatures = 34), all from kinematics and sensors
// after mj_forward, in this order:
//    0- 2  torso x-axis in the world frame (facing direction)
//    3- 5  torso z-axis in the world frame (spine normal)
//    6- 8  unit vector neck site -> right hand body
//    9-11  unit vector neck site -> left hand body
//   12-14  unit vector right hip site -> right foot body
//   15-17  unit vector left hip site -> left foot body
//   18-22  heights (m) of torso (root), right hand, left hand, right foot, left foot
//   23-28  root velocities d->qvel[0:6]: linear (world frame, m/s), angular
//          (torso frame, rad/s)
//   29-33  log(1 + touch force in N) at head, right hand, left hand, right
//          foot, left foot; the log keeps the body weight (about 400 N) near 6.
//
// Metrics: root_height (torso z, m), forward_speed (d->qvel[0], m/s).
//
// Thread-safety: immutable after construction (see Task). Reward, Features
// and Metrics are allocation-free and write only their output arguments.
#ifndef POLO_MODELS_HUMANOID_TASK_H_
#define POLO_MODELS_HUMANOID_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/task.h"

namespace polo::models {

// Paper Fig. 4b's perturbed model: the "head" geom's radius (and its
// touch site's) times `scale`, the "head" body's mass times scale³ and its
// inertia times scale⁵ — a larger head of the same density, as recompiling
// humanoid.xml with a larger radius would give — then mj_setConst. The
// head's position on the neck is kept. InvalidArgument naming head_scale
// unless kMinHeadScale <= scale <= kMaxHeadScale; NotFound if the model has
// no head body, geom or head_touch site.
inline constexpr double kMinHeadScale = 0.5;
inline constexpr double kMaxHeadScale = 2.0;
absl::Status ScaleHumanoidHead(mjModel* m, double scale);

class HumanoidTask : public Task {
 public:
  static constexpr int kNumHumanoidFeatures = 34;
  static constexpr int kEpisodeLength = 600;
  // Root height the rewards aim for (paper appendix A).
  static constexpr double kTargetHeight = 1.1;
  // Root height above which a state counts as standing (success()): the
  // torso height of a standing humanoid less 0.1 m, to tolerate a slight
  // crouch or sway.
  static constexpr double kStandingHeight = 1.0;
  // Weight w of the control cost, chosen by measurement with
  //   bazel run -c opt //models:control_cost_calibration
  // (20 episodes x 600 steps from the upright pose, i.i.d. random ctrl every
  // step). Unweighted tau'M^-1 tau per step:
  //   ctrl ~ U[-1, 1]:           mean 2.647e5, std 1.303e5, max 1.143e6
  //   ctrl in {-1, 1}:           mean 7.739e5, std 2.764e5, max 2.014e6
  //   ctrl ~ N(0, 0.2^2), clamp: mean 3.105e4, std 1.865e4, max 2.727e5
  // 0.1 / 2.647e5 = 3.78e-7, rounded to 4e-7: mean cost 0.106 under uniform
  // random control, a tenth of the reward scale (1.0); 0.31 bang-bang; 0.012
  // under MPPI's exploration noise (sigma 0.2) around a zero nominal.
  static constexpr double kControlCostWeight = 4e-7;
  // Dofs the control-cost scratch holds (humanoid 27, with box 33).
  static constexpr int kMaxDofs = 64;

  int num_features() const override { return kNumHumanoidFeatures; }
  int episode_length() const override { return kEpisodeLength; }
  // 20 episodes of 600 steps (paper, humanoid experiments).
  uint64_t lifetime_steps() const override { return 12000; }
  // H = 32, lambda 0.05 absolute, M = 128 target states (N = 16, 24
  // rollouts) warm-started from the actor's plan, value scale 10, kappa
  // from 1 to 0 over the run (humanoid_task.cc says why).
  void ApplyPresets(polo::RunConfig* config) const override;
  // Standing: root height above kStandingHeight.
  std::optional<SuccessMeasure> success() const override {
    return SuccessMeasure{"root_height", kStandingHeight};
  }
  // Tracking the torso from 4 m, slightly above.
  void SetCamera(mjvCamera* camera) const override;

  // TaskReward(m, d) - ControlCost(m, d). Call right after mj_step.
  double Reward(const mjModel* m, const mjData* d) const final;
  void Features(const mjModel* m, const mjData* d, double* features) const override;
  const std::vector<std::string>& metric_names() const override { return metric_names_; }
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;

  // kControlCostWeight * tau' M^-1 tau with tau = d->qfrc_actuator, using the
  // factor d->qLD left by mj_forward (or mj_step, of s_t). Allocation-free:
  // the scratch vector is a fixed array on the C++ stack (not mjData's stack,
  // which would need a non-const d and is shared with MuJoCo's own use).
  double ControlCost(const mjModel* m, const mjData* d) const;

  // Root_z: height of the torso body (d->xpos).
  double RootHeight(const mjData* d) const { return d->xpos[3 * ids_.torso + 2]; }

 protected:
  // Object ids and sensor addresses the features need.
  struct Ids {
    int torso = -1;
    int right_hand = -1, left_hand = -1, right_foot = -1, left_foot = -1;
    int neck_site = -1, right_hip_site = -1, left_hip_site = -1;
    // sensordata addresses: head, right hand, left hand, right foot, left foot.
    int touch_adr[5] = {-1, -1, -1, -1, -1};
  };

  // Loads the embedded `file`, scales its head by `head_scale`
  // (ScaleHumanoidHead) and finds the ids. Returns the loader's error,
  // or NotFound / FailedPrecondition if the model lacks what the features
  // need (bodies, sites, touch sensors named as in humanoid.xml; a free root
  // joint first; at most kMaxDofs dofs), or ScaleHumanoidHead's error.
  static absl::StatusOr<UniqueMjModel> LoadHumanoidModel(const char* file, Ids* ids,
                                                         double head_scale);

  HumanoidTask(std::string name, UniqueMjModel model, const Ids& ids,
               std::vector<std::string> metric_names);

  // The task's own reward of s_t, without the control cost.
  virtual double TaskReward(const mjModel* m, const mjData* d) const = 0;

  // Upright start: qpos0 (standing, feet on the floor) with hinge angles
  // jittered by up to 0.01 rad and hinge velocities by up to 0.01 rad/s.
  // Ends with mj_forward.
  void ResetUpright(const mjModel* m, mjData* d, uint64_t seed) const;

  // Supine start: on its back, head towards -x, at a seeded heading within
  // +-0.1 rad and hinge angles jittered by up to 0.1 rad, dropped from
  // 0.15 m and settled for kSupineSettleSteps steps at zero control, then
  // time reset to 0. Ends with mj_forward.
  void ResetSupine(const mjModel* m, mjData* d, uint64_t seed) const;
  static constexpr int kSupineSettleSteps = 100;  // 0.8 s

  // The torso frame's world linear velocity x component (Vel_x) of the
  // kinematics d holds.
  double ForwardVelocity(const mjModel* m, const mjData* d) const;

  const Ids& ids() const { return ids_; }

 private:
  Ids ids_;
  std::vector<std::string> metric_names_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_HUMANOID_TASK_H_
