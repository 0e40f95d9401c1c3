// An agent acting in its world with MPPI: the "Plan Online" half of POLO and
// the paper's MPC baseline. It owns the world's mjData and an Mppi planner
// that plans on the same model (the agent's internal model is exact).
//
// Each Step: capture the world's full physics state s_t, optimise the
// nominal from it, apply the first action a_t, step the world, score
// r(s_t, a_t), and shift the nominal; then apply the task's unmodelled
// disturbance for the new episode step (models::Task::Disturb, e.g. the
// hand's goal change) to the world only, run mj_forward and observe
// s_{t+1}. The planner therefore plans from the disturbed state but its
// rollouts never see a disturbance coming. Episodes are episode_length()
// steps; the caller decides when to reset.
//
// Thread-compatible; allocation-free after Create.
#ifndef POLO_PLANNER_AGENT_H_
#define POLO_PLANNER_AGENT_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "models/task.h"
#include "planner/mppi.h"
#include "planner/terminal_value.h"
#include "planner/thread_pool.h"

namespace polo::planner {

struct AgentStep {
  double reward = 0;  // r(s_t, a_t).
  MppiStats planner;
};

class Agent {
 public:
  static absl::StatusOr<std::unique_ptr<Agent>> Create(const models::Task* task,
                                                       const MppiSettings& settings,
                                                       ThreadPool* pool);

  // Starts an episode from the task's reset distribution and clears the
  // nominal. `seed` is the episode seed Task::Disturb receives.
  void Reset(uint64_t seed);

  // One control step at global step index `step` (the noise key). value may
  // be null (plain MPC).
  AgentStep Step(uint64_t step, TerminalValue* value);

  // The current state s_t (before the next Step): full physics state,
  // value features and task metrics.
  absl::Span<const double> physics_state() const { return state_; }
  absl::Span<const double> features() const { return features_; }
  absl::Span<const double> metrics() const { return metrics_; }
  const mjData* data() const { return data_.get(); }
  // The plan the last Step optimised from the state it started in (the
  // nominal before the shift, H × nu row-major): the actor's warm start for
  // that state's targets (learner/targets.h). Zeros after Reset.
  absl::Span<const double> plan() const { return plan_; }

  // Writes the first `steps` rows of plan() as floats to `out` (steps × nu),
  // repeating the last row if the horizon is shorter.
  void CopyPlan(int steps, float* out) const;
  const models::Task& task() const { return *task_; }
  // Steps taken since the last Reset.
  int episode_step() const { return episode_step_; }

 private:
  Agent(const models::Task* task, std::unique_ptr<Mppi> mppi);
  // Refreshes state_, features_ and metrics_ from the world (after mj_forward).
  void Observe();

  const models::Task* task_;
  std::unique_ptr<Mppi> mppi_;
  models::UniqueMjData data_;
  std::vector<double> state_;
  std::vector<double> features_;
  std::vector<double> metrics_;
  std::vector<double> plan_;
  uint64_t episode_seed_ = 0;  // The seed of the last Reset.
  int episode_step_ = 0;
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_AGENT_H_
