#include "util/secrets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

namespace polo::util {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(SecretsTest, RandomTokensAreHexOfTheAskedLengthAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = RandomHexToken(16);
    ASSERT_EQ(token.size(), 32u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SecretsTest, Sha256MatchesTheStandardTestVector) {
  // FIPS 180-2, "abc".
  const std::string digest = Sha256("abc");
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0xad);
}

TEST(SecretsTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("secret-token-123", "secret-token-123"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token-123", "secret-token-124"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token-123", "secret-token-12"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

TEST(SecretsTest, ATokenFileIsOneLineOfAtLeastSixteenCharacters) {
  EXPECT_EQ(*ReadTokenFile("token_file", WriteFile("good", "  0123456789abcdef0123\n")),
            "0123456789abcdef0123");
  EXPECT_EQ(ReadTokenFile("token_file", WriteFile("empty", "\n")).status().message(),
            "--token_file: \"" + std::string(std::getenv("TEST_TMPDIR")) + "/empty\" is empty");
  const absl::Status short_token = ReadTokenFile("admin_token_file", WriteFile("short", "abc")).status();
  EXPECT_EQ(short_token.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(short_token.message().find("--admin_token_file: the token in"), std::string::npos)
      << short_token.message();
  EXPECT_NE(ReadTokenFile("token_file", WriteFile("two", "0123456789abcdef\nsecond-line-token"))
                .status()
                .message()
                .find("more than one token"),
            std::string::npos);
  const absl::Status missing = ReadTokenFile("worker_token_file", "/nonexistent/token").status();
  EXPECT_EQ(missing.message(),
            "--worker_token_file: cannot read \"/nonexistent/token\": No such file or directory");
}

}  // namespace
}  // namespace polo::util
