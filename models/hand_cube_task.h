// "hand_cube" (paper appendix B): a five-fingered, position-controlled hand
// (hand_cube.xml: 24 hinge joints, one position servo each, fixed forearm,
// palm up) reorients a free 5 cm cube to a goal orientation that changes
// every 75 steps without the planner seeing it coming.
//
// Reward (paper eq. 8), read right after mj_step (Task's contract: d's
// kinematics still describe s_t):
//   r = -0.5 * l1(x_o, x_g) - 0.05 * l_quat(q_o, q_g)
// x_o: the cube body's position (d->xpos); x_g: kGoalPosition, fixed, 2.5 cm
// (half an edge) above the centre of the palm's surface in the rest pose;
// l1: the L1 norm of x_o - x_g in metres; q_o: the cube's orientation
// (d->xquat); q_g: the goal orientation, the quaternion of the mocap body
// "goal" (d->xquat, i.e. the normalised d->mocap_quat); l_quat: the angle in
// radians, in [0, pi], of the rotation that takes q_g to q_o (RotationAngle).
// No control cost, as in the paper.
//
// Goals: draw 0 at Reset, draw k written to the goal's mocap_quat by Disturb
// at episode step 75k (k = 1, 2, 3 in a 300-step episode). Each draw is a
// uniformly random orientation from its own stream of the episode seed
// (GoalQuaternion), so the goals of an episode are fixed by its seed; in
// "hand_cube_near" (Goals::kNear) each draw is instead the cube's
// orientation at that moment turned by up to 1 rad about the world x and y
// axes (NearGoalQuaternion), so the goals of an episode are fixed by its
// seed and the cube's path. The
// goal lives in the physics state (models/physics_state.h carries the mocap
// poses), so rollouts and targets from a stored state keep its goal.
//
// Reset: the hand at kRestPose (qpos = ctrl = kRestPose, at rest), the cube
// at rest at a uniformly random orientation, centred above x_g with its
// lowest corner kResetClearance above the palm's surface (it settles in the
// first steps), the goal from draw 0; then mj_forward.
//
// Value features (kNumFeatures = 75), after mj_forward, in this order:
//    0-23  hand joint angles qpos[0:24] (rad), joint order of hand_cube.xml
//   24-47  hand joint velocities qvel[0:24] (rad/s). Larger than the
//          unit range of the other inputs: under plain MPC (H 32) their
//          median magnitude is 2.7 and their maximum 19, and with the
//          cube's velocity they make up 97 % of an input's squared norm.
//          In units of 10 rad/s (27 %) they were tried: a POLO run (seed 0,
//          H 8) still had the cube on the floor for 56-88 % of each of its
//          8 episodes, as in rad/s (60-87 %), so the results stand as
//          measured in rad/s.
//   48-50  cube position minus x_g, in cube edges (m / 0.05, world frame),
//          clipped to ±kPositionFeatureLimit: within about ±0.5 in the
//          palm, about -3.4 on the floor below it. In metres it would be a
//          hundredth of the other inputs' size; unclipped, a cube thrown
//          across the floor would reach ever new inputs, where the value's
//          random priors (and so its optimism) have nothing to hold them.
//   51-56  cube velocity: its free joint's qvel (linear m/s in the world
//          frame, then angular rad/s in the cube's frame), what tells a cube
//          about to roll off the palm from one at rest at the same pose
//   57-62  cube orientation: the first two columns of its rotation matrix
//          (its x axis, then its y axis, in world coordinates)
//   63-68  goal orientation, the same two columns of the goal's matrix
//   69-74  the cube's orientation relative to the goal: the same two
//          columns of R_g^T R_o, (1, 0, 0, 0, 1, 0) exactly at the goal.
//          The reward's angle is a function of these alone (cos angle =
//          (trace - 1) / 2), which the net would otherwise have to learn
//          as a product of the two absolute orientations.
// Two matrix columns rather than a quaternion: they are a continuous
// function of the orientation (the third column is their cross product),
// while a quaternion has a double cover (q and -q are the same orientation),
// so a value net fed quaternions would have to learn that symmetry.
//
// Metrics (per state, after mj_forward):
//   orientation_error_deg  l_quat(q_o, q_g) in degrees, in [0, 180]
//   within_20deg           1 if orientation_error_deg <= 20, else 0
//   cube_dropped           1 if the cube's centre is below the palm's rest
//                          surface height minus kDropMargin, else 0 (a cube
//                          held by a tilted palm stays above that line; a
//                          dropped one falls to the floor 15 cm lower)
//
// Episode length 300 steps = 3 s (4 goals: the reset goal and the changes
// at 75, 150, 225), so every episode carries goal changes while a dropped
// cube, which MPC cannot recover, costs at most the rest of one episode;
// lifetime 2500 steps (the paper's).
//
// Thread-safety: immutable after construction (see Task). Reward, Features,
// Metrics and Disturb are allocation-free.
#ifndef POLO_MODELS_HAND_CUBE_TASK_H_
#define POLO_MODELS_HAND_CUBE_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/task.h"

