// Who may call what on polo.Learner (README, "Running across machines
// securely"). With tokens configured (learner --worker_token_file and
// --admin_token_file) every call carries `authorization: Bearer <token>`
// (what standard gRPC clients send); the health service, served apart,
// needs none. The worker token admits the workers' calls, the admin token
// the operator's (Checkpoint, unregistering another worker); either reads
// status, progress, the worker list and weights. A worker id further
// belongs to the client that registered it (worker_registry.h).
//
// Without tokens every call is admitted with the admin role: the loopback
// default, and a network the operator vouched for with --insecure.
//
// The check is this one class, called first by every LearnerService
// handler. Not a gRPC interceptor or AuthMetadataProcessor: in gRPC 1.51
// a server interceptor cannot end a call with a status of its choosing,
// and an AuthMetadataProcessor runs only on TLS ports (tokens on a
// loopback plaintext port would go unchecked). A test calls every method
// of polo.Learner without a token, so that no handler can skip it.
//
// Immutable after construction; thread-safe.
#ifndef POLO_SERVER_AUTH_H_
#define POLO_SERVER_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace polo::server {

enum class Role { kWorker, kAdmin };

class Authorizer {
 public:
  // No tokens: everything admitted as kAdmin.
  Authorizer() = default;
  // Tokens read from files (util/secrets.h ReadTokenFile): both files or
  // neither (then no tokens). InvalidArgument naming the flag for one file
  // without the other, an unreadable, empty or short file, or the same
  // token for both roles.
  static absl::StatusOr<Authorizer> FromFiles(const std::string& worker_token_file,
                                              const std::string& admin_token_file);
  // For tests: the tokens themselves (non-empty, different).
  static Authorizer FromTokens(std::string worker_token, std::string admin_token);

  bool enabled() const { return !worker_token_.empty(); }
  // What the learner's in-process workers send ("" without tokens).
  const std::string& worker_token() const { return worker_token_; }

  // The caller's role for a call of `method` (a polo.Learner method name,
  // e.g. "Register"). Unauthenticated if tokens are configured and the call
  // carries none or an unknown one; PermissionDenied if its role may not
  // call `method` (or `method` is not in the policy: closed by default).
  absl::StatusOr<Role> Authorize(const grpc::ServerContext& context,
                                 absl::string_view method) const;

  // Every method the policy names.
  static std::vector<std::string> PolicyMethods();

 private:
  std::string worker_token_;  // Empty: no tokens. For in-process workers.
  // SHA-256 of the tokens: what calls are compared against.
  std::string worker_digest_;
  std::string admin_digest_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_AUTH_H_
