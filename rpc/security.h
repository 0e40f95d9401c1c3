// Transport security of the learner service (README, "Running across
// machines securely"): TLS on every connection when configured, optionally
// mutual (a client must present a certificate signed by the CA the learner
// names), with certificates and keys re-read from their files while the
// processes run (gRPC's FileWatcherCertificateProvider), so that renewing
// a certificate needs no restart; and the rule that a learner reachable
// from other machines is secure by default.
//
// Files are PEM. Errors name the flag that gave the file ("--tls_cert:
// cannot read \"/x\": No such file or directory"). Stateless functions.
#ifndef POLO_RPC_SECURITY_H_
#define POLO_RPC_SECURITY_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rpc/channel.h"

namespace polo::rpc {

// How often watched certificate files are re-read.
inline constexpr absl::Duration kCertificateRefresh = absl::Seconds(10);

// The learner's side (flags --tls_cert, --tls_key, --tls_client_ca).
struct ServerTls {
  std::string cert_file;       // Certificate chain; empty with key_file: no TLS.
  std::string key_file;        // Its private key.
  std::string client_ca_file;  // Non-empty: mutual TLS, clients verified by it.

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// A client's side: workers and the CLI (flags --tls_ca, --tls_cert,
// --tls_key, --tls_server_name, --token_file; rpc/client_flags.h).
struct ClientSecurity {
  std::string ca_file;      // Non-empty: TLS, the learner verified by this CA.
  std::string cert_file;    // Client certificate for mutual TLS, with key_file.
  std::string key_file;
  std::string server_name;  // Name to check in the learner's certificate
                            // instead of the address's host (tests, IPs).
  // Non-empty: every call carries `authorization: Bearer <its token>`
  // (util/secrets.h ReadTokenFile; read once, when the channel is made).
  std::string token_file;

  bool tls() const { return !ca_file.empty(); }
};

// Credentials for the learner's listening port: insecure without
// tls.enabled(). InvalidArgument naming the flag for an unreadable or
// empty file, a certificate without its key or the reverse.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTls& tls, absl::Duration refresh = kCertificateRefresh);

// A channel to the learner at "host:port" (channel.h's message limits and
// reconnection), over TLS when security.tls(), with the token when given.
// Errors as above; a client certificate without --tls_ca is refused.
// `args` (default rpc/channel.h LearnerChannelArguments) lets a benchmark
// ask for a connection of its own.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeSecureLearnerChannel(
    const std::string& address, const ClientSecurity& security,
    absl::Duration refresh = kCertificateRefresh,
    grpc::ChannelArguments args = LearnerChannelArguments());

// An interceptor factory for a channel whose calls must carry
// `authorization: Bearer <token>` (MakeSecureLearnerChannel uses it; the
// learner's in-process workers too).
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> BearerTokenInterceptors(
    const std::string& token);

// True if "host:port" (or "[v6]:port", or "unix:...") can be reached only
// from this machine: localhost, 127.0.0.0/8, ::1, a Unix socket.
// 0.0.0.0, [::] and every other name or address are not.
bool IsLoopbackAddress(const std::string& address);

// Secure by default: a learner listening beyond loopback without both TLS
// and tokens is refused (FailedPrecondition saying what to pass) unless
// `insecure`.
absl::Status CheckListenSecurity(const std::string& address, const ServerTls& tls, bool tokens,
                                 bool insecure);

}  // namespace polo::rpc

#endif  // POLO_RPC_SECURITY_H_
