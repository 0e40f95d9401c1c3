// Child processes for the multi-process tests: start a binary from the
// test's runfiles with its output in a log file, signal it, wait for it
// with a deadline. Also: a free loopback port and a learner client.
// Thread-compatible.
#ifndef POLO_TESTS_E2E_SUBPROCESS_H_
#define POLO_TESTS_E2E_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace polo::testing {

// Path of a binary in this workspace's runfiles, e.g. "cluster/learner".
std::string RunfilePath(const std::string& workspace_relative);

// A directory for logs and run folders (kept as test outputs if possible).
std::string OutputDir();

// A port on 127.0.0.1 that was free a moment ago.
int FreePort();

class Subprocess {
 public:
  // Starts argv (argv[0] a path) with stdout+stderr appended to log_path.
  Subprocess(std::vector<std::string> argv, std::string log_path);
  ~Subprocess();  // SIGKILLs and reaps a child that is still running.
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void Signal(int signal);
  // Exit status (or 128 + signal) once the child ended; nullopt if it is
  // still running at `deadline`.
  std::optional<int> Wait(absl::Time deadline);
  bool running();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // The log's contents (for failure messages).
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

// Runs argv to completion (deadline `timeout`) and returns its stdout, or
// nullopt if it failed or timed out.
std::optional<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                         absl::Duration timeout);

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
