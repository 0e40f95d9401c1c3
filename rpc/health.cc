#include "rpc/health.h"

#include <grpcpp/health_check_service_interface.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, health_listen, "",
          "also serve grpc.health.v1 alone, in plaintext and without tokens, on this HOST:PORT "
          "(for orchestrators' probes)");

namespace polo::rpc {

absl::StatusOr<std::unique_ptr<grpc::Server>> BuildHealthServer(const std::string& address,
                                                                int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);  // One process per port.
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    return absl::UnavailableError(absl::StrCat("--health_listen: cannot listen on ", address));
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  return server;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> HealthServerFromFlag() {
  const std::string address = absl::GetFlag(FLAGS_health_listen);
  if (address.empty()) return std::unique_ptr<grpc::Server>();
  int port = 0;
  return BuildHealthServer(address, &port);
}

}  // namespace polo::rpc
