#include "server/run_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proto/tensorboard_event.pb.h"
#include "util/event_file_reader.h"

namespace polo::server {
namespace {

using polo::tensorboard::Event;

std::string FreshDir(const std::string& name) {
  const std::string dir = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
  std::filesystem::remove_all(dir);
  return dir;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The "unix_ms" every line starts with.
int64_t UnixMs(const std::string& line) {
  const std::string prefix = "{\"unix_ms\":";
  int64_t ms = -1;
  if (line.rfind(prefix, 0) == 0) {
    (void)absl::SimpleAtoi(line.substr(prefix.size(), line.find(',') - prefix.size()), &ms);
  }
  return ms;
}

std::vector<std::string> EventFiles(const std::string& dir) {
  std::vector<std::string> files;
  if (!std::filesystem::exists(dir + "/tb")) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/tb")) {
    files.push_back(entry.path().string());
  }
  return files;
}

float Value(const Event& event, const std::string& tag) {
  for (const auto& v : event.summary().value()) {
    if (v.tag() == tag) return v.simple_value();
  }
  ADD_FAILURE() << "no " << tag << " in " << event.ShortDebugString();
  return -1;
}

polo::EpisodeRecord Episode(uint64_t agent_steps, double ret) {
  polo::EpisodeRecord r;
  r.set_episode(1);
  r.set_agent_steps(agent_steps);
  r.set_length(1000);
  r.set_return_(ret);
  r.set_coverage(0.25);
  return r;
}

// One record feeds both files: the event has the record's step, its
// numbers and the line's time. Read after the folder is gone, so nothing
// was left in a buffer at a clean stop.
TEST(RunFolderTest, EachEpisodeAndUpdateIsALineAndAnEventAtItsAgentSteps) {
  const std::string dir = FreshDir("both");
  {
    absl::StatusOr<std::unique_ptr<RunFolder>> folder = RunFolder::Create(dir, polo::RunConfig());
    ASSERT_TRUE(folder.ok()) << folder.status();
    ASSERT_TRUE((*folder)->AppendEpisode(Episode(1000, -2.5)).ok());
    polo::Progress progress;
    progress.set_agent_steps(1016);
    progress.set_value_loss(0.5);
    ASSERT_TRUE((*folder)->AppendMetrics(progress).ok());
  }
  const std::vector<std::string> files = EventFiles(dir);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(absl::StrContains(files[0], "/tb/events.out.tfevents.")) << files[0];
  absl::StatusOr<std::vector<Event>> events = util::ReadEventFile(files[0]);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].file_version(), "brain.Event:2");
  const Event& episode = (*events)[1];
  EXPECT_EQ(episode.step(), 1000);
  EXPECT_EQ(Value(episode, "episode/return"), -2.5f);
  EXPECT_EQ(Value(episode, "episode/coverage"), 0.25f);
  const Event& update = (*events)[2];
  EXPECT_EQ(update.step(), 1016);
  EXPECT_EQ(Value(update, "train/value_loss"), 0.5f);
  // The lines' unix_ms is the events' wall time, truncated to the ms.
  const std::vector<std::string> episodes = Lines(dir + "/episodes.jsonl");
  const std::vector<std::string> metrics = Lines(dir + "/metrics.jsonl");
  ASSERT_EQ(episodes.size(), 1u);
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_NEAR(episode.wall_time(), UnixMs(episodes[0]) / 1000.0 + 0.0005, 0.0006);
  EXPECT_NEAR(update.wall_time(), UnixMs(metrics[0]) / 1000.0 + 0.0005, 0.0006);
}

TEST(RunFolderTest, WithoutTensorBoardThereIsNoEventFile) {
  const std::string dir = FreshDir("off");
  absl::StatusOr<std::unique_ptr<RunFolder>> folder =
      RunFolder::Create(dir, polo::RunConfig(), /*tensorboard=*/false);
  ASSERT_TRUE(folder.ok()) << folder.status();
  ASSERT_TRUE((*folder)->AppendEpisode(Episode(1000, 1)).ok());
  EXPECT_EQ((*folder)->tensorboard_path(), "");
  EXPECT_FALSE(std::filesystem::exists(dir + "/tb"));
  EXPECT_EQ(Lines(dir + "/episodes.jsonl").size(), 1u);
}

// A resumed learner takes the folder again: its events go to a file of
// their own beside the first instance's, which TensorBoard reads as one run.
TEST(RunFolderTest, EachLearnerInstanceStartsAnEventFileOfItsOwn) {
  const std::string dir = FreshDir("resumed");
  for (int instance = 0; instance < 2; ++instance) {
    absl::StatusOr<std::unique_ptr<RunFolder>> folder = RunFolder::Create(dir, polo::RunConfig());
    ASSERT_TRUE(folder.ok()) << folder.status();
    ASSERT_TRUE((*folder)->AppendEpisode(Episode(1000 * (instance + 1), instance)).ok());
  }
  const std::vector<std::string> files = EventFiles(dir);
  ASSERT_EQ(files.size(), 2u);
  for (const std::string& file : files) {
    absl::StatusOr<std::vector<Event>> events = util::ReadEventFile(file);
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_EQ(events->size(), 2u) << file;
  }
  EXPECT_EQ(Lines(dir + "/episodes.jsonl").size(), 2u);
}

// The event file's descriptor is pointed at /dev/full (every write fails
// with ENOSPC): the first append reports it, naming the file, later ones
// are quiet, and the .jsonl lines go on.
TEST(RunFolderTest, AFullDiskForEventsIsReportedOnceAndTheLinesGoOn) {
  const std::string dir = FreshDir("full");
  absl::StatusOr<std::unique_ptr<RunFolder>> folder = RunFolder::Create(dir, polo::RunConfig());
  ASSERT_TRUE(folder.ok()) << folder.status();
  const std::string events = (*folder)->tensorboard_path();
  int events_fd = -1;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(entry.path(), ec) == events) {
      events_fd = std::stoi(entry.path().filename().string());
    }
  }
  ASSERT_GE(events_fd, 0) << "no descriptor open on " << events;
  const int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  ASSERT_EQ(dup2(full, events_fd), events_fd);
  close(full);
  const absl::Status first = (*folder)->AppendEpisode(Episode(1000, 1));
  EXPECT_EQ(first.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(first.message(), events)) << first;
  EXPECT_TRUE(absl::StrContains(first.message(), "No space left on device")) << first;
  EXPECT_EQ((*folder)->tensorboard_path(), "");
  polo::Progress progress;
  EXPECT_TRUE((*folder)->AppendMetrics(progress).ok());
  EXPECT_TRUE((*folder)->AppendEpisode(Episode(2000, 2)).ok());
  EXPECT_EQ(Lines(dir + "/episodes.jsonl").size(), 2u);
  EXPECT_EQ(Lines(dir + "/metrics.jsonl").size(), 1u);
}

}  // namespace
}  // namespace polo::server
