// LearnerCore: the training thread (updates, weights publication, metrics)
// and checkpoints.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "learner/ensemble_weights.h"
#include "learner/random.h"
#include "learner/trainer.h"
#include "server/checkpoint.h"
#include "server/learner_core.h"

namespace polo::server {

void LearnerCore::TrainingLoop() {
  const polo::TrainingConfig& training = options_.config.training();
  const uint64_t update_every = training.update_every();
  const int64_t min_replay = static_cast<int64_t>(training.min_replay_size());
  while (true) {
    bool update_due = false;
    bool checkpoint_due = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || checkpoint_requested_ > checkpoint_written_ ||
               (steps_since_update_ >= update_every && buffer_->size() >= min_replay);
      };
      mu_.AwaitWithDeadline(absl::Condition(&ready),
                            last_checkpoint_time_ + options_.checkpoint_period);
      if (stopping_) break;
      update_due = steps_since_update_ >= update_every && buffer_->size() >= min_replay;
      checkpoint_due = checkpoint_requested_ > checkpoint_written_ ||
                       (run_folder_ != nullptr &&
                        absl::Now() >= last_checkpoint_time_ + options_.checkpoint_period);
      if (update_due) {
        update_running_ = true;
        // Steps that arrive during the update (ASYNCHRONOUS) count towards
        // the next one.
        steps_since_update_ = 0;
      }
    }
    if (checkpoint_due) (void)WriteCheckpointNow();
    if (!update_due) continue;
    const absl::Status status = RunUpdate();
    {
      absl::MutexLock lock(&mu_);
      update_running_ = false;
      paused_ = false;
      if (status.ok()) ++updates_;
      // An abandoned update (stop) stays due, so that a checkpoint written
      // now makes the resumed learner run it.
      if (!status.ok()) steps_since_update_ += update_every;
      if (!status.ok() && !stopping_) {
        ABSL_RAW_LOG(ERROR, "update failed: %s", status.ToString().c_str());
      }
    }
    if (status.ok()) AppendMetrics();
  }
  absl::MutexLock lock(&mu_);
  update_running_ = false;
}

absl::StatusOr<uint64_t> LearnerCore::QueueJob(uint64_t weights_version) {
  const int n = options_.config.training().minibatch_size();
  uint64_t seed;
  {
    absl::MutexLock lock(&mu_);
    seed = rng_();
  }
  absl::StatusOr<std::vector<learner::ReplayEntry>> sample = buffer_->Sample(n, seed);
  if (!sample.ok()) return sample.status();
  TargetJobInput job;
  job.weights_version = weights_version;
  for (int i = 0; i < n; ++i) {
    const learner::ReplayEntry& entry = (*sample)[i];
    job.state_ids.push_back(learner::MixSeed(seed, i));
    job.physics_states.insert(job.physics_states.end(), entry.physics_state.begin(),
                              entry.physics_state.end());
    job.features.insert(job.features.end(), entry.features.begin(), entry.features.end());
  }
  return scheduler_->Add(std::move(job));
}

absl::Status LearnerCore::TrainOnJob(uint64_t job_id, double* loss) {
  const uint64_t ids[] = {job_id};
  while (!scheduler_->WaitForJobs(ids, absl::Now() + absl::Milliseconds(500))) {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("the learner is stopping");
  }
  absl::StatusOr<CompletedJob> job = scheduler_->TakeCompleted(job_id);
  if (!job.ok()) return job.status();
  absl::StatusOr<learner::TrainStats> stats = trainer_->Train(job->features, job->targets);
  if (!stats.ok()) return stats.status();
  *loss = stats->mean_loss;
  absl::MutexLock lock(&mu_);
  gradient_steps_ += stats->gradient_steps;
  return absl::OkStatus();
}

absl::Status LearnerCore::RunUpdate() {
  const int rounds = options_.config.training().gradient_steps();
  double loss_sum = 0.0;
  if (options_.config.mode() == polo::SYNCHRONOUS) {
    for (int g = 0; g < rounds; ++g) {
      absl::StatusOr<uint64_t> job = QueueJob(trainer_->version());
      if (!job.ok()) return job.status();
      double loss = 0.0;
      if (absl::Status s = TrainOnJob(*job, &loss); !s.ok()) return s;
      loss_sum += loss;
      // The next round's targets use these weights (Algorithm 1).
      if (absl::Status s = PublishWeights(); !s.ok()) return s;
    }
  } else {
    const uint64_t version = trainer_->version();
    std::vector<uint64_t> jobs;
    for (int g = 0; g < rounds; ++g) {
      absl::StatusOr<uint64_t> job = QueueJob(version);
      if (!job.ok()) return job.status();
      jobs.push_back(*job);
    }
    for (size_t g = 0; g < jobs.size(); ++g) {
      double loss = 0.0;
      if (absl::Status s = TrainOnJob(jobs[g], &loss); !s.ok()) {
        scheduler_->Clear();
        return s;
      }
      loss_sum += loss;
    }
    if (absl::Status s = PublishWeights(); !s.ok()) return s;
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
  polo::ReplayBufferSnapshot replay;
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
    state.set_steps_since_update(steps_since_update_);
    state.set_value_loss(value_loss_);
    state.set_duplicates_dropped(duplicates_);
    sequences = registry_.Sequences();
    state.mutable_actor_sequences()->insert(sequences.begin(), sequences.end());
    state.set_next_worker_number(registry_.next_worker_number());
    std::ostringstream rng_state;
    rng_state << rng_;
    state.set_rng_state(rng_state.str());
    progress_->Save(state.mutable_progress());
    state.set_written_unix_ms(absl::ToUnixMillis(absl::Now()));
    replay = buffer_->ToProto();
  }
  // The trainer belongs to the training thread, which is either this thread
  // or joined (Stop), so it is not changing under us.
  absl::StatusOr<std::string> path = WriteCheckpoint(
      run_folder_->dir(), state, replay,
      [this](const std::string& p) -> absl::Status {
        if (absl::Status s = trainer_->Save(p); !s.ok()) return s;
        // The ensemble alone, beside the trainer's file, for
        // //planner:mpc --value (paper Fig. 3 right).
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
