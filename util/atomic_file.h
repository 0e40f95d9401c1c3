// Whole-file reads and crash-safe whole-file writes, for checkpoints and
// saved weights. Stateless; safe to call from any thread (two concurrent
// writers of the same path leave one complete file, never a mix).
#ifndef POLO_UTIL_ATOMIC_FILE_H_
#define POLO_UTIL_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace polo::util {

// Writes `contents` to a temporary file beside `path`, flushes it to disk
// (fsync) and renames it over `path`, so a reader sees either the old file
// or the complete new one. The parent directory must exist. Errors
// (InternalError, or the errno's canonical code) name the path and the
// failing system call; on error the temporary file is removed.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Returns the whole file. NotFound if it does not exist; other errors name
// the path and the failing system call.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// The contents of the file that flag --`flag` names. InvalidArgument
// "--flag: cannot read \"path\": reason" if it cannot be read.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path);

}  // namespace polo::util

#endif  // POLO_UTIL_ATOMIC_FILE_H_
