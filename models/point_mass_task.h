// The reward-free point-mass worlds of the paper's exploration experiment
// (section 4.1, Fig. 2a): "point_mass_box" (point_mass_box.xml, an open
// square) and "point_mass_maze" (point_mass_maze.xml). Success is coverage of
// the occupancy grid, not reward: has_reward() is false and Reward() is 0.
//
// World: interior x, y in [-1, 1] m; the agent's terminal speed at full
// control is 1 m/s (see the XML files).
// Value features (4): x / kPositionScale, y / kPositionScale,
//   vx / kVelocityScale, vy / kVelocityScale, all within about [-1, 1].
// Coverage: 20 x 20 cells of 0.1 m over the interior.
// Metrics: x, y (m).
// Reset: the agent at rest at kStart (the maze's entrance cell), plus a
// seeded jitter of up to kStartJitter per coordinate.
// Episode length: 1000 steps (20 s at the worlds' 0.02 s timestep: a
// planning horizon of 32 steps looks about 0.6 m ahead, more than a maze
// cell, and 1000 steps can trace up to 20 m, so the whole grid is within
// reach; with 0.01 s both planners and the grid coverage stalled).
//
// Thread-safety: immutable after construction (see Task).
#ifndef POLO_MODELS_POINT_MASS_TASK_H_
#define POLO_MODELS_POINT_MASS_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/task.h"

namespace polo::models {

class PointMassTask : public Task {
 public:
  static constexpr int kNumFeatures = 4;
  static constexpr int kEpisodeLength = 1000;
  static constexpr double kPositionScale = 1.0;  // m: the interior's half width.
  static constexpr double kVelocityScale = 1.0;  // m/s: the terminal speed at |ctrl| = 1.
  static constexpr double kStart[2] = {-0.8, -0.8};
  static constexpr double kStartJitter = 0.01;  // m
  static constexpr int kCoverageCellsPerSide = 20;

  // The open square world. Returns the model loader's error if the embedded
  // model does not load.
  static absl::StatusOr<std::unique_ptr<Task>> CreateBox();
  // The maze world.
  static absl::StatusOr<std::unique_ptr<Task>> CreateMaze();

  int num_features() const override { return kNumFeatures; }
  int episode_length() const override { return kEpisodeLength; }
  // Measured with //experiments/exploration (point_mass_task.cc): H = 32,
  // K = 64, sigma 0.5, smoothing 0.9, lambda 0.003 absolute; targets N = 8
  // with 16 rollouts; 2 x 32 nets, lr 1e-2, kappa = 5.
  void ApplyPresets(polo::RunConfig* config) const override;
  // The world from above, filling the frame.
  void SetCamera(mjvCamera* camera) const override;
  // The exploration study's runs (paper Fig. 2a).
  uint64_t lifetime_steps() const override { return 1000; }
  bool has_reward() const override { return false; }
  double Reward(const mjModel* m, const mjData* d) const override { return 0.0; }
  void Features(const mjModel* m, const mjData* d, double* features) const override;
  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;
  const std::vector<std::string>& metric_names() const override { return metric_names_; }
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;
  const CoverageGrid* coverage_grid() const override { return &coverage_grid_; }
  // The agent's body position (d->xpos), valid after mj_forward or mj_step.
  bool PlanarPosition(const mjModel* m, const mjData* d, double xy[2]) const override;

 protected:
  // `model` must have a body "agent" on slide joints x then y (qpos 0, 1).
  PointMassTask(std::string name, UniqueMjModel model, int agent_body,
                std::vector<std::string> metric_names);

  // Loads `file` and checks the layout above.
  static absl::StatusOr<UniqueMjModel> LoadPointMassModel(const char* file, int* agent_body);

  int agent_body() const { return agent_body_; }

 private:
  int agent_body_;
  CoverageGrid coverage_grid_;
  std::vector<std::string> metric_names_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_POINT_MASS_TASK_H_
