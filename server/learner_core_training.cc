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
    const absl::Status status = update_loop_->RunUpdate();
    {
      absl::MutexLock lock(&mu_);
      // An abandoned update (stop) stays due, so that a checkpoint written
      // now makes the resumed learner run it; a failed one is retried after
      // a backoff, with acting still paused in SYNCHRONOUS mode.
      if (!status.ok() && stopping_) {
        schedule_->Abandon();
      } else {
        schedule_->End(status.ok(), absl::Now());
      }
      if (status.ok()) {
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

int LearnerCore::WorkersConnected(polo::WorkerKind kind) const {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  return registry_.ConnectedCount(kind, now);
}

uint64_t LearnerCore::AgentSteps() const {
  absl::MutexLock lock(&mu_);
  return ingest_->agent_steps();
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
  response.set_agent_steps(ingest_->agent_steps());
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
  // The update loop's counters are the training thread's, which is this
  // thread or joined: they do not move during the cut.
  const UpdateLoop::Stats updates = update_loop_->stats();
  {
    // One consistent cut: the buffer and the sequence marks together.
    absl::MutexLock lock(&mu_);
    requested = checkpoint_requested_;
    state.set_config(options_.config.SerializeAsString());
    state.set_agent_steps(ingest_->agent_steps());
    state.set_updates(updates.updates);
    state.set_gradient_steps(updates.gradient_steps);
    state.set_steps_since_update(schedule_->steps_since_update());
    state.set_value_loss(updates.value_loss);
    state.set_duplicates_dropped(ingest_->duplicates());
    sequences = registry_.Sequences();
    state.mutable_actor_sequences()->insert(sequences.begin(), sequences.end());
    state.set_next_worker_number(registry_.next_worker_number());
    state.set_next_actor_index(registry_.next_actor_index());
    const std::map<std::string, std::string> digests = registry_.KeyDigests();
    state.mutable_worker_key_digests()->insert(digests.begin(), digests.end());
    state.set_replay_draws(updates.replay_draws);
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
        const learner::Trainer& trainer = update_loop_->trainer();
        if (absl::Status s = trainer.Save(p); !s.ok()) return s;
        // The ensemble alone, beside the trainer's file, for
        // //experiments:mpc --value (paper Fig. 3 right).
        absl::StatusOr<polo::EnsembleWeights> weights = trainer.ExportWeights();
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
