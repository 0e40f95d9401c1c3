// LearnerCore: coordination, the request-facing methods. Its start is in
// learner_core_start.cc, the training thread and checkpoints in
// learner_core_training.cc, the path of a batch's states in
// experience_ingest.cc.
#include "server/learner_core.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "learner/seed_schedule.h"
#include "rpc/request_bounds.h"
#include "util/process_memory.h"

namespace polo::server {

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
  return RunCompleteLocked() && !schedule_->pending(buffer_->size());
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

absl::StatusOr<polo::ExperienceAck> LearnerCore::SubmitExperience(
    const polo::ExperienceBatch& batch) {
  if (absl::Status s = rpc::CheckBounds(batch); !s.ok()) return s;
  // Validation before the lock and before any change: a batch is all or
  // nothing. weights_version is provenance only and not checked: after a
  // resume from an older checkpoint, actors legitimately hold states
  // planned with versions this instance has not reached yet.
  const uint64_t latest_version = broadcaster_.Latest() ? broadcaster_.Latest()->version() : 0;
  if (absl::Status s = ValidateBatch(options_.config, *task_, batch); !s.ok()) return s;
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
  absl::StatusOr<uint64_t> skip = ExperienceIngest::Skip(*worker, batch);
  if (!skip.ok()) return skip.status();
  // The update schedule and the run's end admit what they may.
  uint64_t take = schedule_->Admit(batch.states_size() - *skip);
  const uint64_t total = options_.config.total_steps();
  if (total > 0) take = std::min<uint64_t>(take, total - std::min(ingest_->agent_steps(), total));
  absl::StatusOr<bool> episodes_ended = ingest_->Accept(worker, batch, *skip, take, planar, now);
  if (!episodes_ended.ok()) return episodes_ended.status();
  schedule_->Accepted(take, buffer_->size());
  const polo::ExperienceAck ack = AckLocked(*worker, *skip, take, latest_version);
  lock.Release();
  if (*episodes_ended) WritePendingEpisodes();
  return ack;
}

polo::ExperienceAck LearnerCore::AckLocked(const WorkerRecord& worker, uint64_t skip,
                                           uint64_t take, uint64_t latest_version) const {
  polo::ExperienceAck ack;
  ack.set_next_sequence(worker.next_sequence);
  ack.set_durable_sequence(worker.durable_sequence);
  ack.set_accepted(static_cast<uint32_t>(take));
  ack.set_duplicates(static_cast<uint32_t>(skip));
  ack.set_acting_paused(schedule_->paused());
  ack.set_weights_version(latest_version);
  ack.set_run_complete(RunCompleteLocked());
  return ack;
}

bool LearnerCore::RunCompleteLocked() const {
  const uint64_t total = options_.config.total_steps();
  return total > 0 && ingest_->agent_steps() >= total;
}

void LearnerCore::WritePendingEpisodes() {
  absl::MutexLock file_lock(&episodes_file_mu_);
  FinishedEpisodes finished;
  {
    absl::MutexLock lock(&mu_);
    finished = ingest_->TakeFinished();
  }
  WriteEpisodes(options_.config, run_folder_.get(), std::move(finished));
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
  state.set_run_complete(RunCompleteLocked());
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
  p.set_agent_steps(ingest_->agent_steps());
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
  p.set_duplicates_dropped(ingest_->duplicates());
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
