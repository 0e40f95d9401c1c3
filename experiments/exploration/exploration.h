// The exploration experiment of the paper (sec. 3.1, Fig. 2a): in a
// reward-free point-mass world, how much of the occupancy grid does an agent
// cover in a number of steps? Methods:
//  - kPolo: POLO with planning horizon H = 32 (optimistic ensemble value).
//  - kGreedy: the same POLO agent with H = 1.
//  - kRandom: uniformly random controls at every step.
// Plain MPC is not a method: without reward or value it never moves.
#ifndef POLO_EXPERIMENTS_EXPLORATION_EXPLORATION_H_
#define POLO_EXPERIMENTS_EXPLORATION_EXPLORATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "learner/polo_loop.h"
#include "models/task.h"

namespace polo::experiments {

enum class ExplorationMethod { kPolo, kGreedy, kRandom };
const char* ExplorationMethodName(ExplorationMethod method);

struct ExplorationRun {
  std::vector<double> coverage;  // After each step, steps values.
  std::vector<double> path;      // x, y of the start and after each step.
  // V̂ (eq. 6) of the final ensemble at rest at each cell centre of the
  // task's coverage grid, in CellCentre's order (paper Fig. 2b). Empty for
  // kRandom.
  std::vector<double> value_map;
  double seconds_per_step = 0;
};

// Runs `method` for `steps` steps from the task's start with `seed`, with
// `threads` rollout threads. FailedPrecondition if the task has no coverage
// grid.
absl::StatusOr<ExplorationRun> RunExploration(const models::Task& task, ExplorationMethod method,
                                              const learner::PoloSettings& settings, int steps,
                                              uint64_t seed, int threads);

}  // namespace polo::experiments

#endif  // POLO_EXPERIMENTS_EXPLORATION_EXPLORATION_H_
