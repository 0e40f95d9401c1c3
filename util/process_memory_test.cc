#include "util/process_memory.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Another process's: a child that touches 64 MiB more than its parent has
// and waits; no process: 0.
TEST(ProcessMemoryTest, AnotherProcessIsReadByItsPid) {
  constexpr size_t kBytes = 64 << 20;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char* block = new char[kBytes];
    std::memset(block, 1, kBytes);
    const char c = 1;
    (void)!write(ready[1], &c, 1);
    pause();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  const uint64_t self = ResidentBytes();
  const uint64_t other = ResidentBytes(child);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  // The child holds what it shares with this process and its own block.
  EXPECT_GT(other, self + kBytes / 2);
  EXPECT_EQ(ResidentBytes(child), 0u);  // Reaped: no such process.
  close(ready[0]);
  close(ready[1]);
}

}  // namespace
}  // namespace polo::util
