#include "server/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/atomic_file.h"

namespace polo::server {
namespace {

namespace fs = std::filesystem;

absl::Status FsError(const std::string& what, const std::string& path, const std::error_code& ec) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", ec.message()));
}

absl::Status WriteProto(const std::string& path, const google::protobuf::Message& message) {
  std::string bytes;
  if (!message.SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("serialising ", path));
  }
  return util::WriteFileAtomically(path, bytes);
}

absl::Status ReadProto(const std::string& path, google::protobuf::Message* message) {
  absl::StatusOr<std::string> bytes = util::ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  if (!message->ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(path, ": does not parse as ", message->GetTypeName()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> WriteCheckpoint(
    const std::string& run_dir, const polo::LearnerState& state,
    const polo::ReplayBufferSnapshot& replay,
    const std::function<absl::Status(const std::string& path)>& save_trainer, int keep) {
  const fs::path dir = fs::path(run_dir) / "checkpoints";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return FsError("creating", dir.string(), ec);
  // A new directory every time: a second checkpoint at the same counts (the
  // final one after a periodic one, two Checkpoint calls) gets a suffix, so
  // the one LATEST names is never removed or overwritten.
  const std::string base = absl::StrCat("ckpt-", state.agent_steps(), "-", state.updates());
  std::string name = base;
  for (int copy = 2; fs::exists(dir / name, ec); ++copy) name = absl::StrCat(base, ".", copy);
  const fs::path tmp = dir / (name + ".tmp");
  const fs::path final_path = dir / name;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return FsError("creating", tmp.string(), ec);

  if (absl::Status s = WriteProto((tmp / "learner.pb").string(), state); !s.ok()) return s;
  if (absl::Status s = WriteProto((tmp / "replay.pb").string(), replay); !s.ok()) return s;
  if (absl::Status s = save_trainer((tmp / "trainer.pb").string()); !s.ok()) return s;

  fs::rename(tmp, final_path, ec);
  if (ec) return FsError("renaming to", final_path.string(), ec);
  if (absl::Status s = util::WriteFileAtomically((dir / "LATEST").string(), name); !s.ok()) {
    return s;
  }

  // Prune: keep the newest `keep` complete checkpoints (by modification time).
  std::vector<fs::directory_entry> checkpoints;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string n = entry.path().filename().string();
    if (entry.is_directory() && absl::StartsWith(n, "ckpt-") && !absl::EndsWith(n, ".tmp")) {
      checkpoints.push_back(entry);
    }
  }
  std::sort(checkpoints.begin(), checkpoints.end(), [](const auto& a, const auto& b) {
    return a.last_write_time() > b.last_write_time();
  });
  for (size_t i = static_cast<size_t>(keep); i < checkpoints.size(); ++i) {
    if (checkpoints[i].path() != final_path) fs::remove_all(checkpoints[i].path(), ec);
  }
  return final_path.string();
}

absl::StatusOr<LoadedCheckpoint> LoadLatestCheckpoint(const std::string& run_dir) {
  const fs::path dir = fs::path(run_dir) / "checkpoints";
  absl::StatusOr<std::string> latest = util::ReadFileToString((dir / "LATEST").string());
  if (!latest.ok()) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      if (e.is_directory() && absl::StartsWith(e.path().filename().string(), "ckpt-")) {
        return absl::DataLossError(absl::StrCat(
            dir.string(), ": holds ", e.path().filename().string(),
            " but no readable LATEST (", latest.status().message(),
            "); write the name of the checkpoint to resume into LATEST"));
      }
    }
    return absl::NotFoundError(absl::StrCat("no checkpoint in ", dir.string(), " (",
                                            latest.status().message(), ")"));
  }
  LoadedCheckpoint out;
  out.path = (dir / std::string(absl::StripAsciiWhitespace(*latest))).string();
  out.trainer_path = (fs::path(out.path) / "trainer.pb").string();
  if (absl::Status s = ReadProto((fs::path(out.path) / "learner.pb").string(), &out.state);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadProto((fs::path(out.path) / "replay.pb").string(), &out.replay);
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace polo::server
