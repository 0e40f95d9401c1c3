// LearnerCore: the training thread (updates, weights publication, metrics)
// and checkpoints.
#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "learner/ensemble_weights.h"
#include "learner/trainer.h"
#include "server/checkpoint.h"
#include "server/learner_core.h"
#include "learner/seed_schedule.h"

namespace polo::server {

void LearnerCore::TrainingLoop() {
  while (true) {
    bool update_due = false;
    bool checkpoint_due = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || checkpoint_requested_ > checkpoint_written_ ||
               schedule_->Due(buffer_->size(), absl::Now());
      };
      // Wake for the periodic checkpoint and for the retry of a failed
      // update (a retry time in the past is no reason to wake: that spun).
      absl::Time wake = last_checkpoint_time_ + options_.checkpoint_period;
      if (schedule_->retry_at() > absl::Now()) wake = std::min(wake, schedule_->retry_at());
      mu_.AwaitWithDeadline(absl::Condition(&ready), wake);
      if (stopping_) break;
      update_due = schedule_->Due(buffer_->size(), absl::Now());
      checkpoint_due = checkpoint_requested_ > checkpoint_written_ ||
                       (run_folder_ != nullptr &&
                        absl::Now() >= last_checkpoint_time_ + options_.checkpoint_period);
      if (update_due) schedule_->Begin();
    }
    if (checkpoint_due) (void)WriteCheckpointNow();
    if (!update_due) continue;
    const absl::Status status = RunUpdate();
    {
      absl::MutexLock lock(&mu_);
      // An abandoned update (stop) stays due, so that a checkpoint written
      // now makes the resumed learner run it; a failed one is retried after
      // a backoff, with acting still paused in SYNCHRONOUS mode.
      schedule_->End(status.ok(), absl::Now());
      if (status.ok()) {
        ++updates_;
        last_update_error_.clear();
      } else if (!stopping_) {
        last_update_error_ = status.ToString();
        ABSL_RAW_LOG(ERROR, "update failed (%d in a row; retried in %.0f s): %s",
                     schedule_->consecutive_failures(),
                     absl::ToDoubleSeconds(schedule_->retry_at() - absl::Now()),
                     status.ToString().c_str());
      }
    }
    if (status.ok()) AppendMetrics();
  }
}

int LearnerCore::TargetWorkersConnected() const {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  int connected = 0;
  for (const WorkerRecord& w : registry_.List()) {
    if (w.kind == polo::TARGET_WORKER && !w.unregistered &&
        now - w.last_seen < WorkerRegistry::kConnectedWindow) {
      ++connected;
    }
  }
  return connected;
}

absl::StatusOr<std::vector<uint64_t>> LearnerCore::QueueJobs(int num_states, int num_jobs,
                                                             uint64_t weights_version) {
  uint64_t draw;
  {
    absl::MutexLock lock(&mu_);
    draw = replay_draws_++;
  }
  absl::StatusOr<std::vector<learner::ReplayEntry>> sample =
      buffer_->Sample(num_states, learner::ReplayDrawSeed(options_.config.seed(), draw));
  if (!sample.ok()) return sample.status();
  num_jobs = std::clamp(num_jobs, 1, num_states);
  const polo::TargetConfig& targets = options_.config.targets();
  const size_t plan_size =
      targets.warm_start() ? static_cast<size_t>(targets.horizon()) * task_->model()->nu : 0;
  std::vector<uint64_t> ids;
  int next = 0;
  for (int j = 0; j < num_jobs; ++j) {
    // Near-equal shares: the first num_states % num_jobs jobs get one more.
    const int end = next + num_states / num_jobs + (j < num_states % num_jobs ? 1 : 0);
    TargetJobInput job;
    job.weights_version = weights_version;
    for (int i = next; i < end; ++i) {
      const learner::ReplayEntry& entry = (*sample)[i];
      job.state_ids.push_back(learner::TargetStateId(draw, i));
      job.physics_states.insert(job.physics_states.end(), entry.physics_state.begin(),
                                entry.physics_state.end());
      job.features.insert(job.features.end(), entry.features.begin(), entry.features.end());
      job.plans.insert(job.plans.end(), entry.plan.begin(), entry.plan.end());
    }
    // A job warm-starts only if every state has a plan (a buffer resumed
    // from before warm starts were on may hold states without).
    if (job.plans.size() != job.state_ids.size() * plan_size) job.plans.clear();
    ids.push_back(scheduler_->Add(std::move(job)));
    next = end;
  }
  return ids;
}

