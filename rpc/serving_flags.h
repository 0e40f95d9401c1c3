// The flags of every binary that serves probes and metrics beside its main
// work (the learner, the actor, the target worker): --metrics_listen and
// --health_listen, and what they start. The libraries behind them
// (util/metrics.h, rpc/health.h) take addresses and know no flags.
//
// Stateless functions.
#ifndef POLO_RPC_SERVING_FLAGS_H_
#define POLO_RPC_SERVING_FLAGS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/metrics.h"

// HOST:PORT of the Prometheus endpoint; empty: none.
ABSL_DECLARE_FLAG(std::string, metrics_listen);
// HOST:PORT of the plaintext grpc.health.v1 server; empty: none.
ABSL_DECLARE_FLAG(std::string, health_listen);

namespace polo::rpc {

// util::MetricsEndpoint::Start(--metrics_listen), or null if the flag is
// empty. Errors name the flag ("--metrics_listen: cannot listen on ...").
absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> MetricsEndpointFromFlag();

// BuildHealthServer(--health_listen), or null if the flag is empty. Errors
// name the flag.
absl::StatusOr<std::unique_ptr<grpc::Server>> HealthServerFromFlag();

// `status` with "--FLAG: " in front of its message; OK stays OK.
absl::Status NamingFlag(const char* flag, const absl::Status& status);

}  // namespace polo::rpc

#endif  // POLO_RPC_SERVING_FLAGS_H_
