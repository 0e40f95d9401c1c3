#include "rpc/security.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace polo::rpc {
namespace {

TEST(SecurityTest, OnlyLocalAddressesCountAsLoopback) {
  for (const char* local : {"localhost:50051", "127.0.0.1:1", "127.5.6.7:80", "[::1]:50051",
                            "::1:50051", "unix:/tmp/polo.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(local)) << local;
  }
  for (const char* remote : {"0.0.0.0:50051", "[::]:50051", "10.0.0.5:50051", "learner:50051",
                             "localhost.example.com:1", "128.0.0.1:1", ":50051"}) {
    EXPECT_FALSE(IsLoopbackAddress(remote)) << remote;
  }
}

TEST(SecurityTest, ALearnerBeyondLoopbackNeedsTlsAndTokensOrInsecure) {
  ServerTls none;
  ServerTls tls;
  tls.cert_file = "server.pem";
  tls.key_file = "server.key";
  EXPECT_TRUE(CheckListenSecurity("localhost:50051", none, false, false).ok());
  EXPECT_TRUE(CheckListenSecurity("0.0.0.0:50051", tls, true, false).ok());
  EXPECT_TRUE(CheckListenSecurity("0.0.0.0:50051", none, false, true).ok());
  const absl::Status plain = CheckListenSecurity("0.0.0.0:50051", none, false, false);
  EXPECT_EQ(plain.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(plain.message().rfind("--listen: \"0.0.0.0:50051\" is reachable from other machines, "
                                  "and this learner has no TLS and tokens.",
                                  0),
            0u)
      << plain.message();
  EXPECT_NE(plain.message().find("--insecure"), std::string::npos);
  EXPECT_NE(CheckListenSecurity("[::]:1", tls, false, false).message().find("has no tokens"),
            std::string::npos);
  EXPECT_NE(CheckListenSecurity("10.1.2.3:1", none, true, false).message().find("has no TLS."),
            std::string::npos);
}

TEST(SecurityTest, BadCertificateSettingsNameTheFlag) {
  ServerTls half;
  half.cert_file = "/x.pem";
  EXPECT_EQ(MakeServerCredentials(half).status().message(),
            "--tls_key: missing; TLS needs both --tls_cert and --tls_key");
  ServerTls missing;
  missing.cert_file = "/nonexistent/server.pem";
  missing.key_file = "/nonexistent/server.key";
  EXPECT_EQ(MakeServerCredentials(missing).status().message(),
            "--tls_cert: cannot read \"/nonexistent/server.pem\": No such file or directory");
  const std::string not_pem = std::string(std::getenv("TEST_TMPDIR")) + "/not.pem";
  std::ofstream(not_pem) << "hello\n";
  ServerTls garbage;
  garbage.cert_file = not_pem;
  garbage.key_file = not_pem;
  EXPECT_EQ(MakeServerCredentials(garbage).status().message(),
            "--tls_cert: \"" + not_pem + "\" is empty or not PEM (expected a -----BEGIN block)");
  ServerTls ca_only;
  ca_only.client_ca_file = "/ca.pem";
  EXPECT_EQ(MakeServerCredentials(ca_only).status().code(), absl::StatusCode::kInvalidArgument);

  ClientSecurity cert_without_ca;
  cert_without_ca.cert_file = "/client.pem";
  cert_without_ca.key_file = "/client.key";
  EXPECT_EQ(MakeSecureLearnerChannel("localhost:1", cert_without_ca).status().message().rfind(
                "--tls_ca: missing", 0),
            0u);
  ClientSecurity bad_token;
  bad_token.token_file = "/nonexistent/token";
  EXPECT_EQ(MakeSecureLearnerChannel("localhost:1", bad_token).status().message(),
            "--token_file: cannot read \"/nonexistent/token\": No such file or directory");
}

}  // namespace
}  // namespace polo::rpc
