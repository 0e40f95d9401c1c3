// A POLO task: a MuJoCo world plus what the paper defines on it — the reward
// r(s, a), the value features x(s), the reset distribution, the episode
// length and the task metrics — and what the project measured for it: its
// run presets, its success measure and its render camera. Everything above
// models/ asks the task and never names one. Tasks are built by name
// through the registry (models/registry.h); docs/design.md, "Adding a
// task", walks through a new one.
//
// Ownership and thread-safety: a Task owns its mjModel and is immutable after
// construction. Every method is const and touches only the mjData it is
// given, so any number of rollout threads share one Task (each with its own
// mjData) without locking.
#ifndef POLO_MODELS_TASK_H_
#define POLO_MODELS_TASK_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/polo.pb.h"

namespace polo::models {

struct MjModelDeleter {
  void operator()(mjModel* m) const { mj_deleteModel(m); }
};
struct MjDataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};
using UniqueMjModel = std::unique_ptr<mjModel, MjModelDeleter>;
using UniqueMjData = std::unique_ptr<mjData, MjDataDeleter>;

// Axis-aligned occupancy grid over the plane used for the coverage metric of
// reward-free worlds (paper Fig. 2a).
struct CoverageGrid {
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  int cells_per_side = 0;
};

// When a state counts as a success (EpisodeRecord.frac_standing, the
// progress line, polo_episode_frac_standing): the task metric `metric`
// (one of metric_names()) above `threshold`.
struct SuccessMeasure {
  std::string metric;
  double threshold = 0;
};

class Task {
 public:
  virtual ~Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  const std::string& name() const { return name_; }
  const mjModel* model() const { return model_.get(); }

  // Number of value features, the length of Features()' output.
  virtual int num_features() const = 0;
  // Agent steps per episode before a reset.
  virtual int episode_length() const = 0;
  // Agent steps of one full run in the paper (its "lifetime"): a run's
  // total_steps unless a flag says otherwise.
  virtual uint64_t lifetime_steps() const = 0;
  // The run presets: writes the fields of `config` (polo.RunConfig, holding
  // the paper's defaults, config/run_config.h) in which this task's runs
  // depart from them: acting, targets, training, ensemble, kappa. Every
  // binary that plans for the task starts from the result
  // (config/presets.h). The default keeps the paper's defaults.
  virtual void ApplyPresets(polo::RunConfig* config) const {}
  // How success is measured, or nullopt for none.
  virtual std::optional<SuccessMeasure> success() const { return std::nullopt; }
  // //tools:render's view: adjusts `camera`, the default free camera of
  // model(). The default leaves it.
  virtual void SetCamera(mjvCamera* camera) const {}
  // False for reward-free worlds (point mass): Reward() then returns 0.
  virtual bool has_reward() const { return true; }

  // Physics steps (of model()->opt.timestep each) per agent step: the
  // action is held through all of them (the Adroit hand takes 5 of 2 ms).
  int substeps() const { return substeps_; }
  // One agent step from the state d holds, with the action in d->ctrl:
  // substeps() calls of mj_step. Every rollout, target and acting step goes
  // through here. Allocation-free.
  void Step(const mjModel* m, mjData* d) const {
    for (int i = 0; i < substeps_; ++i) mj_step(m, d);
  }

  // r(s_t, a_t). Call right after Step(m, d) with d->ctrl == a_t: mj_step
  // runs mj_forward on its start state before integrating, so the
  // kinematics, sensors, actuator forces and mass-matrix factor in d still
  // describe s_t (with substeps() > 1: the state the last physics step
  // started from, one timestep before s_{t+1}), while qpos/qvel already hold
  // s_{t+1}. Allocation-free.
  virtual double Reward(const mjModel* m, const mjData* d) const = 0;

  // Value features x(s) of the state whose kinematics and sensors d holds
  // (after mj_forward). Writes num_features() values. Allocation-free.
  virtual void Features(const mjModel* m, const mjData* d, double* features) const = 0;

  // Starts an episode: resets d, samples the initial state from the task's
  // distribution using `seed` (same seed, same state), then runs mj_forward.
  virtual void Reset(const mjModel* m, mjData* d, uint64_t seed) const = 0;

  // An unmodelled disturbance of the real world (paper appendix B: the
  // hand's goal changes every 75 steps, which the planner does not see, so
  // it acts as an unmodelled external disturbance). planner::Agent calls it on the world it acts in, and only
  // there: once per agent step, for episode_step = 1, 2, ... (the number of
  // steps taken since Reset(m, d, episode_seed)), after the previous step's
  // mj_step and reward and before the state is observed and planned from;
  // it then runs mj_forward. It is never called inside rollouts or target
  // computations, so the planner's internal model does not see the change
  // coming. Must be deterministic in (episode_seed, episode_step, d) and
  // allocation-free. The default changes nothing.
  virtual void Disturb(const mjModel* m, mjData* d, uint64_t episode_seed,
                       int episode_step) const {}

  // Names of the per-state task metrics, in the order Metrics() writes them.
  virtual const std::vector<std::string>& metric_names() const = 0;
  // Per-state task metrics (root height, forward speed, ...) of the state
  // whose kinematics d holds (after mj_forward). Allocation-free.
  virtual void Metrics(const mjModel* m, const mjData* d, double* metrics) const = 0;

  // Reward-free worlds: the grid over which coverage is measured, and the
  // agent's planar position. Other tasks return nullptr / false.
  virtual const CoverageGrid* coverage_grid() const { return nullptr; }
  virtual bool PlanarPosition(const mjModel* m, const mjData* d, double xy[2]) const {
    return false;
  }

 protected:
  Task(std::string name, UniqueMjModel model, int substeps = 1)
      : name_(std::move(name)), model_(std::move(model)), substeps_(substeps) {}

 private:
  std::string name_;
  UniqueMjModel model_;
  int substeps_;
};

}  // namespace polo::models

#endif  // POLO_MODELS_TASK_H_
