#include "server/fuzz/fuzz_learner.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"

namespace polo::fuzz {
namespace {

FuzzLearner* instance = nullptr;

// The harness itself failed (not the input): no fuzzing without it.
[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_learner: %s\n", what.c_str());
  std::abort();
}

polo::RegisterResponse MustRegister(server::LearnerCore& core, polo::WorkerKind kind) {
  polo::RegisterRequest request;
  request.set_kind(kind);
  request.set_description("fuzz harness");
  request.set_threads(1);
  absl::StatusOr<polo::RegisterResponse> response = core.Register(request);
  if (!response.ok()) Fail(absl::StrCat("Register: ", response.status().ToString()));
  return *std::move(response);
}

}  // namespace

FuzzLearner& FuzzLearner::Get() {
  if (instance != nullptr) return *instance;
  // Protobuf logs every string field with invalid UTF-8 it refuses to
  // parse; mutated inputs hit that thousands of times. Fatal ones still abort.
  google::protobuf::SetLogHandler(nullptr);
  instance = new FuzzLearner();
  server::LearnerOptions options;
  options.config = FuzzRunConfig();
  options.checkpoint_period = absl::Hours(1);
  absl::StatusOr<std::unique_ptr<server::LearnerCore>> core =
      server::LearnerCore::Create(std::move(options));
  if (!core.ok()) Fail(absl::StrCat("LearnerCore::Create: ", core.status().ToString()));
  instance->core_ = *std::move(core);
  instance->core_->Start();
  instance->actor_ = MustRegister(*instance->core_, polo::ACTOR);
  instance->target_worker_ = MustRegister(*instance->core_, polo::TARGET_WORKER);
  std::atexit(&FuzzLearner::Destroy);
  return *instance;
}

void FuzzLearner::Destroy() {
  if (instance == nullptr) return;
  if (absl::Status s = instance->core_->Stop(); !s.ok()) Fail(s.ToString());
  delete instance;
  instance = nullptr;
}

void FuzzLearner::Borrow(uint8_t flags, polo::WorkerKind kind, std::string* worker_id,
                         std::string* worker_key) const {
  if ((flags & kOtherKind) != 0) kind = kind == polo::ACTOR ? polo::TARGET_WORKER : polo::ACTOR;
  const polo::RegisterResponse& lender = kind == polo::ACTOR ? actor_ : target_worker_;
  if ((flags & kRealId) != 0) *worker_id = lender.worker_id();
  if ((flags & kRealKey) != 0) *worker_key = lender.worker_key();
}

uint64_t FuzzLearner::ActorNextSequence() {
  polo::RegisterRequest request;
  request.set_kind(polo::ACTOR);
  request.set_worker_id(actor_.worker_id());
  request.set_worker_key(actor_.worker_key());
  absl::StatusOr<polo::RegisterResponse> response = core_->Register(request);
  if (!response.ok()) Fail(absl::StrCat("re-Register: ", response.status().ToString()));
  return response->next_sequence();
}

std::optional<polo::TargetJob> FuzzLearner::LeaseJob() {
  polo::LeaseTargetJobRequest request;
  request.set_worker_id(target_worker_.worker_id());
  request.set_worker_key(target_worker_.worker_key());
  absl::StatusOr<polo::TargetJob> job = core_->LeaseTargetJob(request);
  if (!job.ok()) Fail(absl::StrCat("LeaseTargetJob: ", job.status().ToString()));
  if (job->job_id() == 0) return std::nullopt;
  return *std::move(job);
}

const polo::TargetJob* FuzzLearner::HeldJob() {
  if (!held_job_.has_value()) held_job_ = LeaseJob();
  return held_job_.has_value() ? &*held_job_ : nullptr;
}

void FuzzLearner::Step() {
  if (std::optional<polo::TargetJob> job = LeaseJob()) {
    polo::TargetResult result;
    result.set_worker_id(target_worker_.worker_id());
    result.set_worker_key(target_worker_.worker_key());
    result.set_job_id(job->job_id());
    result.set_weights_version(job->weights_version());
    const int targets = job->state_ids_size() * config().ensemble().ensemble_size();
    for (int i = 0; i < targets; ++i) result.add_targets(0.5);
    absl::StatusOr<polo::SubmitTargetsResponse> r = core_->SubmitTargets(result);
    if (!r.ok()) Fail(absl::StrCat("SubmitTargets: ", r.status().ToString()));
    return;
  }
  const polo::Progress progress = core_->GetProgress();
  if (progress.jobs_queued() + progress.jobs_leased() > 0) return;
  polo::ExperienceBatch batch;
  batch.set_worker_id(actor_.worker_id());
  batch.set_worker_key(actor_.worker_key());
  batch.set_first_sequence(ActorNextSequence());
  for (int i = 0; i < config().training().update_every(); ++i) {
    *batch.add_states() = ValidState(task(), config(), valid_states_sent_++, false);
  }
  absl::StatusOr<polo::ExperienceAck> ack = core_->SubmitExperience(batch);
  if (!ack.ok()) Fail(absl::StrCat("SubmitExperience: ", ack.status().ToString()));
}

void FuzzLearner::Queries() {
  const polo::RunStatus status = core_->GetStatus();
  const polo::Progress progress = core_->GetProgress();
  const polo::ListWorkersResponse workers = core_->ListWorkers();
  // Not a checkpointing learner: refused at once.
  const absl::StatusOr<polo::CheckpointResponse> checkpoint = core_->Checkpoint(absl::Now());
  if (checkpoint.ok() || !absl::IsFailedPrecondition(checkpoint.status())) {
    Fail(absl::StrCat("Checkpoint without a run folder: ", checkpoint.status().ToString()));
  }
  CheckErrorContract(checkpoint.status(), "Checkpoint");
  if (progress.replay_size() > config().training().replay_capacity()) {
    Fail(absl::StrCat("replay_size ", progress.replay_size(), " above the capacity"));
  }
  if (status.config().task() != config().task()) Fail("GetStatus: another task");
  const int connected = core_->WorkersConnected(polo::ACTOR) +
                        core_->WorkersConnected(polo::TARGET_WORKER);
  if (connected > workers.workers_size()) {
    Fail(absl::StrCat(connected, " workers connected but ", workers.workers_size(), " listed"));
  }
  // What the service would put on the wire.
  (void)status.ByteSizeLong();
  (void)progress.ByteSizeLong();
  (void)core_->ActorsToTellOfCompletion();
}

}  // namespace polo::fuzz