absl::StatusOr<LearnerCore::TargetSet> LearnerCore::AwaitTargets(
    absl::Span<const uint64_t> jobs) {
  const absl::Time start = absl::Now();
  const auto waited = absl::MakeCleanup([this, start] {
    absl::MutexLock lock(&mu_);
    update_targets_s_ += absl::ToDoubleSeconds(absl::Now() - start);
  });
  while (!scheduler_->WaitForJobs(jobs, absl::Now() + absl::Milliseconds(500))) {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("the learner is stopping");
  }
  TargetSet set;
  for (uint64_t id : jobs) {
    absl::StatusOr<CompletedJob> job = scheduler_->TakeCompleted(id);
    if (!job.ok()) return job.status();
    set.features.insert(set.features.end(), job->features.begin(), job->features.end());
    set.targets.insert(set.targets.end(), job->targets.begin(), job->targets.end());
  }
  return set;
}

absl::Status LearnerCore::TrainOn(const TargetSet& set, int steps, double* loss_sum) {
  for (int g = 0; g < steps; ++g) {
    // One Adam step on a minibatch of n drawn from the set (trainer.h).
    absl::StatusOr<learner::TrainStats> stats = trainer_->Train(set.features, set.targets);
    if (!stats.ok()) return stats.status();
    *loss_sum += stats->mean_loss;
    absl::MutexLock lock(&mu_);
    gradient_steps_ += stats->gradient_steps;
  }
  return absl::OkStatus();
}

uint64_t LearnerCore::AgentSteps() const {
  absl::MutexLock lock(&mu_);
  return agent_steps_;
}

absl::Status LearnerCore::RunUpdate() {
  const absl::Time start = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    update_targets_s_ = 0;
  }
  absl::Status status = RunUpdateRounds();
  absl::MutexLock lock(&mu_);
  if (status.ok()) {
    last_update_s_ = absl::ToDoubleSeconds(absl::Now() - start);
    last_update_targets_s_ = update_targets_s_;
  }
  return status;
}

absl::Status LearnerCore::RunUpdateRounds() {
  const polo::TrainingConfig& training = options_.config.training();
  const int rounds = training.gradient_steps();
  const int n = training.minibatch_size();
  double loss_sum = 0.0;
  if (training.target_states() > 0) {
    // Targets for M states once, with the weights at the update's start,
    // then G steps on minibatches drawn from them.
    absl::StatusOr<std::vector<uint64_t>> jobs =
        QueueJobs(static_cast<int>(training.target_states()), TargetWorkersConnected(),
                  trainer_->version());
    if (!jobs.ok()) return jobs.status();
    absl::StatusOr<TargetSet> set = AwaitTargets(*jobs);
    if (!set.ok()) {
      scheduler_->Clear();
      return set.status();
    }
    if (absl::Status s = TrainOn(*set, rounds, &loss_sum); !s.ok()) return s;
    if (absl::Status s = PublishWeights(AgentSteps()); !s.ok()) return s;
  } else if (options_.config.mode() == polo::SYNCHRONOUS) {
    for (int g = 0; g < rounds; ++g) {
      // One round's n states, split across the connected target workers.
      absl::StatusOr<std::vector<uint64_t>> jobs =
          QueueJobs(n, TargetWorkersConnected(), trainer_->version());
      if (!jobs.ok()) return jobs.status();
      absl::StatusOr<TargetSet> set = AwaitTargets(*jobs);
      if (!set.ok()) {
        scheduler_->Clear();
        return set.status();
      }
      if (absl::Status s = TrainOn(*set, 1, &loss_sum); !s.ok()) return s;
      // The next round's targets use these weights (Algorithm 1).
      if (absl::Status s = PublishWeights(AgentSteps()); !s.ok()) return s;
    }
  } else {
    // All G rounds' jobs at once: the pool computes them in parallel.
    const uint64_t version = trainer_->version();
    std::vector<uint64_t> jobs;
    for (int g = 0; g < rounds; ++g) {
      absl::StatusOr<std::vector<uint64_t>> job = QueueJobs(n, 1, version);
      if (!job.ok()) return job.status();
      jobs.push_back(job->front());
    }
    for (uint64_t job : jobs) {
      absl::StatusOr<TargetSet> set = AwaitTargets({job});
      if (!set.ok()) {
        scheduler_->Clear();
        return set.status();
      }
      if (absl::Status s = TrainOn(*set, 1, &loss_sum); !s.ok()) return s;
    }
    if (absl::Status s = PublishWeights(AgentSteps()); !s.ok()) return s;
  }
  absl::MutexLock lock(&mu_);
  value_loss_ = loss_sum / rounds;
  return absl::OkStatus();
}

