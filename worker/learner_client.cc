#include "worker/learner_client.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "rpc/grpc_status.h"

namespace polo::worker {

absl::StatusOr<polo::RegisterResponse> RegisterWithRetry(polo::Learner::Stub* stub,
                                                         const polo::RegisterRequest& request,
                                                         const util::StopFlag& stop) {
  rpc::Backoff backoff;
  while (!stop.is_set()) {
    polo::RegisterResponse response;
    std::unique_ptr<grpc::ClientContext> context = rpc::ContextWithTimeout(absl::Seconds(5));
    // Wait for the channel to connect instead of failing at once: this
    // thread then drives the connection. A channel nobody waits on advances
    // only on gRPC's 5 s backup poller, step by step (a TLS handshake to a
    // learner that started after the worker took 15 s that way).
    context->set_wait_for_ready(true);
    const grpc::Status status = stub->Register(context.get(), request, &response);
    if (status.ok()) return response;
    const grpc::StatusCode code = status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED &&
        code != grpc::StatusCode::CANCELLED) {
      return rpc::FromGrpcStatus(status);
    }
    stop.SleepFor(backoff.Next());
  }
  return absl::CancelledError("stopped before the learner answered");
}

polo::RegisterRequest MakeRegisterRequest(polo::WorkerKind kind, const std::string& worker_id,
                                          const std::string& worker_key,
                                          const std::string& description, int threads,
                                          const std::string& expected_task) {
  polo::RegisterRequest request;
  request.set_kind(kind);
  request.set_worker_id(worker_id);
  request.set_worker_key(worker_key);
  request.set_description(description);
  request.set_threads(threads);
  if (!expected_task.empty()) request.set_expected_task(expected_task);
  return request;
}

std::string DescribeThisProcess() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid());
}

WeightsSubscription::WeightsSubscription(std::shared_ptr<grpc::Channel> channel,
                                         std::string worker_id)
    : stub_(polo::Learner::NewStub(channel)), worker_id_(std::move(worker_id)) {
  thread_ = std::thread([this] { Loop(); });
}

WeightsSubscription::~WeightsSubscription() {
  stop_.Set();
  {
    absl::MutexLock lock(&mu_);
    if (context_ != nullptr) context_->TryCancel();
  }
  thread_.join();
}

void WeightsSubscription::set_worker_id(const std::string& id) {
  absl::MutexLock lock(&mu_);
  worker_id_ = id;
}

void WeightsSubscription::Loop() {
  rpc::Backoff backoff;
  while (!stop_.is_set()) {
    grpc::ClientContext context;
    // Wait for (and so drive) the connection, as RegisterWithRetry does;
    // Stop cancels the context.
    context.set_wait_for_ready(true);
    polo::SubscribeWeightsRequest request;
    {
      absl::MutexLock lock(&mu_);
      if (stop_.is_set()) break;
      context_ = &context;
      request.set_worker_id(worker_id_);
      if (latest_ != nullptr) {
        request.set_has_version(true);
        request.set_version(latest_->version());
      }
    }
    auto stream = stub_->SubscribeWeights(&context, request);
    polo::EnsembleWeights weights;
    while (stream->Read(&weights)) {
      backoff.Reset();
      auto shared = std::make_shared<const polo::EnsembleWeights>(std::move(weights));
      weights = polo::EnsembleWeights();
      absl::MutexLock lock(&mu_);
      // A restarted learner may resume at an older version: take it.
      latest_ = std::move(shared);
    }
    (void)stream->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
    }
    stop_.SleepFor(backoff.Next());
  }
}

std::shared_ptr<const polo::EnsembleWeights> WeightsSubscription::Latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

std::shared_ptr<const polo::EnsembleWeights> WeightsSubscription::WaitForVersion(
    uint64_t version, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return latest_ != nullptr && latest_->version() >= version;
  };
  mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  return latest_;
}

}  // namespace polo::worker
