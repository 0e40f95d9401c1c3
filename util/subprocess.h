// Child processes: start a binary with its output in a log file, signal
// it, wait for it with a deadline, read its CPU time; a free loopback port;
// run a command to completion and capture its output. Used by the
// multi-process tests and by //cluster:scale_bench, which start the real
// service binaries. A child gets SIGKILL when the thread that started it
// ends (PR_SET_PDEATHSIG), so nothing outlives a crashed parent. Linux only;
// thread-compatible.
#ifndef POLO_UTIL_SUBPROCESS_H_
#define POLO_UTIL_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace polo::util {

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
  // SIGTERM, then SIGKILL if it has not ended within `grace`; the status.
  int Stop(absl::Duration grace);
  bool running();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // The log's contents (for failure messages).
  std::string Log() const;
  // User + system CPU seconds the running child has used so far
  // (/proc/PID/stat); nullopt once it has ended or if unreadable.
  std::optional<double> CpuSeconds() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

// Runs argv to completion (deadline `timeout`) and returns its stdout, or
// nullopt if it failed or timed out.
std::optional<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                         absl::Duration timeout);

}  // namespace polo::util

#endif  // POLO_UTIL_SUBPROCESS_H_
