#include "util/process_memory.h"

#include <cstring>
#include <memory>

#include "gtest/gtest.h"

namespace polo::util {
namespace {

TEST(ProcessMemoryTest, TouchingMemoryRaisesTheResidentSetByAboutAsMuch) {
  const uint64_t before = ResidentBytes();
  ASSERT_GT(before, 0u);
  constexpr size_t kBytes = 64 << 20;
  std::unique_ptr<char[]> block(new char[kBytes]);
  std::memset(block.get(), 1, kBytes);
  const uint64_t after = ResidentBytes();
  // Tolerance: the allocator and the test runner may add or return a few MiB.
  EXPECT_GT(after, before + kBytes - (8 << 20));
  EXPECT_LT(after, before + kBytes + (8 << 20));
  EXPECT_GE(PeakResidentBytes() + (1 << 20), after);
  volatile char sink = block[kBytes - 1];
  (void)sink;
}

}  // namespace
}  // namespace polo::util
