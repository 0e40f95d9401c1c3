#include "util/paths.h"

#include <cstdlib>
#include <filesystem>

namespace polo::util {

std::string ResolveUserPath(const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  const char* base = std::getenv("BUILD_WORKING_DIRECTORY");
  if (base == nullptr || *base == '\0') return path;
  return (std::filesystem::path(base) / path).string();
}

}  // namespace polo::util
