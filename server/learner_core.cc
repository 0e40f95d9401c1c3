// LearnerCore: construction and the request-facing methods. The training
// thread and checkpoints are in learner_core_training.cc.
#include "server/learner_core.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "learner/seed_schedule.h"
#include "learner/trainer.h"
#include "learner/validation.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "rpc/channel.h"
#include "rpc/request_bounds.h"
#include "rpc/run_config.h"
#include "server/checkpoint.h"
#include "util/process_memory.h"

namespace polo::server {

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

  std::optional<LoadedCheckpoint> checkpoint;
  if (options_.resume) {
    if (options_.run_dir.empty()) {
      return absl::InvalidArgumentError("resume: needs a run folder (run_dir is empty)");
    }
    absl::StatusOr<LoadedCheckpoint> loaded = LoadLatestCheckpoint(options_.run_dir);
    if (absl::IsNotFound(loaded.status())) {
      // Died before its first checkpoint: nothing to resume, so the run
      // starts again (a supervisor restarting with --resume must not loop
      // on an error). Actors resend what they held: it was never durable.
      ABSL_RAW_LOG(INFO, "resume: no checkpoint in %s yet; starting the run fresh",
                   options_.run_dir.c_str());
      options_.resume = false;
    } else if (!loaded.ok()) {
      return loaded.status();
    } else {
      checkpoint = *std::move(loaded);
    }
  }
  if (checkpoint) {
    polo::RunConfig saved;
    if (!saved.ParseFromString(checkpoint->state.config())) {
      return absl::DataLossError(absl::StrCat(checkpoint->path, ": config does not parse"));
    }
    if (saved.task() != config.task()) {
      return absl::FailedPreconditionError(
          absl::StrCat("task: the checkpoint ", checkpoint->path, " is for \"",
                       saved.task(), "\", not \"", config.task(), "\""));
    }
    // The run continues with its own configuration.
    config = saved;
    resumed_from_ = checkpoint->path;
  }
  rpc::CompleteRunConfig(*task_, &config);
  if (absl::Status s = rpc::ValidateRunConfig(config, *task_); !s.ok()) return s;

  const learner::TrainerSettings trainer_settings = TrainerSettingsFromConfig(config);
  if (absl::Status s = learner::ValidateTrainerSettings(trainer_settings); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("training.", s.message()));
  }
  absl::StatusOr<std::unique_ptr<learner::Trainer>> trainer =
      checkpoint ? learner::Trainer::Load(checkpoint->trainer_path, trainer_settings)
                 : learner::Trainer::Create(config.ensemble(), trainer_settings);
  if (!trainer.ok()) return trainer.status();

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
  UpdateLoop::Stats restored;

  if (checkpoint) {
    const polo::LearnerState& st = checkpoint->state;
    agent_steps_ = st.agent_steps();
    restored.updates = st.updates();
    restored.gradient_steps = st.gradient_steps();
    restored.value_loss = st.value_loss();
    restored.replay_draws = st.replay_draws();
    duplicates_ = st.duplicates_dropped();
    registry_.Restore({st.actor_sequences().begin(), st.actor_sequences().end()},
                      {st.worker_key_digests().begin(), st.worker_key_digests().end()},
                      st.next_worker_number(), st.next_actor_index());
    progress_->Restore(st.progress());
    last_checkpoint_ = checkpoint->path;
    // A checkpoint taken with an update due (e.g. abandoned on SIGTERM):
    // in SYNCHRONOUS mode acting stays paused until it has run.
    schedule_->Restore(st.steps_since_update(), buffer_->size());
  }
  if (!options_.run_dir.empty()) {
    absl::StatusOr<std::unique_ptr<RunFolder>> folder = RunFolder::Create(options_.run_dir, config);
    if (!folder.ok()) return folder.status();
    run_folder_ = *std::move(folder);
  }
  last_checkpoint_time_ = absl::Now();
  UpdateLoop::Hooks hooks;
  hooks.target_workers_connected = [this] { return WorkersConnected(polo::TARGET_WORKER); };
  hooks.agent_steps = [this] { return AgentSteps(); };
  hooks.stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  update_loop_ = std::make_unique<UpdateLoop>(&options_.config, task_.get(), *std::move(trainer),
                                              buffer_.get(), scheduler_.get(), &broadcaster_,
                                              std::move(hooks), restored);
  return update_loop_->Publish(agent_steps_);
}

