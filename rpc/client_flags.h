// The flags every client of the learner shares (actor, target worker, CLI,
// progress probe): --tls_ca, --tls_cert, --tls_key, --tls_server_name and
// --token_file, and the channel they describe (rpc/security.h).
#ifndef POLO_RPC_CLIENT_FLAGS_H_
#define POLO_RPC_CLIENT_FLAGS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rpc/security.h"

namespace polo::rpc {

// The flags' values, paths resolved against the directory `bazel run` was
// typed in (util/paths.h).
ClientSecurity ClientSecurityFromFlags();

// MakeSecureLearnerChannel(address, ClientSecurityFromFlags()): errors name
// the flag.
absl::StatusOr<std::shared_ptr<grpc::Channel>> LearnerChannelFromFlags(const std::string& address);

}  // namespace polo::rpc

#endif  // POLO_RPC_CLIENT_FLAGS_H_
