// A learner with in-process workers: LocalWorkers are actors and target
// workers that talk to the learner's gRPC server over its in-process channel
// (the same protocol as remote workers, no sockets); LocalCluster is the
// learner core, its server and those workers, started and stopped in the
// right order. This is what `//server:learner` runs on one machine by
// default, and what //cluster:humanoid_bench measures.
//
// Lifetime: construct after the server is built and the core started;
// Stop() (or the destructor) stops the workers, joins their threads and
// destroys them. Both must happen while the server still runs: a call
// created on an in-process channel after the server shut down crashes
// inside gRPC (seen as a segfault at exit in about 1 of 6 runs).
//
// Thread-safe: Stop may be called from any thread, once or more.
#ifndef POLO_CLUSTER_LOCAL_WORKERS_H_
#define POLO_CLUSTER_LOCAL_WORKERS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rpc/call_counts.h"
#include "server/learner_core.h"
#include "server/learner_service.h"
#include "worker/actor.h"
#include "worker/target_worker.h"

namespace polo::cluster {

struct LocalWorkersOptions {
  int actors = 1;
  int target_workers = 1;
  // Rollout threads of each in-process worker.
  int actor_threads = 1;
  int target_threads = 1;
};

// Rollout threads per in-process actor when --actor_threads is 0 (its
// default): the machine's `cores` split evenly over `actors` (each acts in
// its own world, and in SYNCHRONOUS mode all act at once), at least 1.
int SplitActorThreads(int actors, int cores);

class LocalWorkers {
 public:
  // InvalidArgument naming the field unless actors and target_workers are
  // >= 0 and both thread counts >= 1.
  static absl::Status Validate(const LocalWorkersOptions& options);

  // Starts the workers on `server`'s in-process channel, their calls
  // carrying `token` if non-empty (the learner's worker token). `server`
  // and `service` (the server's LearnerService) must outlive Stop().
  LocalWorkers(grpc::Server* server, server::LearnerService* service,
               const LocalWorkersOptions& options, const std::string& token = "");
  ~LocalWorkers();
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;

  // Asks every worker to stop, shuts the service down (its long polls and
  // streams return), then joins and destroys the workers. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  server::LearnerService* service_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<worker::Actor>> actors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<worker::TargetWorker>> target_workers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

// How the learner serves (README, "Running across machines securely").
struct ServingOptions {
  // The listening port's credentials (rpc/security.h); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Tokens and roles; default: none.
  server::Authorizer authorizer;
  // Non-empty: grpc.health.v1 alone, in plaintext, also on this address.
  std::string health_listen;
};

// The learner (core, gRPC server with health and reflection) and its local
// workers. Stop order: workers, servers, core (whose Stop writes the final
// checkpoint). Thread-safe: Stop may be called from any thread.
class LocalCluster {
 public:
  // Creates the core from `learner` (errors of config fields in flag terms
  // are the caller's to word), serves it on learner.listen_address as
  // `serving` says, starts training and then the workers.
  static absl::StatusOr<std::unique_ptr<LocalCluster>> Start(const server::LearnerOptions& learner,
                                                             const LocalWorkersOptions& workers,
                                                             ServingOptions serving = {});
  ~LocalCluster();  // Stop().

  server::LearnerCore* core() const { return core_.get(); }
  // The port the server listens on (the chosen one for port 0).
  int port() const { return port_; }
  // The health server's port (0 without --health_listen).
  int health_port() const { return health_port_; }
  // Every RPC the server finished, by method and code (metrics).
  const rpc::CallCounts& calls() const { return calls_; }

  // Stops workers, server and core; returns the core's Stop status (the
  // final checkpoint's). Idempotent.
  absl::Status Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  LocalCluster() = default;

  std::unique_ptr<server::LearnerCore> core_;
  std::unique_ptr<server::LearnerService> service_;
  rpc::CallCounts calls_;  // Outlives server_ (declared before it).
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // Null without health_listen.
  int health_port_ = 0;
  std::unique_ptr<LocalWorkers> workers_;
  int port_ = 0;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace polo::cluster

#endif  // POLO_CLUSTER_LOCAL_WORKERS_H_
