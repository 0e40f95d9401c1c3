#include "util/crc32c.h"

#include <string>

#include <gtest/gtest.h>

namespace polo::util {
namespace {

// The check value of the CRC-32C catalogue entry and the examples of RFC
// 3720, appendix B.4: any other polynomial, reflection or final XOR fails
// at least one.
TEST(Crc32cTest, MatchesTheCheckValueAndRfc3720Examples) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, OfNothingIsZero) { EXPECT_EQ(Crc32c(""), 0u); }

// The mask TFRecord framing applies, worked by hand for "123456789":
// 0xE3069283 rotated right by 15 is 0x2507C60D; plus 0xA282EAD8 is
// 0xC78AB0E5 (mod 2^32).
TEST(Crc32cTest, MaskRotatesRightBy15AndAddsTheOffset) {
  EXPECT_EQ(MaskedCrc32c("123456789"), 0xC78AB0E5u);
  // Crc32c("") == 0, so its mask is the offset alone.
  EXPECT_EQ(MaskedCrc32c(""), 0xA282EAD8u);
}

}  // namespace
}  // namespace polo::util
