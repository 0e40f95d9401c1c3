// The gRPC edge of the learner: polo.Learner (proto/polo.proto) over a
// LearnerCore. Each handler calls the core, which works with absl::Status,
// and converts once through ToGrpcStatus. SubscribeWeights holds one
// server thread per subscriber and sends the newest version whenever one
// newer than the last sent exists (slow readers skip versions).
//
// Every handler first asks the Authorizer (auth.h) whether the caller may
// call it.
//
// Also builds the servers: BuildLearnerServer turns on the health service
// (SERVING while the core runs) and reflection, with TLS when given
// credentials (health alone on a plaintext port: rpc/health.h).
//
// Thread-safe (handlers run on gRPC's threads).
#ifndef POLO_SERVER_LEARNER_SERVICE_H_
#define POLO_SERVER_LEARNER_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/call_counts.h"
#include "server/auth.h"
#include "server/learner_core.h"

namespace polo::server {

class LearnerService final : public polo::Learner::Service {
 public:
  // `core` must outlive the service.
  explicit LearnerService(LearnerCore* core, Authorizer authorizer = Authorizer())
      : core_(core), authorizer_(std::move(authorizer)) {}

  // True if calls need tokens.
  bool tokens() const { return authorizer_.enabled(); }

  // Ends every SubscribeWeights stream within ~100 ms (call before
  // grpc::Server::Shutdown, which waits for handlers).
  void Shutdown() { shutting_down_ = true; }

  grpc::Status Register(grpc::ServerContext*, const polo::RegisterRequest* request,
                        polo::RegisterResponse* response) override;
  grpc::Status Unregister(grpc::ServerContext*, const polo::UnregisterRequest* request,
                          polo::UnregisterResponse* response) override;
  grpc::Status SubmitExperience(grpc::ServerContext*, const polo::ExperienceBatch* batch,
                                polo::ExperienceAck* ack) override;
  grpc::Status WaitForActing(grpc::ServerContext*, const polo::WaitForActingRequest* request,
                             polo::ActingState* state) override;
  grpc::Status SubscribeWeights(grpc::ServerContext* context,
                                const polo::SubscribeWeightsRequest* request,
                                grpc::ServerWriter<polo::EnsembleWeights>* writer) override;
  grpc::Status GetWeights(grpc::ServerContext*, const polo::GetWeightsRequest* request,
                          polo::EnsembleWeights* weights) override;
  grpc::Status LeaseTargetJob(grpc::ServerContext*, const polo::LeaseTargetJobRequest* request,
                              polo::TargetJob* job) override;
  grpc::Status SubmitTargets(grpc::ServerContext*, const polo::TargetResult* result,
                             polo::SubmitTargetsResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext*, const polo::StatusRequest*,
                         polo::RunStatus* status) override;
  grpc::Status GetProgress(grpc::ServerContext*, const polo::ProgressRequest*,
                           polo::Progress* progress) override;
  grpc::Status ListWorkers(grpc::ServerContext*, const polo::ListWorkersRequest*,
                           polo::ListWorkersResponse* response) override;
  grpc::Status Checkpoint(grpc::ServerContext* context, const polo::CheckpointRequest*,
                          polo::CheckpointResponse* response) override;

 private:
  // OK if the caller may call `method`; its role in *role if given.
  grpc::Status Admit(const grpc::ServerContext* context, absl::string_view method,
                     Role* role = nullptr) const;

  LearnerCore* core_;
  const Authorizer authorizer_;
  std::atomic<bool> shutting_down_{false};
};

// Builds and starts a server for `service` on `address` ("host:port"; port
// 0 picks one) with health (SERVING) and, unless the service needs tokens,
// reflection, secured by
// `credentials` (rpc/security.h MakeServerCredentials; null: plaintext).
// Returns the server and writes the bound port. Unavailable naming the
// address if it cannot bind.
// With `calls`, every finished call is counted into it (metrics).
absl::StatusOr<std::unique_ptr<grpc::Server>> BuildLearnerServer(
    const std::string& address, LearnerService* service, int* port,
    std::shared_ptr<grpc::ServerCredentials> credentials = nullptr,
    rpc::CallCounts* calls = nullptr);

}  // namespace polo::server

#endif  // POLO_SERVER_LEARNER_SERVICE_H_
