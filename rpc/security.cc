#include "rpc/security.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/client_interceptor.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rpc/channel.h"
#include "util/atomic_file.h"
#include "util/secrets.h"

namespace polo::rpc {
namespace {

using grpc::experimental::FileWatcherCertificateProvider;

// The file is readable and holds a PEM block.
absl::Status CheckPemFile(const char* flag, const std::string& path) {
  absl::StatusOr<std::string> text = util::ReadFlagFile(flag, path);
  if (!text.ok()) return text.status();
  if (!absl::StrContains(*text, "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": \"", path, "\" is empty or not PEM (expected a -----BEGIN block)"));
  }
  return absl::OkStatus();
}

unsigned int Seconds(absl::Duration refresh) {
  return static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(refresh)));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTls& tls, absl::Duration refresh) {
  if (!tls.enabled()) {
    if (!tls.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca: needs --tls_cert and --tls_key (mutual TLS is TLS)");
    }
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        tls.cert_file.empty() ? "--tls_cert" : "--tls_key",
        ": missing; TLS needs both --tls_cert and --tls_key"));
  }
  if (absl::Status s = CheckPemFile("tls_cert", tls.cert_file); !s.ok()) return s;
  if (absl::Status s = CheckPemFile("tls_key", tls.key_file); !s.ok()) return s;
  if (!tls.client_ca_file.empty()) {
    if (absl::Status s = CheckPemFile("tls_client_ca", tls.client_ca_file); !s.ok()) return s;
  }
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      tls.key_file, tls.cert_file, tls.client_ca_file, Seconds(refresh));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (tls.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

namespace {

// Adds `authorization: Bearer <token>` to every call of its channel.
class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerTokenFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenFactory(const std::string& token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerTokenInterceptor(&header_);
  }

 private:
  const std::string header_;  // Outlives its interceptors: the channel owns the factory.
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const ClientSecurity& security, absl::Duration refresh) {
  if (!security.tls()) {
    if (!security.cert_file.empty() || !security.key_file.empty() ||
        !security.server_name.empty()) {
      return absl::InvalidArgumentError(
          "--tls_ca: missing; --tls_cert, --tls_key and --tls_server_name need TLS, which "
          "needs the CA that signed the learner's certificate");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (security.cert_file.empty() != security.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        security.cert_file.empty() ? "--tls_cert" : "--tls_key",
        ": missing; a client certificate needs both --tls_cert and --tls_key"));
  }
  if (absl::Status s = CheckPemFile("tls_ca", security.ca_file); !s.ok()) return s;
  if (!security.cert_file.empty()) {
    if (absl::Status s = CheckPemFile("tls_cert", security.cert_file); !s.ok()) return s;
    if (absl::Status s = CheckPemFile("tls_key", security.key_file); !s.ok()) return s;
  }
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      security.key_file, security.cert_file, security.ca_file, Seconds(refresh));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!security.cert_file.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeSecureLearnerChannel(
    const std::string& address, const ClientSecurity& security, absl::Duration refresh,
    grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentials(security, refresh);
  if (!credentials.ok()) return credentials.status();
  if (!security.server_name.empty()) args.SetSslTargetNameOverride(security.server_name);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!security.token_file.empty()) {
    absl::StatusOr<std::string> token = util::ReadTokenFile("token_file", security.token_file);
    if (!token.ok()) return token.status();
    interceptors.push_back(BearerTokenInterceptors(*token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, *credentials, args,
                                                                 std::move(interceptors));
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> BearerTokenInterceptors(
    const std::string& token) {
  return std::make_unique<BearerTokenFactory>(token);
}

bool IsLoopbackAddress(const std::string& address) {
  if (absl::StartsWith(address, "unix:")) return true;
  std::string host = address;
  if (absl::StartsWith(host, "[")) {
    host = host.substr(1, host.find(']') == std::string::npos ? std::string::npos
                                                              : host.find(']') - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::Status CheckListenSecurity(const std::string& address, const ServerTls& tls, bool tokens,
                                 bool insecure) {
  if ((tls.enabled() && tokens) || insecure || IsLoopbackAddress(address)) {
    return absl::OkStatus();
  }
  const std::string missing = !tls.enabled() && !tokens ? "TLS and tokens"
                              : !tls.enabled()          ? "TLS"
                                                        : "tokens";
  return absl::FailedPreconditionError(absl::StrCat(
      "--listen: \"", address, "\" is reachable from other machines, and this learner has no ",
      missing, ". Pass --tls_cert, --tls_key, --worker_token_file and --admin_token_file "
      "(deploy/make_certs.sh makes them all; see README, \"Running across machines securely\"), "
      "or --insecure on a network you trust, or listen on localhost"));
}

}  // namespace polo::rpc
