// The experiments' one evaluation driver: builds a task, loads an optional
// saved value ensemble for it (eq. 6 at a given κ), and runs an MPPI agent
// (planner::Agent) on it for a number of steps, keeping what each step gave
// (reward, MPPI's effective samples, the task's metrics; on request the
// value of the state each step starts from, the states' features and the
// physics states). Every binary that evaluates an agent goes through it:
// //experiments:mpc (one episode, printed and traced), value_ranking (the
// agent driven to the checked steps) and value_fit (trials from seeds,
// their features and rewards). The flags stay in those binaries; this
// library names a flag only in the errors it returns.
//
// Ownership: an Evaluation owns its task, value, rollout threads and agent.
// Thread-compatible: one thread at a time.
#ifndef POLO_EXPERIMENTS_COMMON_EVALUATION_H_
#define POLO_EXPERIMENTS_COMMON_EVALUATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "learner/optimistic_value.h"
#include "models/registry.h"
#include "models/task.h"
#include "planner/agent.h"
#include "planner/mppi.h"
#include "planner/thread_pool.h"
#include "proto/ensemble.pb.h"

namespace polo::experiments {

// What to evaluate.
// The acting settings of `task`'s preset (config/presets.h): the base every
// experiment applies its MPPI flags over, so that --task=humanoid_getup
// plans as the run that trained its value did. MppiSettings' defaults for
// an unknown name (Evaluation::Create then names the error).
planner::MppiSettings PresetMppiSettings(const std::string& task);

struct EvaluationOptions {
  std::string task = "humanoid_getup";  // A name of models/registry.h.
  models::TaskOptions task_options;     // E.g. head_scale (paper Fig. 4b).
  // The agent's MPPI; mppi.seed seeds its noise and the episode (the
  // task's reset and disturbances), as //experiments:mpc --seed does.
  planner::MppiSettings mppi;
  int threads = 1;  // Rollout threads, 1..256.
  // A saved ensemble (EnsembleWeights file; ~ and relative paths resolved
  // as util/paths.h does) as MPPI's terminal value; empty = plain MPC.
  std::string value_path;
  std::string value_flag = "value";  // The flag errors about value_path name.
  double kappa = 0;                  // Optimism of the value's eq. 6 aggregate.
  // If set, applied to the loaded weights before the value is built (mpc's
  // --untrained_value_seed swaps in the untrained ensemble of their spec).
  std::function<absl::StatusOr<EnsembleWeights>(const EnsembleWeights&)> replace_weights;
};

// One agent step.
struct StepResult {
  int step = 0;       // Steps taken in this Run so far, from 1.
  double reward = 0;  // r(s_t, a_t).
  planner::MppiStats planner;
  // V̂(s_t) of the state the step started from, with RunOptions::value_before
  // and a value; else 0.
  double value_before = 0;
};

// What one Run keeps, besides the totals it always does.
struct RunOptions {
  int steps = 1;               // Agent steps, >= 1.
  bool value_before = false;   // Evaluate V̂(s_t) before each step.
  int keep_features = 0;       // Keep the features of s_t for the first this many steps.
  bool record_states = false;  // Keep the physics states s_0 .. s_steps.
  // Called after each step with its result and the agent in s_{t+1}.
  std::function<void(const StepResult&, const planner::Agent&)> on_step;
};

// The steps of one Run.
struct EpisodeRecord {
  std::vector<double> rewards;            // One per step.
  std::vector<double> effective_samples;  // MPPI's, one per step.
  std::vector<double> max_metrics;        // Per metric, the maximum over s_1 .. s_steps.
  std::vector<double> final_metrics;      // The metrics of s_steps.
  std::vector<double> features;           // min(keep_features, steps) × num_features.
  std::vector<double> states;             // With record_states: (steps + 1) × state size.
  double seconds = 0;                     // Wall time of the steps.

  // Sums in step order, and those sums over the step count.
  double total_reward() const;
  double mean_reward() const;
  double mean_effective_samples() const;
};

class Evaluation {
 public:
  // InvalidArgument "--threads: got N, expected 1..256"; the registry's
  // error for an unknown task or a bad head_scale; the value's errors,
  // starting "--<value_flag>: " (task_weights.h: unreadable file, feature
  // count of another task), or those of replace_weights and of
  // OptimisticValue::Create; the agent's.
  static absl::StatusOr<std::unique_ptr<Evaluation>> Create(const EvaluationOptions& options);

  const models::Task& task() const { return *task_; }
  const planner::MppiSettings& mppi() const { return mppi_; }
  // The terminal value, or null for plain MPC.
  learner::OptimisticValue* value() const { return value_.get(); }
  planner::Agent& agent() { return *agent_; }
  planner::ThreadPool* pool() { return pool_.get(); }
  // Agent steps taken since Create or the last Restart: the noise key of
  // the next step.
  int steps_taken() const { return steps_taken_; }

  // A new agent from the task's start with `seed` as MPPI's and the
  // episode's seed, as Create with mppi.seed = seed would have built it.
  absl::Status Restart(uint64_t seed);

  // options.steps agent steps from where the agent is, step i keyed
  // steps_taken() + i, acting with the value (if any).
  EpisodeRecord Run(const RunOptions& options);

 private:
  Evaluation(std::unique_ptr<models::Task> task, const planner::MppiSettings& mppi, int threads,
             std::unique_ptr<learner::OptimisticValue> value);

  std::unique_ptr<models::Task> task_;
  planner::MppiSettings mppi_;
  std::unique_ptr<learner::OptimisticValue> value_;
  std::unique_ptr<planner::ThreadPool> pool_;
  std::unique_ptr<planner::Agent> agent_;  // After pool_: destroyed before it.
  int steps_taken_ = 0;
};

}  // namespace polo::experiments

#endif  // POLO_EXPERIMENTS_COMMON_EVALUATION_H_
