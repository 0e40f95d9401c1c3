// In-process workers of a learner: actors and target workers that talk to
// the learner's gRPC server over its in-process channel (the same protocol
// as remote workers, no sockets). This is what `//server:learner` runs on
// one machine by default, and what //server:humanoid_bench measures.
//
// Lifetime: construct after the server is built and the core started;
// Stop() (or the destructor) stops the workers, joins their threads and
// destroys them. Both must happen while the server still runs: a call
// created on an in-process channel after the server shut down crashes
// inside gRPC (seen as a segfault at exit in about 1 of 6 runs).
//
// Thread-safe: Stop may be called from any thread, once or more.
#ifndef POLO_SERVER_LOCAL_WORKERS_H_
#define POLO_SERVER_LOCAL_WORKERS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/learner_service.h"
#include "worker/actor.h"
#include "worker/target_worker.h"

namespace polo::server {

struct LocalWorkersOptions {
  int actors = 1;
  int target_workers = 1;
  // Rollout threads of each in-process worker.
  int actor_threads = 1;
  int target_threads = 1;
};

// From the flags --actors, --target_workers, --actor_threads and
// --target_threads (defined in local_workers.cc, so every binary that runs
// local workers has the same ones); InvalidArgument naming the flag.
absl::StatusOr<LocalWorkersOptions> LocalWorkersOptionsFromFlags();

class LocalWorkers {
 public:
  // InvalidArgument naming the field unless actors and target_workers are
  // >= 0 and both thread counts >= 1.
  static absl::Status Validate(const LocalWorkersOptions& options);

  // Starts the workers on `server`'s in-process channel. `server` and
  // `service` (the server's LearnerService) must outlive Stop().
  LocalWorkers(grpc::Server* server, LearnerService* service, const LocalWorkersOptions& options);
  ~LocalWorkers();
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;

  // Asks every worker to stop, shuts the service down (its long polls and
  // streams return), then joins and destroys the workers. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  LearnerService* service_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<worker::Actor>> actors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<worker::TargetWorker>> target_workers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace polo::server

#endif  // POLO_SERVER_LOCAL_WORKERS_H_