namespace polo::models {

class HandCubeTask : public Task {
 public:
  static constexpr int kNumHandJoints = 24;
  static constexpr int kNumFeatures = 75;
  static constexpr int kEpisodeLength = 300;
  // Agent steps between goal changes (paper appendix B).
  static constexpr int kGoalPeriod = 75;
  static constexpr uint64_t kLifetimeSteps = 2500;
  // Weights of eq. 8.
  static constexpr double kPositionWeight = 0.5;
  static constexpr double kOrientationWeight = 0.05;
  // Height (m) of the palm's upper surface in the rest pose (hand_cube.xml:
  // palm box centre 0.15, half thickness 0.012), and the palm's centre.
  static constexpr double kPalmSurfaceHeight = 0.162;
  // x_g (m): half an edge above the palm surface's centre.
  static constexpr double kGoalPosition[3] = {0.0, 0.0, kPalmSurfaceHeight + 0.025};
  static constexpr double kCubeHalfEdge = 0.025;
  static constexpr double kResetClearance = 0.001;  // m
  static constexpr double kDropMargin = 0.05;       // m
  static constexpr double kWithinDegrees = 20.0;
  // Bound (in cube edges) of the cube position features: 20 cm, past the
  // floor below the palm.
  static constexpr double kPositionFeatureLimit = 4.0;
  // Joint angles (rad) of the rest pose, joint order of hand_cube.xml: wrist
  // straight, fingers slightly curled (0.2, 0.2, 0.1 at mcp, pip, dip, off
  // their joint limits), the little finger's cup flat, the thumb turned up
  // beside the palm (rotation 0.6, abduction 0.5, hub 0.2, distal -0.2), so
  // fingers, thumb and forearm cradle a cube dropped into the palm.
  static constexpr double kRestPose[kNumHandJoints] = {
      0.0, 0.0,                  // wrist deviation, flexion
      0.0, 0.2, 0.2, 0.1,        // index abduction, mcp, pip, dip
      0.0, 0.2, 0.2, 0.1,        // middle
      0.0, 0.2, 0.2, 0.1,        // ring
      0.0, 0.0, 0.2, 0.2, 0.1,   // little cup, abduction, mcp, pip, dip
      0.6, 0.5, 0.0, 0.2, -0.2,  // thumb rotation, abduction, proximal, hub, distal
  };

  // Where the goals come from.
  enum class Goals {
    // Uniformly random orientations (GoalQuaternion): goals 126 degrees
    // apart on average, most of them out of reach within one goal period.
    kUniform,
    // Near the cube's current orientation, as in the DAPG pen task (its
    // goals: euler angles U(-1, 1) rad about x and y): the cube's
    // orientation at the draw turned by Rx(a) Ry(b) in the world frame, a
    // and b ~ U(-kNearGoalAngle, kNearGoalAngle) (NearGoalQuaternion).
    kNear,
  };
  static constexpr double kNearGoalAngle = 1.0;  // rad

  // The contact model.
  enum class Contacts {
    // hand_cube.xml as written: condim 3, friction 1 / 0.005 / 0.0001, no
    // noslip.
    kProject,
    // The DAPG suite's options: every contact with the cube has condim 4
    // (torsional friction) with friction 1 / 0.5 / 0.01, and the noslip
    // solver runs 20 iterations (set on the compiled model: the cube's
    // geoms and mjOption.noslip_iterations).
    kDapg,
  };

  // The task "hand_cube", with "_near" for Goals::kNear and "_dapg" for
  // Contacts::kDapg appended (hand_cube_near, hand_cube_dapg,
  // hand_cube_near_dapg). Returns
  // the model loader's error if hand_cube.xml does not load, or
  // FailedPrecondition if it lacks the layout above (24 hinge joints each
  // driven by the actuator of the same index, then the cube's free joint;
  // bodies "cube" and mocap "goal").
  static absl::StatusOr<std::unique_ptr<Task>> Create(Goals goals = Goals::kUniform,
                                                      Contacts contacts = Contacts::kProject);

