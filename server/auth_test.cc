#include "server/auth.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace polo::server {
namespace {

std::string TokenFile(const std::string& name, const std::string& token) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << token << "\n";
  return path;
}

TEST(AuthorizerTest, TokensComeFromTwoDifferentReadableFilesOrNone) {
  absl::StatusOr<Authorizer> none = Authorizer::FromFiles("", "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->enabled());
  const std::string worker = TokenFile("worker", "0123456789abcdef-worker");
  const std::string admin = TokenFile("admin", "0123456789abcdef-admin");
  absl::StatusOr<Authorizer> both = Authorizer::FromFiles(worker, admin);
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(both->enabled());
  EXPECT_EQ(both->worker_token(), "0123456789abcdef-worker");
  EXPECT_EQ(Authorizer::FromFiles(worker, "").status().message(),
            "--admin_token_file: missing; tokens need both --worker_token_file and "
            "--admin_token_file (deploy/make_certs.sh writes both)");
  EXPECT_EQ(Authorizer::FromFiles(worker, worker).status().message(),
            "--admin_token_file: holds the worker token; the roles need different tokens");
  EXPECT_EQ(Authorizer::FromFiles(worker, TokenFile("empty", "")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Authorizer::FromFiles("/nonexistent", admin).status().message().rfind(
                "--worker_token_file: cannot read", 0),
            0u);
}

}  // namespace
}  // namespace polo::server
