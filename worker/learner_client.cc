#include "worker/learner_client.h"

#include <unistd.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"

namespace polo::worker {

void StopFlag::Set() {
  absl::MutexLock lock(&mu_);
  set_ = true;
}

bool StopFlag::is_set() const {
  absl::MutexLock lock(&mu_);
  return set_;
}

bool StopFlag::SleepFor(absl::Duration d) const {
  absl::MutexLock lock(&mu_);
  auto is_set = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return set_; };
  mu_.AwaitWithTimeout(absl::Condition(&is_set), d);
  return set_;
}

Backoff::Backoff() {
  std::random_device device;
  jitter_state_ = (static_cast<uint64_t>(device()) << 32) ^ device();
}

absl::Duration Backoff::Next() {
  const double base = std::min(5.0, 0.1 * static_cast<double>(1 << std::min(attempt_, 6)));
  ++attempt_;
  jitter_state_ = jitter_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
  const double unit = static_cast<double>(jitter_state_ >> 11) * 0x1.0p-53;  // [0, 1)
  return absl::Seconds(base * (0.8 + 0.4 * unit));
}

std::shared_ptr<grpc::Channel> MakeLearnerChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // Reconnect quickly after a learner restart.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<grpc::ClientContext> ContextWithTimeout(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::StatusOr<polo::RegisterResponse> RegisterWithRetry(polo::Learner::Stub* stub,
                                                         const polo::RegisterRequest& request,
                                                         const StopFlag& stop) {
  Backoff backoff;
  while (!stop.is_set()) {
    polo::RegisterResponse response;
    const grpc::Status status =
        stub->Register(ContextWithTimeout(absl::Seconds(5)).get(), request, &response);
    if (status.ok()) return response;
    const grpc::StatusCode code = status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED &&
        code != grpc::StatusCode::CANCELLED) {
      return server::FromGrpcStatus(status);
    }
    stop.SleepFor(backoff.Next());
  }
  return absl::CancelledError("stopped before the learner answered");
}

polo::RegisterRequest MakeRegisterRequest(polo::WorkerKind kind, const std::string& worker_id,
                                          const std::string& description, int threads,
                                          const std::string& expected_task) {
  polo::RegisterRequest request;
  request.set_kind(kind);
  request.set_worker_id(worker_id);
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
  Backoff backoff;
  while (!stop_.is_set()) {
    grpc::ClientContext context;
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
