// Where the learner binary's progress goes (stderr, //server:learner). A
// terminal gets one live line, rewritten in place with a carriage return at
// every report. Anything else (a file, a pipe, journald, a container log)
// gets whole lines at a steady interval instead, each a JSON object with
// the fields of `cli progress --json` plus the connected workers:
//
//   {"progress":{"agent_steps":"1200",...},"workers_connected":3}
//
// so that a redirected run is a log of lines, never one endless line.
// Not thread-safe: one thread reports.
#ifndef POLO_SERVER_PROGRESS_REPORTER_H_
#define POLO_SERVER_PROGRESS_REPORTER_H_

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "proto/polo.pb.h"

namespace polo::server {

// The human-readable progress line: steps, episodes, updates, weights
// version, loss, replay, rates, workers, coverage, CPU, failures, the last
// episode.
std::string ProgressLine(const polo::Progress& p, int workers);

class ProgressReporter {
 public:
  // `terminal`: `out` is a terminal (isatty). `interval`: how often a
  // non-terminal gets a line (> 0).
  ProgressReporter(std::FILE* out, bool terminal, absl::Duration interval)
      : out_(out), terminal_(terminal), interval_(interval) {}

  // Called at any rate (the learner: every second). A terminal's line is
  // rewritten each time; a non-terminal gets a line when `interval` has
  // passed since the last one (the first call always writes one).
  void Report(const polo::Progress& p, int workers, absl::Time now);

  // Ends the live line (a terminal), so what follows starts on its own line.
  void Finish();

 private:
  std::FILE* out_;
  bool terminal_;
  absl::Duration interval_;
  absl::Time last_line_ = absl::InfinitePast();
  bool live_line_open_ = false;
};

}  // namespace polo::server

#endif  // POLO_SERVER_PROGRESS_REPORTER_H_
