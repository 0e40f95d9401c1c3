// //worker:target_worker — a target worker: needs only the learner's
// address; pulls leased jobs, computes eq. 7 targets, returns them. Waits
// for a learner that is not up yet and reconnects after a restart.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "planner/thread_pool.h"
#include "rpc/client_flags.h"
#include "rpc/serving_flags.h"
#include "util/metrics.h"
#include "util/signal_watcher.h"
#include "worker/worker_metrics.h"
#include "worker/learner_client.h"
#include "worker/target_worker.h"

ABSL_FLAG(std::string, learner, "localhost:50051", "the learner's HOST:PORT");
ABSL_FLAG(int, threads, polo::planner::HardwareThreads(),
          "rollout threads (>= 1; default: this machine's cores)");
ABSL_FLAG(uint64_t, max_jobs, 0, "stop after this many accepted jobs (0 = until stopped)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("POLO target worker: target_worker --learner=HOST:PORT [--threads=N]");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_threads) < 1) {
    std::fprintf(stderr, "target_worker: --threads: got %d, expected >= 1\n",
                 absl::GetFlag(FLAGS_threads));
    return 2;
  }
  // Before any channel exists: gRPC's threads must inherit the blocked
  // signals, or SIGTERM kills the process instead of stopping the worker.
  polo::util::StopFlag stop;
  polo::util::SignalWatcher signals([&stop](int) { stop.Set(); });
  polo::worker::TargetWorkerOptions options;
  options.threads = absl::GetFlag(FLAGS_threads);
  options.max_jobs = absl::GetFlag(FLAGS_max_jobs);
  options.description = polo::worker::DescribeThisProcess();
  options.stop = &stop;
  // Probes see SERVING while this process runs (--health_listen).
  absl::StatusOr<std::unique_ptr<grpc::Server>> health = polo::rpc::HealthServerFromFlag();
  if (!health.ok()) {
    std::fprintf(stderr, "%s: %s\n", "target worker", std::string(health.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      polo::rpc::LearnerChannelFromFlags(absl::GetFlag(FLAGS_learner));
  if (!channel.ok()) {
    std::fprintf(stderr, "target worker: %s\n", std::string(channel.status().message()).c_str());
    return 2;
  }
  polo::worker::TargetWorker worker(*channel, options);
  absl::StatusOr<std::unique_ptr<polo::util::MetricsEndpoint>> metrics =
      polo::rpc::MetricsEndpointFromFlag();
  if (!metrics.ok()) {
    std::fprintf(stderr, "target worker: %s\n", std::string(metrics.status().message()).c_str());
    return 2;
  }
  if (*metrics != nullptr) (*metrics)->Add(std::make_shared<polo::worker::TargetWorkerMetrics>(&worker));
  const absl::Status status = worker.Run();
  std::fprintf(stderr, "target worker %s: %llu jobs, %s\n", worker.worker_id().c_str(),
               static_cast<unsigned long long>(worker.jobs_done()), status.ToString().c_str());
  return status.ok() ? 0 : 1;
}
