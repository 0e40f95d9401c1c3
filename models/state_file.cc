#include "models/state_file.h"

#include <cstring>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"

namespace polo::models {

absl::Status WriteStateFile(const std::string& path, const StateFile& file) {
  std::string bytes = absl::StrCat("polo-states 1 ", file.task, " ", file.state_size, "\n");
  static_assert(sizeof(double) == 8, "doubles are 8 bytes");
  bytes.append(reinterpret_cast<const char*>(file.states.data()), file.states.size() * 8);
  return util::WriteFileAtomically(path, bytes);
}

absl::StatusOr<StateFile> ReadStateFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = util::ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  const size_t newline = bytes->find('\n');
  StateFile file;
  std::istringstream header(bytes->substr(0, newline == std::string::npos ? 0 : newline));
  std::string magic;
  int version = 0;
  header >> magic >> version >> file.task >> file.state_size;
  if (newline == std::string::npos || magic != "polo-states" || version != 1 || !header ||
      file.state_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a state file (expected a \"polo-states 1 TASK SIZE\" line)"));
  }
  const size_t payload = bytes->size() - newline - 1;
  if (payload % (8 * static_cast<size_t>(file.state_size)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", payload,
                                                   " bytes of states, not whole rows of ",
                                                   file.state_size, " doubles"));
  }
  file.states.resize(payload / 8);
  std::memcpy(file.states.data(), bytes->data() + newline + 1, payload);
  return file;
}

}  // namespace polo::models
