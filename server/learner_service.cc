#include "server/learner_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"

namespace polo::server {

grpc::Status LearnerService::Register(grpc::ServerContext*, const polo::RegisterRequest* request,
                                      polo::RegisterResponse* response) {
  absl::StatusOr<polo::RegisterResponse> r = core_->Register(*request);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::Unregister(grpc::ServerContext*,
                                        const polo::UnregisterRequest* request,
                                        polo::UnregisterResponse*) {
  return rpc::ToGrpcStatus(core_->Unregister(*request));
}

grpc::Status LearnerService::SubmitExperience(grpc::ServerContext*,
                                              const polo::ExperienceBatch* batch,
                                              polo::ExperienceAck* ack) {
  absl::StatusOr<polo::ExperienceAck> r = core_->SubmitExperience(*batch);
  if (r.ok()) *ack = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::WaitForActing(grpc::ServerContext*,
                                           const polo::WaitForActingRequest* request,
                                           polo::ActingState* state) {
  absl::StatusOr<polo::ActingState> r = core_->WaitForActing(*request);
  if (r.ok()) *state = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::SubscribeWeights(grpc::ServerContext* context,
                                              const polo::SubscribeWeightsRequest* request,
                                              grpc::ServerWriter<polo::EnsembleWeights>* writer) {
  bool have_any = request->has_version();
  uint64_t have = request->version();
  const WeightsBroadcaster& weights = core_->weights();
  // A subscriber ahead of us knew a previous learner instance (one that
  // got further than the checkpoint we resumed from): send our newest.
  if (SharedWeights latest = weights.Latest(); have_any && latest && latest->version() < have) {
    have_any = false;
  }
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

grpc::Status LearnerService::GetWeights(grpc::ServerContext*, const polo::GetWeightsRequest* request,
                                        polo::EnsembleWeights* weights) {
  absl::StatusOr<SharedWeights> r = core_->GetWeights(*request);
  if (r.ok()) *weights = **r;
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::LeaseTargetJob(grpc::ServerContext*,
                                            const polo::LeaseTargetJobRequest* request,
                                            polo::TargetJob* job) {
  absl::StatusOr<polo::TargetJob> r = core_->LeaseTargetJob(*request);
  if (r.ok()) *job = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::SubmitTargets(grpc::ServerContext*, const polo::TargetResult* result,
                                           polo::SubmitTargetsResponse* response) {
  absl::StatusOr<polo::SubmitTargetsResponse> r = core_->SubmitTargets(*result);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

grpc::Status LearnerService::GetStatus(grpc::ServerContext*, const polo::StatusRequest*,
                                       polo::RunStatus* status) {
  *status = core_->GetStatus();
  return grpc::Status::OK;
}

grpc::Status LearnerService::GetProgress(grpc::ServerContext*, const polo::ProgressRequest*,
                                         polo::Progress* progress) {
  *progress = core_->GetProgress();
  return grpc::Status::OK;
}

grpc::Status LearnerService::ListWorkers(grpc::ServerContext*, const polo::ListWorkersRequest*,
                                         polo::ListWorkersResponse* response) {
  *response = core_->ListWorkers();
  return grpc::Status::OK;
}

grpc::Status LearnerService::Checkpoint(grpc::ServerContext* context, const polo::CheckpointRequest*,
                                        polo::CheckpointResponse* response) {
  absl::Time deadline = absl::Now() + absl::Minutes(2);
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(context->deadline()));
  }
  absl::StatusOr<polo::CheckpointResponse> r = core_->Checkpoint(deadline);
  if (r.ok()) *response = *std::move(r);
  return rpc::ToGrpcStatus(r.status());
}

absl::StatusOr<std::unique_ptr<grpc::Server>> BuildLearnerServer(const std::string& address,
                                                                 LearnerService* service,
                                                                 int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
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
