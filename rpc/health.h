// grpc.health.v1 alone, in plaintext, on a port of its own, for probes that
// carry no credentials (Kubernetes, systemd watchdogs, load balancers). The
// learner serves it with --health_listen (rpc/serving_flags.h); so do the
// workers, which have no other server: SERVING while the process runs.
#ifndef POLO_RPC_HEALTH_H_
#define POLO_RPC_HEALTH_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace polo::rpc {

// A plaintext server on `address` with only grpc.health.v1 (SERVING).
// Writes the bound port. Unavailable naming the address if it cannot
// bind.
absl::StatusOr<std::unique_ptr<grpc::Server>> BuildHealthServer(const std::string& address,
                                                                int* port);

}  // namespace polo::rpc

#endif  // POLO_RPC_HEALTH_H_
