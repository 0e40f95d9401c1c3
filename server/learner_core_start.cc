// LearnerCore: its start, fresh or restored from a checkpoint. Building the
// parts (task, trainer, replay buffer, schedules, progress, ingest) is the
// same in both; a restore then puts back the checkpoint's counters, worker
// marks and progress before the current weights are published.
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "models/registry.h"
#include "config/run_config.h"
#include "server/checkpoint.h"
#include "server/learner_core.h"

namespace polo::server {
namespace {

// With `resume`, the checkpoint LATEST in `run_dir` names. nullopt without
// `resume`, and also when the run folder has no checkpoint yet: a learner
// that died before its first one has nothing to resume, so the run starts
// again (a supervisor restarting with --resume must not loop on an error;
// actors resend what they held, it was never durable).
absl::StatusOr<std::optional<LoadedCheckpoint>> CheckpointToResume(const std::string& run_dir,
                                                                   bool resume) {
  if (!resume) return std::nullopt;
  if (run_dir.empty()) {
    return absl::InvalidArgumentError("resume: needs a run folder (run_dir is empty)");
  }
  absl::StatusOr<LoadedCheckpoint> loaded = LoadLatestCheckpoint(run_dir);
  if (absl::IsNotFound(loaded.status())) {
    ABSL_RAW_LOG(INFO, "resume: no checkpoint in %s yet; starting the run fresh",
                 run_dir.c_str());
    return std::nullopt;
  }
  if (!loaded.ok()) return loaded.status();
  return std::optional<LoadedCheckpoint>(*std::move(loaded));
}

// The run continues with its own configuration: `config` becomes the
// checkpoint's. DataLoss if it does not parse, FailedPrecondition if it is
// another task's.
absl::Status AdoptCheckpointConfig(const LoadedCheckpoint& checkpoint, polo::RunConfig* config) {
  polo::RunConfig saved;
  if (!saved.ParseFromString(checkpoint.state.config())) {
    return absl::DataLossError(absl::StrCat(checkpoint.path, ": config does not parse"));
  }
  if (saved.task() != config->task()) {
    return absl::FailedPreconditionError(absl::StrCat("task: the checkpoint ", checkpoint.path,
                                                      " is for \"", saved.task(), "\", not \"",
                                                      config->task(), "\""));
  }
  *config = saved;
  return absl::OkStatus();
}

}  // namespace

LearnerCore::LearnerCore(LearnerOptions options) : options_(std::move(options)) {}

LearnerCore::~LearnerCore() { (void)Stop(); }

absl::StatusOr<std::unique_ptr<LearnerCore>> LearnerCore::Create(LearnerOptions options) {
  std::unique_ptr<LearnerCore> core(new LearnerCore(std::move(options)));
  if (absl::Status s = core->Initialise(); !s.ok()) return s;
  return core;
}

absl::Status LearnerCore::Initialise() {
  absl::MutexLock lock(&mu_);
  polo::RunConfig& config = options_.config;
  if (options_.checkpoint_period <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint_period: got ", absl::FormatDuration(options_.checkpoint_period),
        ", expected > 0"));
  }
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(config.task());
  if (!task.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("task: ", task.status().message()));
  }
  task_ = *std::move(task);
  absl::StatusOr<std::optional<LoadedCheckpoint>> checkpoint =
      CheckpointToResume(options_.run_dir, options_.resume);
  if (!checkpoint.ok()) return checkpoint.status();
  const LoadedCheckpoint* restore = checkpoint->has_value() ? &**checkpoint : nullptr;
  if (restore != nullptr) {
    if (absl::Status s = AdoptCheckpointConfig(*restore, &config); !s.ok()) return s;
    resumed_from_ = restore->path;
  }
  config::CompleteRunConfig(*task_, &config);
  if (absl::Status s = config::ValidateRunConfig(config, *task_); !s.ok()) return s;

  const learner::TrainerSettings trainer_settings = TrainerSettingsFromConfig(config);
  if (absl::Status s = learner::ValidateTrainerSettings(trainer_settings); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("training.", s.message()));
  }
  absl::StatusOr<std::unique_ptr<learner::Trainer>> trainer =
      restore ? learner::Trainer::Load(restore->trainer_path, trainer_settings)
              : learner::Trainer::Create(config.ensemble(), trainer_settings);
  if (!trainer.ok()) return trainer.status();
  if (absl::Status s = BuildParts(restore); !s.ok()) return s;
  const UpdateLoop::Stats restored = restore ? RestoreFrom(*restore) : UpdateLoop::Stats();
  if (!options_.run_dir.empty()) {
    absl::StatusOr<std::unique_ptr<RunFolder>> folder =
        RunFolder::Create(options_.run_dir, config, options_.tensorboard);
    if (!folder.ok()) return folder.status();
    run_folder_ = *std::move(folder);
  }
  ingest_ = std::make_unique<ExperienceIngest>(buffer_.get(), progress_.get(),
                                               run_folder_ != nullptr);
  if (restore) {
    ingest_->RestoreCounters(restore->state.agent_steps(), restore->state.duplicates_dropped());
  }
  last_checkpoint_time_ = absl::Now();
  return StartUpdateLoop(*std::move(trainer), restored);
}

