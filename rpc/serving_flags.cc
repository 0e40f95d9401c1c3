#include "rpc/serving_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "rpc/health.h"

ABSL_FLAG(std::string, metrics_listen, "",
          "serve Prometheus metrics on http://HOST:PORT/metrics (plaintext, read-only); "
          "empty: off");
ABSL_FLAG(std::string, health_listen, "",
          "also serve grpc.health.v1 alone, in plaintext and without tokens, on this HOST:PORT "
          "(for orchestrators' probes)");

namespace polo::rpc {

absl::Status NamingFlag(const char* flag, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("--", flag, ": ", status.message()));
}

absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> MetricsEndpointFromFlag() {
  const std::string address = absl::GetFlag(FLAGS_metrics_listen);
  if (address.empty()) return std::unique_ptr<util::MetricsEndpoint>();
  absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> endpoint =
      util::MetricsEndpoint::Start(address);
  if (!endpoint.ok()) return NamingFlag("metrics_listen", endpoint.status());
  return endpoint;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> HealthServerFromFlag() {
  const std::string address = absl::GetFlag(FLAGS_health_listen);
  if (address.empty()) return std::unique_ptr<grpc::Server>();
  int port = 0;
  absl::StatusOr<std::unique_ptr<grpc::Server>> server = BuildHealthServer(address, &port);
  if (!server.ok()) return NamingFlag("health_listen", server.status());
  return server;
}

}  // namespace polo::rpc