void LearnerCore::Start() {
  absl::MutexLock lock(&mu_);
  if (training_thread_.joinable() || stopping_) return;
  training_thread_ = std::thread([this] { TrainingLoop(); });
}

absl::Status LearnerCore::Stop() {
  // One caller stops; concurrent and later callers wait for it and get its
  // result.
  absl::MutexLock stop_lock(&stop_mu_);
  std::thread training;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return stop_status_;
    stopping_ = true;
    training = std::move(training_thread_);  // Start wrote it under mu_.
  }
  if (scheduler_ != nullptr) scheduler_->Close();
  if (training.joinable()) training.join();
  absl::Status status;
  if (run_folder_ != nullptr) status = WriteCheckpointNow().status();
  broadcaster_.Close();
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  stop_status_ = status;
  return status;
}

bool LearnerCore::CompleteLocked() const {
  const uint64_t total = options_.config.total_steps();
  if (total == 0 || agent_steps_ < total) return false;
  return !schedule_->pending(buffer_->size());
}

bool LearnerCore::WaitUntilComplete(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || CompleteLocked(); };
  mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
  return CompleteLocked();
}

absl::StatusOr<polo::RegisterResponse> LearnerCore::Register(const polo::RegisterRequest& request) {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  if (!request.expected_task().empty() && request.expected_task() != options_.config.task()) {
    return absl::FailedPreconditionError(absl::StrCat("expected_task: is ",
                                                      rpc::Quote(request.expected_task()),
                                                      ", the learner trains \"",
                                                      options_.config.task(), "\""));
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<WorkerRegistry::Registration> registration =
      registry_.Register(request.kind(), request.worker_id(), request.worker_key(),
                         request.description(), request.threads(), absl::Now());
  if (!registration.ok()) return registration.status();
  const WorkerRecord* worker = registration->worker;
  polo::RegisterResponse response;
  response.set_worker_id(worker->id);
  response.set_worker_key(registration->key);
  *response.mutable_config() = options_.config;
  response.set_next_sequence(worker->next_sequence);
  SharedWeights latest = broadcaster_.Latest();
  response.set_weights_version(latest ? latest->version() : 0);
  response.set_learner_instance(instance_);
  response.set_actor_seed(learner::ActorSeed(options_.config.seed(), worker->actor_index));
  return response;
}

absl::Status LearnerCore::Unregister(const polo::UnregisterRequest& request, bool any_worker) {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = registry_.Unregister(request.worker_id(), request.worker_key(),
                                              any_worker, absl::Now());
        !s.ok()) {
      return s;
    }
  }
  scheduler_->ReleaseWorker(request.worker_id());
  return absl::OkStatus();
}

models::UniqueMjData LearnerCore::TakeScratchData() {
  {
    absl::MutexLock lock(&scratch_mu_);
    if (!scratch_data_.empty()) {
      models::UniqueMjData data = std::move(scratch_data_.back());
      scratch_data_.pop_back();
      return data;
    }
  }
  return models::UniqueMjData(mj_makeData(task_->model()));
}

void LearnerCore::ReturnScratchData(models::UniqueMjData data) {
  absl::MutexLock lock(&scratch_mu_);
  scratch_data_.push_back(std::move(data));
}

