#include "util/subprocess.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "absl/time/clock.h"

namespace polo::util {
namespace {

std::string LogPath(const char* name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name + ".log";
}

TEST(SubprocessTest, ExitStatusAndOutputAreTheChilds) {
  Subprocess p({"/bin/sh", "-c", "echo hello; exit 3"}, LogPath("exit"));
  EXPECT_EQ(p.Wait(absl::Now() + absl::Seconds(10)), 3);
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.Log(), "hello\n");
  EXPECT_FALSE(p.CpuSeconds().has_value());  // Ended: no /proc entry to read.
}

TEST(SubprocessTest, CpuSecondsCountsABusyChildsTime) {
  // `yes` spins on one core in the process itself (no grandchildren).
  const absl::Time start = absl::Now();
  Subprocess p({"/bin/sh", "-c", "exec yes > /dev/null"}, LogPath("cpu"));
  absl::SleepFor(absl::Seconds(1));
  std::optional<double> cpu = p.CpuSeconds();
  const double wall = absl::ToDoubleSeconds(absl::Now() - start);
  ASSERT_TRUE(cpu.has_value());
  // A twentieth of a core at least (the cores may be shared), at most the
  // wall time plus a clock tick.
  EXPECT_GT(*cpu, 0.05);
  EXPECT_LE(*cpu, wall + 0.01);
  EXPECT_EQ(p.Stop(absl::Seconds(5)), 128 + SIGTERM);
}

TEST(SubprocessTest, StopKillsAChildThatIgnoresSigterm) {
  Subprocess p({"/bin/sh", "-c", "trap '' TERM; echo ready; sleep 30"}, LogPath("ignore"));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (p.Log() != "ready\n" && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  const absl::Time start = absl::Now();
  EXPECT_EQ(p.Stop(absl::Milliseconds(300)), 128 + SIGKILL);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(SubprocessTest, RunAndCaptureReturnsStdoutOrNothing) {
  EXPECT_EQ(RunAndCapture({"/bin/echo", "a", "b"}, absl::Seconds(10)), "a b\n");
  EXPECT_FALSE(RunAndCapture({"/bin/false"}, absl::Seconds(10)).has_value());
  EXPECT_FALSE(RunAndCapture({"/bin/sleep", "30"}, absl::Milliseconds(200)).has_value());
  EXPECT_FALSE(RunAndCapture({"/no/such/binary"}, absl::Seconds(10)).has_value());
}

TEST(SubprocessTest, FreePortIsALoopbackPort) {
  const int port = FreePort();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

}  // namespace
}  // namespace polo::util
