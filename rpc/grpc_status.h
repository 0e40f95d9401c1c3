// The one place where absl::Status becomes grpc::Status: the service edge
// (learner_service.cc) and nothing else. Inside the server and workers all
// fallible code returns absl::Status. Stateless, thread-safe.
#ifndef POLO_RPC_GRPC_STATUS_H_
#define POLO_RPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <cstddef>

#include "absl/status/status.h"

namespace polo::rpc {

// Longest status message sent: a longer one is cut there and says how long
// it was, so trailing metadata stays far below gRPC's 8 KiB default limit
// (a client refuses larger trailers, and a 100,000-character echo once
// stalled the connection it came on).
inline constexpr size_t kMaxStatusMessageChars = 1024;

// Same canonical code (the two enums share their numbering) and message,
// cut to kMaxStatusMessageChars.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients that call the learner and work with absl::Status.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace polo::rpc

#endif  // POLO_RPC_GRPC_STATUS_H_
