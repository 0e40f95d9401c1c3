#include "util/event_file_reader.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"
#include "util/crc32c.h"

namespace polo::util {
namespace {

uint64_t LittleEndian(const std::string& bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

}  // namespace

absl::StatusOr<std::vector<polo::tensorboard::Event>> ReadEventFile(const std::string& path) {
  absl::StatusOr<std::string> file = ReadFileToString(path);
  if (!file.ok()) return file.status();
  const std::string& bytes = *file;
  std::vector<polo::tensorboard::Event> events;
  for (size_t at = 0; at < bytes.size();) {
    auto loss = [&](const char* what) {
      return absl::DataLossError(absl::StrCat(path, ": byte ", at, ": ", what));
    };
    if (at + 12 > bytes.size()) return loss("a torn record header");
    const uint64_t length = LittleEndian(bytes, at, 8);
    if (LittleEndian(bytes, at + 8, 4) != MaskedCrc32c(absl::string_view(bytes).substr(at, 8))) {
      return loss("the length's CRC does not match");
    }
    if (at + 16 > bytes.size() || length > bytes.size() - at - 16) return loss("a torn record");
    const absl::string_view data = absl::string_view(bytes).substr(at + 12, length);
    if (LittleEndian(bytes, at + 12 + length, 4) != MaskedCrc32c(data)) {
      return loss("the data's CRC does not match");
    }
    polo::tensorboard::Event event;
    if (!event.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return loss("not an Event");
    }
    events.push_back(std::move(event));
    at += 16 + length;
  }
  return events;
}

}  // namespace polo::util
