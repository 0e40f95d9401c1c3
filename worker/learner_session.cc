#include "worker/learner_session.h"

#include <utility>

#include "rpc/channel.h"

namespace polo::worker {

LearnerSession::LearnerSession(std::shared_ptr<grpc::Channel> channel, polo::WorkerKind kind,
                               std::string description, int threads, util::StopFlag* stop)
    : channel_(std::move(channel)),
      stub_(polo::Learner::NewStub(channel_)),
      kind_(kind),
      description_(std::move(description)),
      threads_(threads),
      stop_(stop != nullptr ? stop : &own_stop_) {}

absl::StatusOr<polo::RegisterResponse> LearnerSession::Register() {
  const polo::RegisterRequest request = MakeRegisterRequest(
      kind_, worker_id_, worker_key_, description_, threads_, config_.task());
  absl::StatusOr<polo::RegisterResponse> response =
      RegisterWithRetry(stub_.get(), request, *stop_);
  if (!response.ok()) return response.status();
  worker_id_ = response->worker_id();
  if (weights_ == nullptr) {
    config_ = response->config();
    weights_ = std::make_unique<WeightsSubscription>(channel_, worker_id_);
  } else {
    weights_->set_worker_id(worker_id_);
  }
  return response;
}

void LearnerSession::Unregister() {
  polo::UnregisterRequest bye;
  Identify(&bye);
  polo::UnregisterResponse unused;
  (void)stub_->Unregister(rpc::ContextWithTimeout(kUnregisterDeadline).get(), bye, &unused);
}

}  // namespace polo::worker