absl::Status LearnerCore::ValidateState(const polo::VisitedState& state, int i) const {
  const std::string prefix = absl::StrCat("states[", i, "].");
  if (absl::Status s = learner::CheckSizeAndFinite(
          state.physics_state(), options_.config.physics_state_size(), prefix + "physics_state");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = learner::CheckSizeAndFinite(state.features(), options_.config.num_features(),
                                                   prefix + "features");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = learner::CheckSizeAndFinite(
          state.metrics(), task_->metric_names().size(), prefix + "metrics");
      !s.ok()) {
    return s;
  }
  if (!std::isfinite(state.reward())) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "reward: is ", state.reward(), ", expected a finite value"));
  }
  // With warm-started targets every state carries targets.horizon × nu plan
  // controls; without, none.
  const polo::TargetConfig& targets = options_.config.targets();
  const size_t plan_size =
      targets.warm_start() ? static_cast<size_t>(targets.horizon()) * task_->model()->nu : 0;
  if (absl::Status s = learner::CheckSizeAndFinite(state.plan(), plan_size, prefix + "plan");
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<polo::ExperienceAck> LearnerCore::SubmitExperience(
    const polo::ExperienceBatch& batch) {
  if (absl::Status s = rpc::CheckBounds(batch); !s.ok()) return s;
  // Validation before the lock and before any change: a batch is all or
  // nothing.
  // weights_version is provenance only and not checked: after a resume from
  // an older checkpoint, actors legitimately hold states planned with
  // versions this instance has not reached yet.
  const uint64_t latest_version = broadcaster_.Latest() ? broadcaster_.Latest()->version() : 0;
  for (int i = 0; i < batch.states_size(); ++i) {
    if (absl::Status s = ValidateState(batch.states(i), i); !s.ok()) return s;
  }
  // Physics for the coverage grid (point-mass worlds) before the lock.
  std::vector<std::optional<std::array<double, 2>>> planar(batch.states_size());
  if (task_->coverage_grid() != nullptr) {
    models::UniqueMjData data = TakeScratchData();
    planar = PlanarPositions(*task_, batch, data.get());
    ReturnScratchData(std::move(data));
  }
  const absl::Time now = absl::Now();
  absl::ReleasableMutexLock lock(&mu_);
  absl::StatusOr<WorkerRecord*> found = registry_.Touch(batch.worker_id(), batch.worker_key(), now);
  if (!found.ok()) return found.status();
  WorkerRecord* worker = *found;
  if (worker->kind != polo::ACTOR) {
    return absl::FailedPreconditionError(
        absl::StrCat("worker_id: ", rpc::Quote(worker->id), " is not an actor"));
  }
  if (batch.first_sequence() > worker->next_sequence) {
    return absl::FailedPreconditionError(absl::StrCat(
        "first_sequence: is ", batch.first_sequence(), ", expected <= ", worker->next_sequence,
        " (states ", worker->next_sequence, "..", batch.first_sequence() - 1, " are missing)"));
  }
  const uint64_t skip =
      std::min<uint64_t>(worker->next_sequence - batch.first_sequence(), batch.states_size());
  uint64_t take = batch.states_size() - skip;
  const polo::RunConfig& config = options_.config;
  take = schedule_->Admit(take);
  if (config.total_steps() > 0) {
    take = std::min<uint64_t>(take, config.total_steps() - std::min(agent_steps_, config.total_steps()));
  }
  bool episodes_ended = false;
  for (uint64_t j = skip; j < skip + take; ++j) {
    const polo::VisitedState& state = batch.states(static_cast<int>(j));
    learner::ReplayEntry entry;
    entry.physics_state.assign(state.physics_state().begin(), state.physics_state().end());
    entry.features.assign(state.features().begin(), state.features().end());
    entry.plan.assign(state.plan().begin(), state.plan().end());
    entry.provenance = {worker->id, state.episode(), state.step(), state.weights_version()};
    // Validated above; Add cannot fail on sizes or values.
    if (absl::Status s = buffer_->Add(std::move(entry)); !s.ok()) return s;
    if (run_folder_ != nullptr) recorder_.Add(worker->id, state);
    std::optional<polo::EpisodeRecord> finished =
        progress_->AddState(worker->id, state, planar[j], agent_steps_ + (j - skip) + 1, now);
    if (finished && run_folder_ != nullptr) {
      if (std::optional<std::vector<double>> states = recorder_.Finish(worker->id)) {
        pending_recordings_.push_back({finished->episode(), *std::move(states)});
      }
      pending_episodes_.push_back(*std::move(finished));
      episodes_ended = true;
    }
  }
  duplicates_ += skip;
  worker->next_sequence += take;
  agent_steps_ += take;
  schedule_->Accepted(take, buffer_->size());
  WorkerRegistry::AddItems(worker, take, now);
  progress_->AddStates(take, now);
  polo::ExperienceAck ack;
  ack.set_next_sequence(worker->next_sequence);
  ack.set_durable_sequence(worker->durable_sequence);
  ack.set_accepted(static_cast<uint32_t>(take));
  ack.set_duplicates(static_cast<uint32_t>(skip));
  ack.set_acting_paused(schedule_->paused());
  ack.set_weights_version(latest_version);
  ack.set_run_complete(config.total_steps() > 0 && agent_steps_ >= config.total_steps());
  lock.Release();
  if (episodes_ended) WritePendingEpisodes();
  return ack;
}

void LearnerCore::WritePendingEpisodes() {
  absl::MutexLock file_lock(&episodes_file_mu_);
  std::vector<polo::EpisodeRecord> records;
  std::vector<Recording> recordings;
  {
    absl::MutexLock lock(&mu_);
    records.swap(pending_episodes_);
    recordings.swap(pending_recordings_);
  }
  for (const polo::EpisodeRecord& record : records) {
    if (absl::Status s = run_folder_->AppendEpisode(record); !s.ok()) {
      ABSL_RAW_LOG(WARNING, "%s", s.ToString().c_str());
    }
  }
  for (Recording& recording : recordings) {
    models::StateFile file;
    file.task = options_.config.task();
    file.state_size = static_cast<int>(options_.config.physics_state_size());
    file.states = std::move(recording.states);
    if (absl::Status s = run_folder_->WriteEpisodeStates(recording.episode, file); !s.ok()) {
      ABSL_RAW_LOG(WARNING, "%s", s.ToString().c_str());
    }
  }
}

absl::StatusOr<polo::ActingState> LearnerCore::WaitForActing(
    const polo::WaitForActingRequest& request) {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  const absl::Duration wait =
      std::clamp(absl::Milliseconds(request.wait_ms()), absl::ZeroDuration(), absl::Seconds(10));
  absl::MutexLock lock(&mu_);
  if (absl::StatusOr<WorkerRecord*> w =
          registry_.Touch(request.worker_id(), request.worker_key(), absl::Now());
      !w.ok()) {
    return w.status();
  }
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !schedule_->paused(); };
  mu_.AwaitWithTimeout(absl::Condition(&ready), wait);
  polo::ActingState state;
  state.set_acting_paused(schedule_->paused());
  SharedWeights latest = broadcaster_.Latest();
  state.set_weights_version(latest ? latest->version() : 0);
  state.set_run_complete(options_.config.total_steps() > 0 &&
                         agent_steps_ >= options_.config.total_steps());
  return state;
}

