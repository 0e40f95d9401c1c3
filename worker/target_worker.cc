#include "worker/target_worker.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "models/registry.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "config/run_config.h"

namespace polo::worker {

TargetWorker::TargetWorker(std::shared_ptr<grpc::Channel> channel, TargetWorkerOptions options)
    : options_(std::move(options)),
      session_(std::move(channel), polo::TARGET_WORKER, options_.description, options_.threads,
               options_.stop) {}

TargetWorker::~TargetWorker() = default;

absl::Status TargetWorker::Connect() {
  absl::StatusOr<polo::RegisterResponse> response = session_.Register();
  if (!response.ok()) return response.status();
  if (task_ != nullptr) return absl::OkStatus();
  const polo::RunConfig& config = session_.config();
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(config.task());
  if (!task.ok()) return task.status();
  task_ = *std::move(task);
  pool_ = std::make_unique<planner::ThreadPool>(std::max(1, options_.threads));
  absl::StatusOr<std::unique_ptr<learner::TargetComputer>> targets =
      learner::TargetComputer::Create(task_.get(), polo::config::TargetSettingsFromConfig(config),
                                      pool_.get());
  if (!targets.ok()) return targets.status();
  targets_ = *std::move(targets);
  return absl::OkStatus();
}

absl::StatusOr<learner::EigenEnsemble*> TargetWorker::Ensemble(uint64_t version) {
  auto cached = ensembles_.find(version);
  if (cached != ensembles_.end()) return cached->second.get();
  // Usually the stream has it already (the learner publishes before it
  // queues jobs); give it a moment, then ask for the exact version.
  std::shared_ptr<const polo::EnsembleWeights> weights =
      session_.weights()->WaitForVersion(version, absl::Now() + absl::Milliseconds(200));
  polo::EnsembleWeights fetched;
  if (weights == nullptr || weights->version() != version) {
    polo::GetWeightsRequest request;
    request.set_worker_id(session_.worker_id());
    request.set_version(version);
    const grpc::Status status =
        session_.stub()->GetWeights(rpc::ContextWithTimeout(kCallDeadline).get(), request, &fetched);
    if (!status.ok()) return polo::rpc::FromGrpcStatus(status);
    weights = std::make_shared<const polo::EnsembleWeights>(std::move(fetched));
  }
  absl::StatusOr<std::unique_ptr<learner::EigenEnsemble>> ensemble =
      learner::EigenEnsemble::Create(*weights);
  if (!ensemble.ok()) return ensemble.status();
  while (ensembles_.size() >= 4) ensembles_.erase(ensembles_.begin());
  return (ensembles_[version] = *std::move(ensemble)).get();
}

absl::Status TargetWorker::Serve(const polo::TargetJob& job) {
  absl::StatusOr<learner::EigenEnsemble*> ensemble = Ensemble(job.weights_version());
  if (!ensemble.ok()) return ensemble.status();
  const int k = (*ensemble)->ensemble_size();
  std::vector<double> targets(static_cast<size_t>(job.state_ids_size()) * k);
  std::vector<uint64_t> ids(job.state_ids().begin(), job.state_ids().end());
  if (absl::Status s = targets_->Compute(job.physics_states(), ids, *ensemble,
                                         absl::MakeSpan(targets), job.plans());
      !s.ok()) {
    return s;
  }
  polo::TargetResult result;
  session_.Identify(&result);
  result.set_job_id(job.job_id());
  result.set_weights_version(job.weights_version());
  result.mutable_targets()->Add(targets.begin(), targets.end());
  polo::SubmitTargetsResponse response;
  const grpc::Status status =
      session_.stub()->SubmitTargets(rpc::ContextWithTimeout(kCallDeadline).get(), result, &response);
  if (!status.ok()) return polo::rpc::FromGrpcStatus(status);
  if (response.accepted()) {
    ++jobs_done_;
    states_done_ += job.state_ids_size();
  } else {
    ++jobs_late_;
  }
  return absl::OkStatus();
}

absl::Status TargetWorker::Run() {
  if (absl::Status s = Connect(); !s.ok()) return session_.stop().is_set() ? absl::OkStatus() : s;
  rpc::Backoff backoff;
  while (!session_.stop().is_set()) {
    if (options_.max_jobs > 0 && jobs_done_ >= options_.max_jobs) break;
    polo::LeaseTargetJobRequest request;
    session_.Identify(&request);
    request.set_wait_ms(absl::ToInt64Milliseconds(kLeasePoll));
    polo::TargetJob job;
    const grpc::Status status =
        session_.stub()->LeaseTargetJob(rpc::ContextWithTimeout(kCallDeadline).get(), request, &job);
    if (!status.ok()) {
      if (status.error_code() != grpc::StatusCode::NOT_FOUND &&
          session_.stop().SleepFor(backoff.Next())) {
        break;
      }
      if (absl::Status s = Connect(); !s.ok()) return session_.stop().is_set() ? absl::OkStatus() : s;
      continue;
    }
    backoff.Reset();
    if (job.job_id() == 0) continue;
    if (absl::Status s = Serve(job); !s.ok()) {
      // The job's lease runs out and it is reassigned; keep serving.
      ABSL_RAW_LOG(WARNING, "job %llu: %s", static_cast<unsigned long long>(job.job_id()),
                   s.ToString().c_str());
    }
  }
  session_.Unregister();
  return absl::OkStatus();
}

}  // namespace polo::worker