absl::Status LearnerCore::BuildParts(const LoadedCheckpoint* checkpoint) {
  const polo::RunConfig& config = options_.config;
  absl::StatusOr<std::unique_ptr<learner::ReplayBuffer>> buffer =
      checkpoint ? learner::ReplayBuffer::FromProto(checkpoint->replay)
                 : learner::ReplayBuffer::Create(
                       static_cast<int64_t>(config.training().replay_capacity()),
                       config.physics_state_size(), config.num_features());
  if (!buffer.ok()) return buffer.status();
  buffer_ = *std::move(buffer);
  schedule_ = std::make_unique<UpdateSchedule>(
      config.training().update_every(),
      static_cast<int64_t>(config.training().min_replay_size()),
      config.mode() == polo::SYNCHRONOUS);
  started_ = absl::Now();
  instance_ = absl::StrCat(absl::ToUnixMicros(started_));
  // Job ids start at the start time in µs: a late result of an earlier
  // learner instance never matches a job of this one.
  scheduler_ = std::make_unique<TargetScheduler>(
      absl::Milliseconds(config.training().lease_ms()), config.ensemble().ensemble_size(),
      static_cast<uint64_t>(absl::ToUnixMicros(started_)));
  progress_ = std::make_unique<ProgressTracker>(task_.get(), started_);
  return absl::OkStatus();
}

UpdateLoop::Stats LearnerCore::RestoreFrom(const LoadedCheckpoint& checkpoint) {
  const polo::LearnerState& st = checkpoint.state;
  UpdateLoop::Stats restored;
  restored.updates = st.updates();
  restored.gradient_steps = st.gradient_steps();
  restored.value_loss = st.value_loss();
  restored.replay_draws = st.replay_draws();
  registry_.Restore({st.actor_sequences().begin(), st.actor_sequences().end()},
                    {st.worker_key_digests().begin(), st.worker_key_digests().end()},
                    st.next_worker_number(), st.next_actor_index());
  progress_->Restore(st.progress());
  last_checkpoint_ = checkpoint.path;
  // A checkpoint taken with an update due (e.g. abandoned on SIGTERM): in
  // SYNCHRONOUS mode acting stays paused until it has run.
  schedule_->Restore(st.steps_since_update(), buffer_->size());
  return restored;
}

absl::Status LearnerCore::StartUpdateLoop(std::unique_ptr<learner::Trainer> trainer,
                                          const UpdateLoop::Stats& restored) {
  UpdateLoop::Hooks hooks;
  hooks.target_workers_connected = [this] { return WorkersConnected(polo::TARGET_WORKER); };
  hooks.agent_steps = [this] { return AgentSteps(); };
  hooks.stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  update_loop_ = std::make_unique<UpdateLoop>(&options_.config, task_.get(), std::move(trainer),
                                              buffer_.get(), scheduler_.get(), &broadcaster_,
                                              std::move(hooks), restored);
  return update_loop_->Publish(ingest_->agent_steps());
}

}  // namespace polo::server
