#include "server/run_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc/json.h"
#include "server/episode_record.h"
#include "server/tensorboard_scalars.h"
#include "util/atomic_file.h"

namespace polo::server {

namespace {

// The first error of two, with the second's message if both failed.
absl::Status Either(absl::Status first, const absl::Status& second) {
  if (first.ok()) return second;
  if (second.ok()) return first;
  return absl::Status(first.code(), absl::StrCat(first.message(), "; ", second.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunFolder>> RunFolder::Create(
    const std::string& dir, const google::protobuf::Message& config, bool tensorboard) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("creating ", dir, ": ", ec.message()));
  // One learner per run folder: a second one (a restart while the old
  // process still runs) would interleave metrics and checkpoints.
  const std::string lock_path = dir + "/.lock";
  const int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) {
    return absl::InternalError(absl::StrCat("opening ", lock_path, ": ", std::strerror(errno)));
  }
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {0};
    const ssize_t n = pread(lock_fd, holder, sizeof(holder) - 1, 0);
    close(lock_fd);
    return absl::FailedPreconditionError(absl::StrCat(
        "run_dir: ", dir, " is in use by another learner (pid ",
        n > 0 ? std::string(absl::StripAsciiWhitespace(holder)) : "unknown",
        "); stop it first, or use another --run_dir"));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(lock_fd, 0) != 0 || pwrite(lock_fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; it is only for the message above.
  }
  if (absl::Status s = util::WriteFileAtomically(dir + "/config.json", rpc::ToJson(config, true));
      !s.ok()) {
    close(lock_fd);
    return s;
  }
  std::unique_ptr<util::TensorBoardWriter> events;
  if (tensorboard) {
    absl::StatusOr<std::unique_ptr<util::TensorBoardWriter>> writer =
        util::TensorBoardWriter::Create(dir + "/tb");
    if (!writer.ok()) {
      close(lock_fd);
      return absl::Status(writer.status().code(),
                          absl::StrCat(writer.status().message(),
                                       " (TensorBoard events; --tensorboard=false runs without)"));
    }
    events = *std::move(writer);
  }
  std::FILE* files[2] = {nullptr, nullptr};
  const char* names[2] = {"/metrics.jsonl", "/episodes.jsonl"};
  for (int i = 0; i < 2; ++i) {
    const std::string path = dir + names[i];
    files[i] = std::fopen(path.c_str(), "a");
    if (files[i] == nullptr) {
      if (i > 0) std::fclose(files[0]);
      close(lock_fd);
      return absl::InternalError(absl::StrCat("opening ", path, " for appending"));
    }
  }
  return std::unique_ptr<RunFolder>(
      new RunFolder(dir, lock_fd, files[0], files[1], std::move(events)));
}

RunFolder::~RunFolder() {
  absl::MutexLock lock(&mu_);
  std::fclose(metrics_);
  std::fclose(episodes_);
  close(lock_fd_);
}

absl::Status RunFolder::AppendMetrics(const polo::Progress& progress) {
  const absl::Time now = absl::Now();
  std::string json = rpc::ToJson(progress);
  // Splice the time in as the first field: {"unix_ms":...,<fields>}.
  const std::string prefix = absl::StrCat("{\"unix_ms\":", absl::ToUnixMillis(now));
  json = json.size() > 2 ? absl::StrCat(prefix, ",", json.substr(1)) : prefix + "}";
  const std::vector<util::Scalar> scalars = ProgressScalars(progress);
  absl::MutexLock lock(&mu_);
  absl::Status line;
  if (std::fputs((json + "\n").c_str(), metrics_) < 0 || std::fflush(metrics_) != 0) {
    line = absl::InternalError(absl::StrCat("appending to ", dir_, "/metrics.jsonl"));
  }
  return Either(line, AddEventLocked(static_cast<int64_t>(progress.agent_steps()), now, scalars));
}

absl::Status RunFolder::AppendEpisode(const polo::EpisodeRecord& record) {
  const absl::Time now = absl::Now();
  const std::string text = EpisodeJsonLine(record, absl::ToUnixMillis(now)) + "\n";
  const std::vector<util::Scalar> scalars = EpisodeScalars(record);
  absl::MutexLock lock(&mu_);
  absl::Status line;
  if (std::fputs(text.c_str(), episodes_) < 0 || std::fflush(episodes_) != 0) {
    line = absl::InternalError(absl::StrCat("appending to ", dir_, "/episodes.jsonl"));
  }
  return Either(line, AddEventLocked(static_cast<int64_t>(record.agent_steps()), now, scalars));
}

absl::Status RunFolder::AddEventLocked(int64_t step, absl::Time now,
                                       const std::vector<util::Scalar>& scalars) {
  if (tensorboard_ == nullptr) return absl::OkStatus();
  absl::Status s = tensorboard_->AddScalars(step, now, scalars);
  if (s.ok()) return s;
  tensorboard_.reset();
  return absl::Status(s.code(), absl::StrCat(s.message(),
                                             "; no more TensorBoard events, the run goes on"));
}

std::string RunFolder::tensorboard_path() const {
  absl::MutexLock lock(&mu_);
  return tensorboard_ == nullptr ? "" : tensorboard_->path();
}

std::string RunFolder::EpisodeStatesPath(const std::string& dir, uint64_t episode) {
  return absl::StrCat(dir, "/episodes/", episode, ".states");
}

absl::Status RunFolder::WriteEpisodeStates(uint64_t episode, const models::StateFile& file) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_ + "/episodes", ec);
  if (ec) return absl::InternalError(absl::StrCat("creating ", dir_, "/episodes: ", ec.message()));
  return models::WriteStateFile(EpisodeStatesPath(dir_, episode), file);
}

}  // namespace polo::server