  int num_features() const override { return kNumFeatures; }
  int episode_length() const override { return kEpisodeLength; }
  // The paper's hand settings (appendix B) where it gives them: K = 80
  // rollouts, H = 32, 6 x (64, 64) nets, Z = 25, G = 16 steps of n = 16;
  // lambda 0.02 absolute (measured, hand_cube_task.cc); targets as the
  // humanoid's (M = 128, N = 16, 24 rollouts, warm start); value scale 1,
  // offset -5; kappa from 0.1 to 0.
  void ApplyPresets(polo::RunConfig* config) const override;
  // The palm (fingers along +y) from above the fingertips, cube and goal
  // cube in view.
  void SetCamera(mjvCamera* camera) const override;
  uint64_t lifetime_steps() const override { return kLifetimeSteps; }
  double Reward(const mjModel* m, const mjData* d) const override;
  void Features(const mjModel* m, const mjData* d, double* features) const override;
  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;
  // At episode_step = 75k (k >= 1) writes goal draw k (GoalQuaternion, or
  // NearGoalQuaternion from the cube's orientation in d->qpos) to the
  // goal's mocap_quat; otherwise changes nothing.
  void Disturb(const mjModel* m, mjData* d, uint64_t episode_seed,
               int episode_step) const override;
  const std::vector<std::string>& metric_names() const override { return metric_names_; }
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;

  // The goal orientation number `draw` of the episode with seed
  // `episode_seed` (draw 0 at Reset, draw k at step 75k): a unit quaternion
  // (w, x, y, z), uniformly distributed over rotations.
  static void GoalQuaternion(uint64_t episode_seed, uint64_t draw, double quat[4]);
  // Goal draw `draw` of Goals::kNear: unit quaternion `from` (the cube's
  // orientation at the draw) turned by Rx(a) Ry(b) (world frame), a and b
  // uniform in [-kNearGoalAngle, kNearGoalAngle] from draw's own stream.
  static void NearGoalQuaternion(uint64_t episode_seed, uint64_t draw, const double from[4],
                                 double quat[4]);
  Goals goals() const { return goals_; }

  // The angle in radians, in [0, pi], of the rotation between the
  // orientations of unit quaternions a and b: 2 atan2(|v|, |w|) of
  // (w, v) = conj(a) * b, which is exact near 0 (where 2 acos(|w|) loses
  // half its digits) and treats b and -b as the same orientation.
  static double RotationAngle(const double a[4], const double b[4]);

  // l_quat(q_o, q_g) of the kinematics d holds, in radians.
  double OrientationError(const mjData* d) const;

  int cube_body() const { return cube_body_; }
  int goal_body() const { return goal_body_; }
  // Index of the goal in d->mocap_pos / d->mocap_quat (3 and 4 per body).
  int goal_mocap() const { return goal_mocap_; }
  // Addresses of the cube's free joint in qpos (position, then quaternion)
  // and qvel.
  int cube_qpos() const { return cube_qpos_; }
  int cube_qvel() const { return cube_qvel_; }
  // x_g (m, world): kGoalPosition here, the dice's rest position on the
  // Adroit hand (AdroitCubeTask).
  const double* goal_position() const { return goal_position_; }

 protected:
  // Addresses in the model: the cube's body and the goal's, the goal's
  // mocap index, the cube's 3 position coordinates then its quaternion in
  // qpos (a free joint, or 3 slides then a ball joint), its 6 velocities in
  // qvel (linear in the world frame, then angular in its own).
  struct Ids {
    int cube_body = -1, goal_body = -1, goal_mocap = -1, cube_qpos = -1, cube_qvel = -1;
  };
  // Where the hand holds the cube: x_g (m, world), the height (m) below
  // which the cube's centre counts as dropped, physics steps per action.
  struct Layout {
    double goal_position[3] = {0, 0, 0};
    double drop_height = 0;
    int substeps = 1;
  };
  HandCubeTask(std::string name, UniqueMjModel model, const Ids& ids, Goals goals,
               const Layout& layout);
  // Writes goal draw `draw` into d's goal mocap_quat.
  void SetGoal(mjData* d, uint64_t episode_seed, uint64_t draw) const;

 private:
  double goal_position_[3];
  double drop_height_;
  int cube_body_, goal_body_, goal_mocap_, cube_qpos_, cube_qvel_;
  Goals goals_;
  std::vector<std::string> metric_names_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_HAND_CUBE_TASK_H_
