#include "server/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace polo::server {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

absl::Status SaveTrainer(const std::string& path) {
  std::ofstream(path) << "trainer";
  return absl::OkStatus();
}

polo::LearnerState State(uint64_t steps, uint64_t updates) {
  polo::LearnerState s;
  s.set_agent_steps(steps);
  s.set_updates(updates);
  return s;
}

TEST(CheckpointTest, ASecondCheckpointAtTheSameCountsNeverReplacesTheLatest) {
  const std::string run = FreshDir("same_counts");
  absl::StatusOr<std::string> first = WriteCheckpoint(run, State(32, 2), {}, SaveTrainer);
  ASSERT_TRUE(first.ok()) << first.status();
  // A periodic checkpoint, then the final one with nothing in between: once
  // the same name, removed (LATEST pointing at nothing) before the rename.
  absl::StatusOr<std::string> second = WriteCheckpoint(run, State(32, 2), {}, SaveTrainer);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(*first, *second);
  EXPECT_EQ(fs::path(*second).filename(), "ckpt-32-2.2");
  EXPECT_TRUE(fs::exists(fs::path(*first) / "learner.pb"));
  absl::StatusOr<LoadedCheckpoint> loaded = LoadLatestCheckpoint(run);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->path, *second);
  EXPECT_EQ(loaded->state.agent_steps(), 32u);
}

TEST(CheckpointTest, KeepsTheNewestAndAlwaysTheLatest) {
  const std::string run = FreshDir("keep");
  std::string last;
  for (uint64_t i = 1; i <= 5; ++i) {
    absl::StatusOr<std::string> path = WriteCheckpoint(run, State(16 * i, i), {}, SaveTrainer,
                                                       /*keep=*/2);
    ASSERT_TRUE(path.ok()) << path.status();
    last = *path;
  }
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(run) / "checkpoints")) {
    kept += entry.is_directory();
  }
  EXPECT_EQ(kept, 2);
  EXPECT_EQ(LoadLatestCheckpoint(run)->path, last);
}

TEST(CheckpointTest, LoadingNamesWhatIsMissingOrCorrupt) {
  const std::string run = FreshDir("corrupt");
  EXPECT_EQ(LoadLatestCheckpoint(run).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> path = WriteCheckpoint(run, State(8, 1), {}, SaveTrainer);
  ASSERT_TRUE(path.ok());
  std::ofstream(fs::path(*path) / "learner.pb", std::ios::trunc) << "\xff\xff not a proto";
  const absl::Status status = LoadLatestCheckpoint(run).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("learner.pb: does not parse"), std::string::npos)
      << status.message();
}

TEST(CheckpointTest, ACheckpointWithoutLatestIsDataLossNotAFreshStart) {
  // Only a folder without any checkpoint reads as "none yet" (NotFound,
  // which a resuming learner takes as a fresh start); a lost LATEST beside
  // a written checkpoint must stop it instead of discarding that one.
  const std::string run = FreshDir("no_latest");
  absl::StatusOr<std::string> path = WriteCheckpoint(run, State(8, 1), {}, SaveTrainer);
  ASSERT_TRUE(path.ok());
  fs::remove(fs::path(run) / "checkpoints" / "LATEST");
  const absl::Status status = LoadLatestCheckpoint(run).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("but no readable LATEST"), std::string::npos)
      << status.message();
}

}  // namespace
}  // namespace polo::server
