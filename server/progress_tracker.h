// Learning progress as the CLI shows it: episodes and their returns, a
// record of every completed episode (polo.EpisodeRecord), task metrics over
// recent states, coverage of the occupancy grid for reward-free worlds
// (paper Fig. 2a), throughput and the process's CPU utilisation.
//
// Thread-compatible: LearnerCore calls it under its own mutex (the CPU
// meter inside is thread-safe on its own). Owns one mjData for turning
// physics states into planar positions.
#ifndef POLO_SERVER_PROGRESS_TRACKER_H_
#define POLO_SERVER_PROGRESS_TRACKER_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "learner/occupancy_grid.h"
#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/server_checkpoint.pb.h"

namespace polo::server {

// CPU utilisation of this process: CPU time (user + system, all threads;
// getrusage(RUSAGE_SELF)) / (wall time × cores), cores =
// std::thread::hardware_concurrency() (1 if unknown). 1 = every core busy;
// slightly above 1 is possible from the clocks' granularity. Thread-safe.
class CpuMeter {
 public:
  struct Reading {
    double window = 0;  // Over the last ~10 s (see Read).
    double total = 0;   // Since construction.
  };

  // Measures the process from `start` on (CPU time used before is not
  // counted).
  explicit CpuMeter(absl::Time start = absl::Now());
  // For tests: `cpu_seconds` returns the CPU time used so far, `cores` > 0.
  CpuMeter(std::function<double()> cpu_seconds, int cores, absl::Time start);

  // Takes a sample at `now` (kept if >= 1 s after the previous kept one)
  // and returns the utilisation since construction and over the window
  // from the newest kept sample at least 10 s old (or construction) to
  // `now`: about 10 s when read every second, longer after a pause between
  // reads. 0 for an empty interval.
  Reading Read(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

  // User + system CPU seconds of this process so far.
  static double ProcessCpuSeconds();

 private:
  const std::function<double()> cpu_seconds_;
  const int cores_;
  const absl::Time start_;
  const double start_cpu_;
  absl::Mutex mu_;
  std::deque<std::pair<absl::Time, double>> samples_ ABSL_GUARDED_BY(mu_);
};

// The (x, y) of each state of `batch` for the coverage grid (task
// PlanarPosition after mj_kinematics), or all nullopt if the task has none.
// Physics on `data`, the caller's scratch mjData of task.model() (the
// learner keeps a pool: one made and freed per batch fragmented the heap
// until resident memory grew by about 2 MB/s): called before the learner
// takes its lock. Thread-safe for distinct `data`.
std::vector<std::optional<std::array<double, 2>>> PlanarPositions(
    const models::Task& task, const polo::ExperienceBatch& batch, mjData* data);

class ProgressTracker {
 public:
  // `started`: when the learner started (EpisodeRecord.wall_s counts from
  // it; CPU utilisation too).
  explicit ProgressTracker(const models::Task* task, absl::Time started = absl::Now());

  // One accepted state of actor `worker_id` (already validated: metrics
  // has one finite value per task metric), which made the run's accepted
  // agent steps `agent_steps`, at `now`. At the state's episode end returns
  // the finished episode's record (also kept for Fill's last_episode);
  // otherwise nullopt. A state whose VisitedState.episode differs from the
  // actor's open episode (the end of that one never arrived) starts a new
  // episode; the unfinished one is dropped unrecorded.
  // `planar_position` is the state's (x, y) from PlanarPositions (nullopt:
  // none or no coverage grid); it marks the coverage grid.
  std::optional<polo::EpisodeRecord> AddState(
      const std::string& worker_id, const polo::VisitedState& state,
      const std::optional<std::array<double, 2>>& planar_position, uint64_t agent_steps,
      absl::Time now);
  // Accepted targets for `n` states.
  void AddTargets(uint64_t n, absl::Time now);
  // Call once per accepted batch of `n` states.
  void AddStates(uint64_t n, absl::Time now);

  // Fills the episode (last_episode included), metric, coverage, rate and
  // CPU utilisation fields of `progress`. Takes a CPU sample (CpuMeter::Read).
  void Fill(absl::Time now, polo::Progress* progress) const;

  // Coverage in [0, 1], or -1 if the task has no grid.
  double coverage() const;

  // For checkpoints: counters, recent returns, the coverage grid, every
  // actor's open episode and the last episode record. Restore ignores an
  // open episode whose metric count does not match the task.
  void Save(polo::ProgressSnapshot* snapshot) const;
  void Restore(const polo::ProgressSnapshot& snapshot);

 private:
  // The sums over one actor's episode in progress.
  struct OpenEpisode {
    uint64_t worker_episode = 0;
    uint64_t length = 0;
    double reward_sum = 0;
    std::vector<double> metric_sums, metric_max, metric_last;
    uint64_t standing = 0;
  };

  static double Rate(const std::deque<std::pair<absl::Time, uint64_t>>& samples, uint64_t total,
                     absl::Time now);
  static void Sample(std::deque<std::pair<absl::Time, uint64_t>>* samples, uint64_t total,
                     absl::Time now);

  const models::Task* task_;
  const absl::Time started_;
  // The task's success measure (models::Task::success()): the metric's
  // index, or -1 for none, and the threshold a state's value must exceed.
  int success_index_ = -1;
  double success_threshold_ = 0;
  uint64_t episodes_ = 0;
  std::deque<double> returns_;                 // Last 10 completed episodes.
  std::map<std::string, OpenEpisode> open_;    // Per actor, current episode.
  std::optional<polo::EpisodeRecord> last_episode_;
  std::deque<std::vector<double>> metrics_;     // Last 100 states.
  std::optional<learner::OccupancyGrid> grid_;  // Reward-free worlds only.
  uint64_t states_ = 0, targets_ = 0;
  std::deque<std::pair<absl::Time, uint64_t>> state_samples_, target_samples_;
  mutable CpuMeter cpu_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_PROGRESS_TRACKER_H_