void LearnerCore::AppendMetrics() {
  if (run_folder_ == nullptr) return;
  const polo::Progress progress = GetProgress();
  if (absl::Status s = run_folder_->AppendMetrics(progress); !s.ok()) {
    ABSL_RAW_LOG(WARNING, "%s", s.ToString().c_str());
  }
}

absl::StatusOr<polo::CheckpointResponse> LearnerCore::Checkpoint(absl::Time deadline) {
  if (run_folder_ == nullptr) {
    return absl::FailedPreconditionError("run_dir: the learner has no run folder to checkpoint to");
  }
  absl::MutexLock lock(&mu_);
  const uint64_t wanted = ++checkpoint_requested_;
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return checkpoint_written_ >= wanted || stopped_;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&done), deadline)) {
    return absl::DeadlineExceededError(
        "checkpoint: not written before the deadline (an update round may still be running)");
  }
  if (!last_checkpoint_status_.ok()) return last_checkpoint_status_;
  polo::CheckpointResponse response;
  response.set_path(last_checkpoint_);
  response.set_agent_steps(agent_steps_);
  SharedWeights latest = broadcaster_.Latest();
  response.set_weights_version(latest ? latest->version() : 0);
  return response;
}

absl::StatusOr<std::string> LearnerCore::WriteCheckpointNow() {
  if (run_folder_ == nullptr) return absl::FailedPreconditionError("run_dir: none");
  polo::LearnerState state;
  learner::ReplayBuffer::Snapshot replay;
  std::map<std::string, uint64_t> sequences;
  uint64_t requested;
  {
    // One consistent cut: the buffer and the sequence marks together.
    absl::MutexLock lock(&mu_);
    requested = checkpoint_requested_;
    state.set_config(options_.config.SerializeAsString());
    state.set_agent_steps(agent_steps_);
    state.set_updates(updates_);
    state.set_gradient_steps(gradient_steps_);
    state.set_steps_since_update(schedule_->steps_since_update());
    state.set_value_loss(value_loss_);
    state.set_duplicates_dropped(duplicates_);
    sequences = registry_.Sequences();
    state.mutable_actor_sequences()->insert(sequences.begin(), sequences.end());
    state.set_next_worker_number(registry_.next_worker_number());
    state.set_next_actor_index(registry_.next_actor_index());
    state.set_replay_draws(replay_draws_);
    progress_->Save(state.mutable_progress());
    state.set_written_unix_ms(absl::ToUnixMillis(absl::Now()));
    // Pointers only: the entries are serialised below, outside the lock
    // every RPC takes (a full humanoid buffer is tens of MB).
    replay = buffer_->TakeSnapshot();
  }
  // The trainer belongs to the training thread, which is either this thread
  // or joined (Stop), so it is not changing under us.
  absl::StatusOr<std::string> path = WriteCheckpoint(
      run_folder_->dir(), state, replay.ToProto(),
      [this](const std::string& p) -> absl::Status {
        if (absl::Status s = trainer_->Save(p); !s.ok()) return s;
        // The ensemble alone, beside the trainer's file, for
        // //experiments:mpc --value (paper Fig. 3 right).
        absl::StatusOr<polo::EnsembleWeights> weights = trainer_->ExportWeights();
        if (!weights.ok()) return weights.status();
        return learner::SaveEnsembleWeights(
            *weights, (std::filesystem::path(p).parent_path() / "weights.pb").string());
      });
  absl::MutexLock lock(&mu_);
  checkpoint_written_ = std::max(checkpoint_written_, requested);
  last_checkpoint_status_ = path.status();
  last_checkpoint_time_ = absl::Now();
  if (path.ok()) {
    last_checkpoint_ = *path;
    registry_.MarkDurable(sequences);
  } else {
    ABSL_RAW_LOG(ERROR, "checkpoint failed: %s", path.status().ToString().c_str());
  }
  return path;
}

}  // namespace polo::server
