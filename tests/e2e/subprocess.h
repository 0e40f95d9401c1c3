// For the multi-process tests: binaries from the test's runfiles, an output
// folder, and the CLI as a learner client; child processes themselves are
// util/subprocess.h's. Thread-compatible.
#ifndef POLO_TESTS_E2E_SUBPROCESS_H_
#define POLO_TESTS_E2E_SUBPROCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "util/subprocess.h"

namespace polo::testing {

// Path of a binary in this workspace's runfiles, e.g. "cluster/learner".
std::string RunfilePath(const std::string& workspace_relative);

// A directory for logs and run folders (kept as test outputs if possible).
std::string OutputDir();

using util::FreePort;
using util::RunAndCapture;
using util::Subprocess;

// `//server:cli --learner=<address> <command> --json` parsed as Message
// (unknown fields ignored), or nullopt if the learner does not answer
// within 30 s or the output does not parse.
template <typename Message>
std::optional<Message> CliJson(const std::string& address, const std::string& command) {
  std::optional<std::string> out = RunAndCapture(
      {RunfilePath("server/cli"), "--learner=" + address, command, "--json"}, absl::Seconds(30));
  if (!out) return std::nullopt;
  Message m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(*out, &m, options).ok()) return std::nullopt;
  return m;
}

}  // namespace polo::testing

#endif  // POLO_TESTS_E2E_SUBPROCESS_H_
