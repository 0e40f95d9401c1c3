#include "server/progress_reporter.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace polo::server {
namespace {

// Everything written to `file` so far.
std::string Contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.append(buffer, n);
  return out;
}

polo::Progress ProgressAt(uint64_t steps) {
  polo::Progress p;
  p.set_agent_steps(steps);
  p.set_coverage(0.25);
  p.mutable_last_episode()->set_episode(3);
  p.mutable_last_episode()->set_return_(-1.5);
  return p;
}

TEST(ProgressReporterTest, ANonTerminalGetsOneParseableLineEveryInterval) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressReporter reporter(file, /*terminal=*/false, absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  // Reported every second for 25 s: lines at 0, 10 and 20 s.
  for (int s = 0; s <= 25; ++s) reporter.Report(ProgressAt(s), 2, t0 + absl::Seconds(s));
  reporter.Finish();
  const std::string out = Contents(file);
  std::fclose(file);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out;
  const uint64_t expected_steps[] = {0, 10, 20};
  for (size_t i = 0; i < lines.size(); ++i) {
    // {"progress":{...},"workers_connected":2}: the inner object is the
    // Progress message as the CLI's --json prints it.
    const std::string prefix = "{\"progress\":";
    const std::string suffix = ",\"workers_connected\":2}";
    ASSERT_EQ(lines[i].rfind(prefix, 0), 0u) << lines[i];
    ASSERT_GE(lines[i].size(), prefix.size() + suffix.size());
    ASSERT_EQ(lines[i].substr(lines[i].size() - suffix.size()), suffix) << lines[i];
    const std::string inner =
        lines[i].substr(prefix.size(), lines[i].size() - prefix.size() - suffix.size());
    polo::Progress parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(inner, &parsed).ok()) << inner;
    EXPECT_EQ(parsed.agent_steps(), expected_steps[i]);
    EXPECT_EQ(parsed.last_episode().return_(), -1.5);
  }
}

TEST(ProgressReporterTest, ATerminalGetsOneLiveLineEndedByFinish) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressReporter reporter(file, /*terminal=*/true, absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int s = 0; s < 3; ++s) reporter.Report(ProgressAt(s), 1, t0 + absl::Seconds(s));
  const std::string live = Contents(file);
  EXPECT_EQ(live.find('\n'), std::string::npos);
  EXPECT_EQ(std::count(live.begin(), live.end(), '\r'), 3);
  EXPECT_NE(live.find("steps 2  episodes 0"), std::string::npos) << live;
  reporter.Finish();
  const std::string done = Contents(file);
  std::fclose(file);
  EXPECT_EQ(done.back(), '\n');
}

}  // namespace
}  // namespace polo::server
