// Paths the user typed on the command line. `bazel run` starts a binary
// inside its runfiles tree and says where the user was in
// BUILD_WORKING_DIRECTORY; a relative --run_dir, --out or --value must mean
// the user's directory, not the runfiles tree. Stateless, thread-safe.
#ifndef POLO_UTIL_PATHS_H_
#define POLO_UTIL_PATHS_H_

#include <string>

namespace polo::util {

// `path` unchanged if empty or absolute; otherwise joined onto
// $BUILD_WORKING_DIRECTORY when that is set and not empty, else unchanged
// (relative to the current directory, as for any program).
std::string ResolveUserPath(const std::string& path);

}  // namespace polo::util

#endif  // POLO_UTIL_PATHS_H_