absl::StatusOr<std::optional<uint64_t>> LearnerCore::SubscriptionStart(
    const polo::SubscribeWeightsRequest& request) const {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  if (!request.has_version()) return std::nullopt;
  const SharedWeights latest = broadcaster_.Latest();
  if (latest != nullptr && latest->version() < request.version()) return std::nullopt;
  return request.version();
}

absl::StatusOr<SharedWeights> LearnerCore::GetWeights(const polo::GetWeightsRequest& request) const {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  if (request.latest()) {
    SharedWeights latest = broadcaster_.Latest();
    if (latest == nullptr) return absl::UnavailableError("no weights published yet");
    return latest;
  }
  return broadcaster_.Get(request.version());
}

absl::StatusOr<polo::TargetJob> LearnerCore::LeaseTargetJob(
    const polo::LeaseTargetJobRequest& request) {
  if (absl::Status s = rpc::CheckBounds(request); !s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<WorkerRecord*> w =
        registry_.Touch(request.worker_id(), request.worker_key(), absl::Now());
    if (!w.ok()) return w.status();
    if ((*w)->kind != polo::TARGET_WORKER) {
      return absl::FailedPreconditionError(
          absl::StrCat("worker_id: ", rpc::Quote(request.worker_id()), " is not a target worker"));
    }
  }
  const absl::Duration wait =
      std::clamp(absl::Milliseconds(request.wait_ms()), absl::ZeroDuration(), absl::Seconds(5));
  std::optional<LeasedJob> job = scheduler_->Lease(request.worker_id(), absl::Now() + wait);
  polo::TargetJob out;
  if (!job) return out;
  out.set_job_id(job->job_id);
  out.set_weights_version(job->weights_version);
  out.set_lease_ms(absl::ToInt64Milliseconds(job->lease));
  out.mutable_state_ids()->Add(job->state_ids.begin(), job->state_ids.end());
  out.mutable_physics_states()->Add(job->physics_states.begin(), job->physics_states.end());
  out.mutable_plans()->Add(job->plans.begin(), job->plans.end());
  return out;
}

