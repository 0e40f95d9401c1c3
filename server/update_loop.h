// One update of the value ensemble, as the learner's training thread runs
// it (docs/design.md, "Service"): replay draws, their target jobs on the
// target-worker pool, the Adam steps and the weights broadcast.
//
// TrainingConfig (proto/polo.proto) chooses the rounds:
//  - target_states M > 0: targets for M states once, with the weights at
//    the update's start, then G Adam steps on minibatches drawn from them;
//  - otherwise, SYNCHRONOUS (Algorithm 1): G rounds one after another, each
//    n states split across the connected target workers, round g's targets
//    computed with the weights after round g - 1 (published after every
//    round);
//  - otherwise, ASYNCHRONOUS: the G rounds' jobs queued at once with the
//    weights at the update's start, weights published at the end.
// Replay draws and target-state ids follow learner/seed_schedule.h.
//
// The update loop owns the trainer and its statistics; the statistics have
// a lock of their own, so that status RPCs never wait on the learner's
// ingest lock or on an update. Thread-compatible apart from stats() and
// Publish's broadcast: one thread (the training thread, or the learner's
// constructor and Stop after it joined) calls the rest.
#ifndef POLO_SERVER_UPDATE_LOOP_H_
#define POLO_SERVER_UPDATE_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "learner/replay_buffer.h"
#include "learner/trainer.h"
#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/target_scheduler.h"
#include "server/weights_broadcaster.h"
#include "util/metrics.h"

namespace polo::server {

// The trainer's settings for a run: one Adam step per target job, the
// seed schedule's trainer seed, one LibTorch thread.
learner::TrainerSettings TrainerSettingsFromConfig(const polo::RunConfig& config);

class UpdateLoop {
 public:
  // What the update loop needs of the learner around it, each safe to call
  // from the training thread.
  struct Hooks {
    // Target workers connected now (an update's jobs are split by it).
    std::function<int()> target_workers_connected;
    // Accepted agent steps now (stamped on published weights: κ schedule).
    std::function<uint64_t()> agent_steps;
    // True once the learner is stopping: waiting for targets is abandoned.
    std::function<bool()> stopping;
  };

  struct Stats {
    uint64_t updates = 0;         // Completed.
    uint64_t gradient_steps = 0;  // Adam steps in all.
    uint64_t replay_draws = 0;    // Replay samples drawn (seed_schedule.h).
    double value_loss = 0;        // Mean loss of the last update.
    double last_update_s = 0;     // Wall time of the last update.
    double last_update_targets_s = 0;  // Of which waiting for targets.
    int64_t published_unix_us = 0;     // When the newest weights went out.
    // Wall time of each completed update in this process, seconds.
    util::HistogramData update_seconds{{0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100}};
  };

  // `config` completed and valid; `restored` from a checkpoint (or zeros).
  // Everything pointed to must outlive the loop.
  UpdateLoop(const polo::RunConfig* config, const models::Task* task,
             std::unique_ptr<learner::Trainer> trainer, learner::ReplayBuffer* buffer,
             TargetScheduler* scheduler, WeightsBroadcaster* broadcaster, Hooks hooks,
             Stats restored);

  // One update, timed. Cancelled if the learner stops while it waits for
  // targets; then the queued jobs are dropped.
  absl::Status RunUpdate() ABSL_LOCKS_EXCLUDED(stats_mu_);

  // Broadcasts the trainer's weights stamped with `agent_steps`.
  absl::Status Publish(uint64_t agent_steps) ABSL_LOCKS_EXCLUDED(stats_mu_);

  Stats stats() const ABSL_LOCKS_EXCLUDED(stats_mu_);

  // For checkpoints, from the thread that runs updates (or after it ended).
  const learner::Trainer& trainer() const { return *trainer_; }

 private:
  // Features and targets of completed jobs, concatenated in job order.
  struct TargetSet {
    std::vector<double> features;  // states × num_features.
    std::vector<double> targets;   // states × K.
  };
  absl::Status RunRounds(double* loss_sum) ABSL_LOCKS_EXCLUDED(stats_mu_);
  // One replay draw of num_states states as num_jobs (clamped to [1,
  // num_states]) jobs of near-equal size, for the current weights.
  absl::StatusOr<std::vector<uint64_t>> QueueJobs(int num_states, int num_jobs)
      ABSL_LOCKS_EXCLUDED(stats_mu_);
  // Waits for every job (expired leases are reassigned meanwhile).
  absl::StatusOr<TargetSet> AwaitTargets(absl::Span<const uint64_t> jobs)
      ABSL_LOCKS_EXCLUDED(stats_mu_);
  // `steps` Adam steps on minibatches drawn from `set`; adds their losses.
  absl::Status TrainOn(const TargetSet& set, int steps, double* loss_sum)
      ABSL_LOCKS_EXCLUDED(stats_mu_);

  const polo::RunConfig& config_;
  const models::Task& task_;
  const std::unique_ptr<learner::Trainer> trainer_;
  learner::ReplayBuffer& buffer_;
  TargetScheduler& scheduler_;
  WeightsBroadcaster& broadcaster_;
  const Hooks hooks_;
  // Of the running update, for last_update_targets_s.
  double targets_s_ = 0;

  mutable absl::Mutex stats_mu_;
  Stats stats_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace polo::server

#endif  // POLO_SERVER_UPDATE_LOOP_H_
