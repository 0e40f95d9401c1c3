#include "util/tensorboard_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/tensorboard_event.pb.h"
#include "util/crc32c.h"

namespace polo::util {
namespace {

constexpr char kFileVersion[] = "brain.Event:2";

void AppendLittleEndian(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

std::string HostName() {
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

absl::Status OsError(const std::string& what, const std::string& path, int error) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

// write(2) until all of `data` is out (a short write is not an error).
bool WriteAll(int fd, absl::string_view data, int* error) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = n < 0 ? errno : EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string FramedRecord(absl::string_view data) {
  std::string record;
  record.reserve(data.size() + 16);
  AppendLittleEndian(data.size(), 8, &record);
  AppendLittleEndian(MaskedCrc32c(record), 4, &record);
  record.append(data.data(), data.size());
  AppendLittleEndian(MaskedCrc32c(data), 4, &record);
  return record;
}

absl::StatusOr<std::unique_ptr<TensorBoardWriter>> TensorBoardWriter::Create(
    const std::string& dir, absl::Time now) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("creating ", dir, ": ", ec.message()));
  const std::string base =
      absl::StrCat(dir, "/events.out.tfevents.", absl::ToUnixSeconds(now), ".", HostName());
  // A learner stopped and resumed within the second would otherwise
  // overwrite the first instance's events.
  std::string path = base;
  int fd = -1;
  for (int suffix = 1; fd < 0; ++suffix) {
    fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) return OsError("creating", path, errno);
    if (fd < 0) path = absl::StrCat(base, ".", suffix);
  }
  std::unique_ptr<TensorBoardWriter> writer(new TensorBoardWriter(path, fd));
  polo::tensorboard::Event event;
  event.set_wall_time(absl::ToDoubleSeconds(now - absl::UnixEpoch()));
  event.set_file_version(kFileVersion);
  absl::Status written;
  {
    absl::MutexLock lock(&writer->mu_);
    written = writer->AppendRecord(event.SerializeAsString());
  }
  if (!written.ok()) {
    writer.reset();
    unlink(path.c_str());
    return written;
  }
  return writer;
}

TensorBoardWriter::~TensorBoardWriter() { close(fd_); }

absl::Status TensorBoardWriter::AddScalars(int64_t step, absl::Time wall_time,
                                           absl::Span<const Scalar> scalars) {
  polo::tensorboard::Event event;
  event.set_wall_time(absl::ToDoubleSeconds(wall_time - absl::UnixEpoch()));
  event.set_step(step);
  polo::tensorboard::Summary* summary = event.mutable_summary();
  for (const Scalar& scalar : scalars) {
    polo::tensorboard::Summary::Value* value = summary->add_value();
    value->set_tag(scalar.tag);
    value->set_simple_value(scalar.value);
  }
  const std::string data = event.SerializeAsString();
  absl::MutexLock lock(&mu_);
  return AppendRecord(data);
}

absl::Status TensorBoardWriter::AppendRecord(absl::string_view data) {
  if (!failed_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        path_, ": no longer written after an earlier error (", failed_.message(), ")"));
  }
  int error = 0;
  if (!WriteAll(fd_, FramedRecord(data), &error)) {
    failed_ = OsError("appending to", path_, error);
    return failed_;
  }
  return absl::OkStatus();
}

}  // namespace polo::util
