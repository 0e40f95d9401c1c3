#include "util/tensorboard_writer.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/tensorboard_event.pb.h"
#include "util/crc32c.h"
#include "util/event_file_reader.h"

namespace polo::util {
namespace {

uint64_t LittleEndian(const std::string& bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

std::vector<polo::tensorboard::Event> ReadEvents(const std::string& path) {
  absl::StatusOr<std::vector<polo::tensorboard::Event>> events = ReadEventFile(path);
  EXPECT_TRUE(events.ok()) << events.status();
  return events.ok() ? *events : std::vector<polo::tensorboard::Event>();
}

class TensorBoardWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/tb_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(TensorBoardWriterTest, NamesTheFileAsTensorBoardDoesAndStartsWithTheFileVersion) {
  const absl::Time now = absl::FromUnixSeconds(1700000000) + absl::Milliseconds(250);
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> writer = TensorBoardWriter::Create(dir_, now);
  ASSERT_TRUE(writer.ok()) << writer.status();
  char host[256] = {0};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  EXPECT_EQ((*writer)->path(), absl::StrCat(dir_, "/events.out.tfevents.1700000000.", host));
  const std::vector<polo::tensorboard::Event> events = ReadEvents((*writer)->path());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_DOUBLE_EQ(events[0].wall_time(), 1700000000.25);
}

// Read while the writer is still open: an accepted event is in the file,
// not in a buffer that a crash would lose. A scalar of 0 is written (a
// oneof member), so readers see it rather than a value-less entry.
TEST_F(TensorBoardWriterTest, EveryScalarIsInTheFileAsSoonAsItIsAdded) {
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> writer = TensorBoardWriter::Create(dir_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const absl::Time t = absl::FromUnixSeconds(1700000100);
  ASSERT_TRUE((*writer)->AddScalars(16, t, {{"train/value_loss", 0.5f}, {"system/cpu", 0.0f}}).ok());
  ASSERT_TRUE((*writer)->AddScalars(1000, t + absl::Seconds(1), {{"episode/return", -3.25f}}).ok());
  const std::vector<polo::tensorboard::Event> events = ReadEvents((*writer)->path());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].step(), 16);
  EXPECT_DOUBLE_EQ(events[1].wall_time(), 1700000100.0);
  ASSERT_EQ(events[1].summary().value_size(), 2);
  EXPECT_EQ(events[1].summary().value(0).tag(), "train/value_loss");
  EXPECT_EQ(events[1].summary().value(0).simple_value(), 0.5f);
  EXPECT_EQ(events[1].summary().value(1).tag(), "system/cpu");
  EXPECT_EQ(events[1].summary().value(1).value_case(),
            polo::tensorboard::Summary::Value::kSimpleValue);
  EXPECT_EQ(events[2].step(), 1000);
  EXPECT_EQ(events[2].summary().value(0).simple_value(), -3.25f);
}

// The empty record worked by hand: length 0 (8 zero bytes), their masked
// CRC, no data, and the masked CRC of nothing, the mask's offset alone.
TEST(FramedRecordTest, IsLengthItsCrcDataAndTheDatasCrcLittleEndian) {
  const std::string empty = FramedRecord("");
  ASSERT_EQ(empty.size(), 16u);
  EXPECT_EQ(empty.substr(0, 8), std::string(8, '\0'));
  EXPECT_EQ(LittleEndian(empty, 8, 4), MaskedCrc32c(std::string(8, '\0')));
  EXPECT_EQ(empty.substr(12), std::string("\xD8\xEA\x82\xA2", 4));
  const std::string framed = FramedRecord("abc");
  ASSERT_EQ(framed.size(), 19u);
  EXPECT_EQ(LittleEndian(framed, 0, 8), 3u);
  EXPECT_EQ(framed.substr(12, 3), "abc");
  EXPECT_EQ(LittleEndian(framed, 15, 4), MaskedCrc32c("abc"));
}

// The reader the tests use must be able to fail: one flipped bit in an
// event's data is caught by its CRC.
TEST_F(TensorBoardWriterTest, AFlippedBitIsDataLossForTheReader) {
  std::string path;
  {
    absl::StatusOr<std::unique_ptr<TensorBoardWriter>> writer = TensorBoardWriter::Create(dir_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->AddScalars(7, absl::Now(), {{"episode/return", 1.5f}}).ok());
    path = (*writer)->path();
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(-6, std::ios::end);  // Inside the last event's data.
  const char byte = static_cast<char>(file.get());
  file.seekp(-6, std::ios::end);
  file.put(static_cast<char>(byte ^ 0x01));
  file.close();
  absl::StatusOr<std::vector<polo::tensorboard::Event>> events = ReadEventFile(path);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kDataLoss) << events.status();
}

// A stop and a resume within the same second must not overwrite the
// first instance's events.
TEST_F(TensorBoardWriterTest, ASecondWriterInTheSameSecondGetsAFileOfItsOwn) {
  const absl::Time now = absl::FromUnixSeconds(1700000200);
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> first = TensorBoardWriter::Create(dir_, now);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->AddScalars(1, now, {{"a", 1.0f}}).ok());
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> second = TensorBoardWriter::Create(dir_, now);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->path(), (*first)->path() + ".1");
  EXPECT_EQ(ReadEvents((*first)->path()).size(), 2u);
  EXPECT_EQ(ReadEvents((*second)->path()).size(), 1u);
}

TEST_F(TensorBoardWriterTest, AFolderThatCannotBeMadeIsAnErrorNamingIt) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/file") << "not a folder";
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> writer =
      TensorBoardWriter::Create(dir_ + "/file/tb");
  ASSERT_FALSE(writer.ok());
  EXPECT_TRUE(absl::StrContains(writer.status().message(), dir_ + "/file/tb"))
      << writer.status();
}

// A full disk, made with a file-size limit in a child process (so the
// limit cannot touch this process's own output): the first failed write
// is an error naming the file and the OS's reason, later ones are refused
// without writing, and nothing crashes. Exit codes say which check failed.
TEST_F(TensorBoardWriterTest, AWriteErrorIsReportedOnceAndThenNothingMoreIsWritten) {
  absl::StatusOr<std::unique_ptr<TensorBoardWriter>> writer = TensorBoardWriter::Create(dir_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string path = (*writer)->path();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);  // EFBIG from write(2) instead of the signal.
    rlimit limit;
    getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = 200;
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(10);
    const absl::Time t = absl::Now();
    const absl::Status fits = (*writer)->AddScalars(1, t, {{"small", 1.0f}});
    if (!fits.ok()) _exit(11);
    const absl::Status full = (*writer)->AddScalars(2, t, {{std::string(300, 'x'), 2.0f}});
    if (full.code() != absl::StatusCode::kInternal) _exit(12);
    if (!absl::StrContains(full.message(), path)) _exit(13);
    if (!absl::StrContains(full.message(), "File too large")) _exit(14);
    const absl::Status after = (*writer)->AddScalars(3, t, {{"small", 3.0f}});
    if (after.code() != absl::StatusCode::kFailedPrecondition) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The file holds the whole records written before the error and a torn
  // one, which readers take for the end.
  EXPECT_LE(std::filesystem::file_size(path), 200u);
  EXPECT_GT(std::filesystem::file_size(path), 60u);
}

}  // namespace
}  // namespace polo::util
