#include "server/learner_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"

namespace polo::server {

grpc::Status LearnerService::Admit(const grpc::ServerContext* context, absl::string_view method,
                                   Role* role) const {
  absl::StatusOr<Role> r = authorizer_.Authorize(*context, method);
  if (!r.ok()) return rpc::ToGrpcStatus(r.status());
  if (role != nullptr) *role = *r;
  return grpc::Status::OK;
}

grpc::Status LearnerService::Register(grpc::ServerContext* context, const polo::RegisterRequest* request,
                                      polo::RegisterResponse* response) {
  if (grpc::Status s = Admit(context, "Register"); !s.ok()) return s;
  absl::StatusOr<polo::RegisterResponse> r = core_->Register(*request);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::Unregister(grpc::ServerContext* context,
                                        const polo::UnregisterRequest* request,
                                        polo::UnregisterResponse*) {
  Role role;
  if (grpc::Status s = Admit(context, "Unregister", &role); !s.ok()) return s;
  return rpc::ToGrpcStatus(core_->Unregister(*request, /*any_worker=*/role == Role::kAdmin));
}

grpc::Status LearnerService::SubmitExperience(grpc::ServerContext* context,
                                              const polo::ExperienceBatch* batch,
                                              polo::ExperienceAck* ack) {
  if (grpc::Status s = Admit(context, "SubmitExperience"); !s.ok()) return s;
  absl::StatusOr<polo::ExperienceAck> r = core_->SubmitExperience(*batch);
  if (r.ok()) *ack = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::WaitForActing(grpc::ServerContext* context,
                                           const polo::WaitForActingRequest* request,
                                           polo::ActingState* state) {
  if (grpc::Status s = Admit(context, "WaitForActing"); !s.ok()) return s;
  absl::StatusOr<polo::ActingState> r = core_->WaitForActing(*request);
  if (r.ok()) *state = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::SubscribeWeights(grpc::ServerContext* context,
                                              const polo::SubscribeWeightsRequest* request,
                                              grpc::ServerWriter<polo::EnsembleWeights>* writer) {
  if (grpc::Status s = Admit(context, "SubscribeWeights"); !s.ok()) return s;
  absl::StatusOr<std::optional<uint64_t>> start = core_->SubscriptionStart(*request);
  if (!start.ok()) return rpc::ToGrpcStatus(start.status());
  bool have_any = start->has_value();
  uint64_t have = start->value_or(0);
  const WeightsBroadcaster& weights = core_->weights();
  // Always the newest version: a subscriber that reads slowly skips
  // versions; a stream holds at most the one message being written (Write
  // blocks under HTTP/2 flow control), never a queue.
  while (!context->IsCancelled() && !shutting_down_) {
    // Short waits so that cancellation and shutdown are noticed.
    SharedWeights next = weights.WaitNewer(have_any, have, absl::Now() + absl::Milliseconds(100));
    if (next == nullptr) {
      if (weights.closed()) break;
      continue;
    }
    if (!writer->Write(*next)) break;  // The subscriber went away.
    have_any = true;
    have = next->version();
  }
  return grpc::Status::OK;
}

grpc::Status LearnerService::GetWeights(grpc::ServerContext* context, const polo::GetWeightsRequest* request,
                                        polo::EnsembleWeights* weights) {
  if (grpc::Status s = Admit(context, "GetWeights"); !s.ok()) return s;
  absl::StatusOr<SharedWeights> r = core_->GetWeights(*request);
  if (r.ok()) *weights = **r;
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::LeaseTargetJob(grpc::ServerContext* context,
                                            const polo::LeaseTargetJobRequest* request,
                                            polo::TargetJob* job) {
  if (grpc::Status s = Admit(context, "LeaseTargetJob"); !s.ok()) return s;
  absl::StatusOr<polo::TargetJob> r = core_->LeaseTargetJob(*request);
  if (r.ok()) *job = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::SubmitTargets(grpc::ServerContext* context, const polo::TargetResult* result,
                                           polo::SubmitTargetsResponse* response) {
  if (grpc::Status s = Admit(context, "SubmitTargets"); !s.ok()) return s;
  absl::StatusOr<polo::SubmitTargetsResponse> r = core_->SubmitTargets(*result);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::GetStatus(grpc::ServerContext* context, const polo::StatusRequest*,
                                       polo::RunStatus* status) {
  if (grpc::Status s = Admit(context, "GetStatus"); !s.ok()) return s;
  *status = core_->GetStatus();
  return grpc::Status::OK;
}

grpc::Status LearnerService::GetProgress(grpc::ServerContext* context, const polo::ProgressRequest*,
                                         polo::Progress* progress) {
  if (grpc::Status s = Admit(context, "GetProgress"); !s.ok()) return s;
  *progress = core_->GetProgress();
  return grpc::Status::OK;
}

grpc::Status LearnerService::ListWorkers(grpc::ServerContext* context, const polo::ListWorkersRequest*,
                                         polo::ListWorkersResponse* response) {
  if (grpc::Status s = Admit(context, "ListWorkers"); !s.ok()) return s;
  *response = core_->ListWorkers();
  return grpc::Status::OK;
}

grpc::Status LearnerService::Checkpoint(grpc::ServerContext* context, const polo::CheckpointRequest*,
                                        polo::CheckpointResponse* response) {
  if (grpc::Status s = Admit(context, "Checkpoint"); !s.ok()) return s;
  absl::Time deadline = absl::Now() + absl::Minutes(2);
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(context->deadline()));
  }
  absl::StatusOr<polo::CheckpointResponse> r = core_->Checkpoint(deadline);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

absl::StatusOr<std::unique_ptr<grpc::Server>> BuildLearnerServer(
    const std::string& address, LearnerService* service, int* port,
    std::shared_ptr<grpc::ServerCredentials> credentials, rpc::CallCounts* calls) {
  grpc::EnableDefaultHealthCheckService(true);
  // Reflection answers without a token, so it is off when tokens are on.
  // (gRPC registers the plugin for the whole process: a process that built
  // a server without tokens before keeps it; the learner builds one.)
  if (!service->tokens()) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // One learner per port: with gRPC's default SO_REUSEPORT a second learner
  // (a restart while the old one still ran) bound the same port and the
  // two split the workers' traffic between them (seen in the multi-host
  // test). Now the second cannot listen.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (calls != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(calls->Interceptors());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  builder.AddListeningPort(
      address, credentials != nullptr ? credentials : grpc::InsecureServerCredentials(), port);
  builder.SetMaxReceiveMessageSize(rpc::kMaxMessageBytes);
  builder.SetMaxSendMessageSize(rpc::kMaxMessageBytes);
  builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    return absl::UnavailableError(absl::StrCat("listen address: cannot listen on ", address));
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  return server;
}

}  // namespace polo::server

