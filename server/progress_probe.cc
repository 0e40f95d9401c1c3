// //server:progress_probe — how long GetProgress takes on a running
// learner: calls it every --interval_ms for --seconds over one connection
// and prints the latency distribution, so that lock contention inside the
// learner (updates, checkpoints, ingest) shows up as a tail. Tag "bench".
//
//   bazel run -c opt //server:progress_probe -- --learner=localhost:50051
//
// Ends with one line: get_progress_ms_p50=… p99=… max=… calls=…
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/client_flags.h"

ABSL_FLAG(std::string, learner, "localhost:50051", "the learner's HOST:PORT");
ABSL_FLAG(double, seconds, 30, "how long to probe");
ABSL_FLAG(int, interval_ms, 5, "pause between calls");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      polo::rpc::LearnerChannelFromFlags(absl::GetFlag(FLAGS_learner));
  if (!channel.ok()) {
    std::fprintf(stderr, "progress_probe: %s\n", std::string(channel.status().message()).c_str());
    return 2;
  }
  auto stub = polo::Learner::NewStub(*channel);
  std::vector<double> ms;
  int errors = 0;
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < end) {
    polo::Progress progress;
    const absl::Time start = absl::Now();
    const grpc::Status status =
        stub->GetProgress(polo::rpc::ContextWithTimeout(absl::Seconds(10)).get(), {}, &progress);
    if (status.ok()) {
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    } else {
      ++errors;
    }
    absl::SleepFor(absl::Milliseconds(absl::GetFlag(FLAGS_interval_ms)));
  }
  if (ms.empty()) {
    std::fprintf(stderr, "progress_probe: no successful call (%d errors)\n", errors);
    return 1;
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&ms](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
  std::printf("get_progress_ms_p50=%.3f p99=%.3f max=%.3f calls=%zu errors=%d\n", at(0.5),
              at(0.99), ms.back(), ms.size(), errors);
  return 0;
}
