// Learning progress as the CLI shows it: episodes and their returns, task
// metrics over recent states, coverage of the occupancy grid for
// reward-free worlds (paper Fig. 2a) and throughput.
//
// Thread-compatible: LearnerCore calls it under its own mutex. Owns one
// mjData for turning physics states into planar positions.
#ifndef POLO_SERVER_PROGRESS_TRACKER_H_
#define POLO_SERVER_PROGRESS_TRACKER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/server_checkpoint.pb.h"

namespace polo::server {

class ProgressTracker {
 public:
  explicit ProgressTracker(const models::Task* task);

  // One accepted state of actor `worker_id` (already validated).
  void AddState(const std::string& worker_id, const polo::VisitedState& state);
  // Accepted targets for `n` states.
  void AddTargets(uint64_t n, absl::Time now);
  // Call once per accepted batch of `n` states.
  void AddStates(uint64_t n, absl::Time now);

  // Fills the episode, metric, coverage and rate fields of `progress`.
  void Fill(absl::Time now, polo::Progress* progress) const;

  // Coverage in [0, 1], or -1 if the task has no grid.
  double coverage() const;

  // For checkpoints.
  void Save(polo::ProgressSnapshot* snapshot) const;
  void Restore(const polo::ProgressSnapshot& snapshot);

 private:
  static double Rate(const std::deque<std::pair<absl::Time, uint64_t>>& samples, uint64_t total,
                     absl::Time now);
  static void Sample(std::deque<std::pair<absl::Time, uint64_t>>* samples, uint64_t total,
                     absl::Time now);

  const models::Task* task_;
  models::UniqueMjData data_;
  uint64_t episodes_ = 0;
  std::deque<double> returns_;                 // Last 10 completed episodes.
  std::map<std::string, double> open_returns_;  // Per actor, current episode.
  std::deque<std::vector<double>> metrics_;     // Last 100 states.
  std::vector<char> visited_cells_;
  uint64_t states_ = 0, targets_ = 0;
  std::deque<std::pair<absl::Time, uint64_t>> state_samples_, target_samples_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_PROGRESS_TRACKER_H_