absl::StatusOr<polo::SubmitTargetsResponse> LearnerCore::SubmitTargets(
    const polo::TargetResult& result) {
  if (absl::Status s = rpc::CheckBounds(result); !s.ok()) return s;
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<WorkerRecord*> w = registry_.Touch(result.worker_id(), result.worker_key(), now);
    if (!w.ok()) return w.status();
    if ((*w)->kind != polo::TARGET_WORKER) {
      return absl::FailedPreconditionError(
          absl::StrCat("worker_id: ", rpc::Quote(result.worker_id()), " is not a target worker"));
    }
  }
  absl::StatusOr<bool> accepted = scheduler_->Complete(result.worker_id(), result.job_id(),
                                                       result.weights_version(), result.targets());
  if (!accepted.ok()) return accepted.status();
  polo::SubmitTargetsResponse response;
  response.set_accepted(*accepted);
  if (*accepted) {
    const uint64_t states = result.targets_size() / options_.config.ensemble().ensemble_size();
    absl::MutexLock lock(&mu_);
    absl::StatusOr<WorkerRecord*> w = registry_.Touch(result.worker_id(), result.worker_key(), now);
    if (w.ok()) WorkerRegistry::AddItems(*w, states, now);
    progress_->AddTargets(states, now);
  } else {
    response.set_reason("dropped: the lease had expired and the job was reassigned or completed");
  }
  return response;
}

polo::RunStatus LearnerCore::GetStatus() const {
  absl::MutexLock lock(&mu_);
  polo::RunStatus status;
  *status.mutable_config() = options_.config;
  status.set_run_dir(options_.run_dir);
  status.set_learner_instance(instance_);
  status.set_started_unix_ms(absl::ToUnixMillis(started_));
  status.set_phase(CompleteLocked() ? "complete" : schedule_->paused() ? "updating" : "acting");
  status.set_resumed_from(resumed_from_);
  status.set_last_checkpoint(last_checkpoint_);
  if (!last_checkpoint_.empty()) {
    status.set_last_checkpoint_unix_ms(absl::ToUnixMillis(last_checkpoint_time_));
  }
  status.set_listen_address(options_.listen_address);
  return status;
}

polo::Progress LearnerCore::GetProgress() const {
  const absl::Time now = absl::Now();
  const SchedulerCounters jobs = scheduler_->counters();
  const UpdateLoop::Stats updates = update_loop_->stats();
  absl::MutexLock lock(&mu_);
  polo::Progress p;
  p.set_agent_steps(agent_steps_);
  progress_->Fill(now, &p);
  p.set_value_loss(updates.value_loss);
  p.set_last_update_s(updates.last_update_s);
  p.set_last_update_targets_s(updates.last_update_targets_s);
  p.set_update_failures(static_cast<uint32_t>(schedule_->consecutive_failures()));
  p.set_last_update_error(last_update_error_);
  SharedWeights latest = broadcaster_.Latest();
  p.set_weights_version(latest ? latest->version() : 0);
  p.set_updates(updates.updates);
  p.set_gradient_steps(updates.gradient_steps);
  p.set_replay_size(buffer_->size());
  p.set_resident_bytes(util::ResidentBytes());
  p.set_peak_resident_bytes(util::PeakResidentBytes());
  p.set_duplicates_dropped(duplicates_);
  p.set_jobs_queued(jobs.queued);
  p.set_jobs_leased(jobs.leased);
  p.set_jobs_reassigned(jobs.reassigned);
  p.set_late_results_dropped(jobs.late_dropped);
  p.set_uptime_s(absl::ToDoubleSeconds(now - started_));
  p.set_weights_published_unix_us(updates.published_unix_us);
  return p;
}

int LearnerCore::ActorsToTellOfCompletion() const {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  return static_cast<int>(registry_.restored_actors_not_back()) +
         registry_.ConnectedCount(polo::ACTOR, now);
}

polo::ListWorkersResponse LearnerCore::ListWorkers() const {
  const absl::Time now = absl::Now();
  std::vector<WorkerRecord> workers;
  {
    absl::MutexLock lock(&mu_);
    workers = registry_.List();
  }
  polo::ListWorkersResponse response;
  for (const WorkerRecord& w : workers) {
    polo::WorkerInfo* info = response.add_workers();
    info->set_worker_id(w.id);
    info->set_kind(w.kind);
    info->set_description(w.description);
    info->set_threads(w.threads);
    info->set_registered_unix_ms(absl::ToUnixMillis(w.registered));
    info->set_last_seen_unix_ms(absl::ToUnixMillis(w.last_seen));
    info->set_connected(WorkerRegistry::Connected(w, now));
    info->set_items(w.items);
    info->set_items_per_second(WorkerRegistry::Rate(w, now));
    info->set_jobs_leased(scheduler_->LeasedBy(w.id));
  }
  return response;
}

}  // namespace polo::server
