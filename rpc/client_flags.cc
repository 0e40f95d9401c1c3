#include "rpc/client_flags.h"

#include "absl/flags/flag.h"
#include "util/paths.h"

ABSL_FLAG(std::string, tls_ca, "",
          "connect over TLS, verifying the learner's certificate with this CA (PEM); "
          "empty: plaintext");
ABSL_FLAG(std::string, tls_cert, "",
          "client certificate (PEM) for a learner that requires one (mutual TLS); with --tls_key");
ABSL_FLAG(std::string, tls_key, "", "private key (PEM) of --tls_cert");
ABSL_FLAG(std::string, tls_server_name, "",
          "name to check in the learner's certificate instead of --learner's host");
ABSL_FLAG(std::string, token_file, "",
          "file holding the token the learner asks for (worker or admin token); sent as "
          "`authorization: Bearer` on every call, never logged");

namespace polo::rpc {
namespace {

std::string Path(const std::string& flag_value) {
  return flag_value.empty() ? flag_value : util::ResolveUserPath(flag_value);
}

}  // namespace

ClientSecurity ClientSecurityFromFlags() {
  ClientSecurity s;
  s.ca_file = Path(absl::GetFlag(FLAGS_tls_ca));
  s.cert_file = Path(absl::GetFlag(FLAGS_tls_cert));
  s.key_file = Path(absl::GetFlag(FLAGS_tls_key));
  s.server_name = absl::GetFlag(FLAGS_tls_server_name);
  s.token_file = Path(absl::GetFlag(FLAGS_token_file));
  return s;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> LearnerChannelFromFlags(const std::string& address) {
  return MakeSecureLearnerChannel(address, ClientSecurityFromFlags());
}

}  // namespace polo::rpc
