// "adroit_cube" (paper appendix B, on the paper's own hand): the Adroit hand
// as the DAPG hand manipulation suite models it (adroit_cube.xml: 24
// hinges, one position servo each, DIP-PIP couplers, fixed forearm, palm
// up) turns a 5 cm dice on 3 slides and a ball joint to a goal orientation
// that changes every 75 steps without the planner seeing it coming.
//
// Everything HandCubeTask defines (eq. 8 reward, the 75 value features,
// the metrics, the goal draws and their timing) holds here, with these
// differences:
//   - An action is held for kSubsteps = 5 physics steps of 2 ms (DAPG's
//     frame skip): 0.01 s per agent step, as hand_cube's single step.
//   - x_g is the dice's centre in the model's "rest" keyframe (settled on
//     the palm, 2.5 cm short of the knuckle line; about 2.6 cm above the
//     palm's face). Dropped: its centre more than kDropMargin (5 cm) below
//     x_g. Position features 48-50 are relative to this x_g.
//   - Reset: the "rest" keyframe (hand, ctrl and dice at rest), with the
//     dice turned in its own frame by one of the cube's 24 rotational
//     symmetries (DiceSymmetry, chosen by the seed): the same volume, so it
//     starts at rest, with a seeded face up and facing the fingers.
//   - Goals: pen-style near goals by default (Goals::kNear: the dice's
//     orientation at the draw turned by Rx(a) Ry(b), a, b ~ U(-1, 1) rad, a
//     mean of 44 degrees from it); "adroit_cube_uniform" draws uniform
//     rotations (126 degrees apart on average) as hand_cube does.
//   - Actions: raw joint targets (rad) within Adroit's ctrlranges; ctrl 0
//     is the flat hand.
//
// Raw cost: one agent step is 5 mj_steps of a model with about 4x the
// contacts of hand_cube.xml, 14-17x the CPU of a hand_cube step.
#ifndef POLO_MODELS_ADROIT_CUBE_TASK_H_
#define POLO_MODELS_ADROIT_CUBE_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "models/hand_cube_task.h"
#include "models/task.h"

namespace polo::models {

class AdroitCubeTask : public HandCubeTask {
 public:
  static constexpr int kSubsteps = 5;
  static constexpr double kDropMargin = 0.05;  // m below x_g
  static constexpr int kNumSymmetries = 24;

  // "adroit_cube" (Goals::kNear) or "adroit_cube_uniform" (Goals::kUniform).
  // Returns the loader's error if adroit_cube.xml does not load, or
  // FailedPrecondition if it lacks the layout (24 hinges each driven by the
  // actuator of the same index, then slides cube_x, cube_y, cube_z and ball
  // cube_rotation; bodies "cube" and mocap "goal"; keyframe "rest").
  static absl::StatusOr<std::unique_ptr<Task>> Create(Goals goals = Goals::kNear);

  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;
  // The paper's hand settings as hand_cube's (HandCubeTask::ApplyPresets),
  // with the temperature measured on this hand (adroit_cube_task.cc).
  void ApplyPresets(polo::RunConfig* config) const override;
  void SetCamera(mjvCamera* camera) const override;

  // Symmetry `index` (0..23) of the cube as a unit quaternion (w, x, y, z):
  // Rz(90° k) after one of the 6 rotations that bring a face to +z.
  static void DiceSymmetry(int index, double quat[4]);

 private:
  AdroitCubeTask(std::string name, UniqueMjModel model, const Ids& ids, Goals goals,
                 const Layout& layout, int rest_key);
  int rest_key_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_ADROIT_CUBE_TASK_H_
