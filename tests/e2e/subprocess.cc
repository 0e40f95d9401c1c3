#include "tests/e2e/subprocess.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace polo::testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/polo/", workspace_relative);
}

std::string OutputDir() {
  if (const char* d = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) return d;
  if (const char* d = std::getenv("TEST_TMPDIR")) return d;
  return "/tmp";
}

}  // namespace polo::testing
