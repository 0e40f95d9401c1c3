// A target worker (docs/design.md, "Targets", "Target jobs"): pulls leased jobs from the
// learner, computes each state's per-member N-step targets y_k (eq. 7,
// learner/targets.h) with exactly the weights version the job names, and
// returns them. Weights come from the broadcast stream, or from GetWeights
// when a job names a version the stream skipped.
//
// A worker that dies mid-job costs the learner one lease; results that
// arrive after the lease are dropped by the learner, so the worker simply
// moves on. While the learner is unreachable it retries with backoff.
//
// Thread-compatible: Run() on one thread; Stop() from any thread.
#ifndef POLO_WORKER_TARGET_WORKER_H_
#define POLO_WORKER_TARGET_WORKER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "learner/eigen_ensemble.h"
#include "learner/targets.h"
#include "models/task.h"
#include "planner/thread_pool.h"
#include "proto/polo.grpc.pb.h"
#include "worker/learner_client.h"
#include "worker/learner_session.h"

namespace polo::worker {

struct TargetWorkerOptions {
  int threads = 1;  // Rollout threads (the calling thread included).
  std::string description;
  // An external stop request (e.g. from a SignalWatcher); null: only
  // Stop(). Must outlive the worker.
  util::StopFlag* stop = nullptr;
  // Stop after this many jobs (0 = until Stop()).
  uint64_t max_jobs = 0;
};

class TargetWorker {
 public:
  TargetWorker(std::shared_ptr<grpc::Channel> channel, TargetWorkerOptions options);
  ~TargetWorker();

  // Registers (waiting for the learner) and serves jobs until Stop() or
  // max_jobs. Errors only for what retrying cannot fix.
  absl::Status Run();
  void Stop() { session_.stop().Set(); }

  // Thread-safe (the metrics endpoint reads them while Run works).
  uint64_t jobs_done() const { return jobs_done_; }
  uint64_t states_done() const { return states_done_; }
  uint64_t jobs_late() const { return jobs_late_; }
  const std::string& worker_id() const { return session_.worker_id(); }

 private:
  absl::Status Connect();
  // The ensemble for `version` (cached; from the stream or GetWeights).
  absl::StatusOr<learner::EigenEnsemble*> Ensemble(uint64_t version);
  absl::Status Serve(const polo::TargetJob& job);

  TargetWorkerOptions options_;
  LearnerSession session_;  // Id, key, stub, stop, config, weights.
  std::unique_ptr<models::Task> task_;
  std::unique_ptr<planner::ThreadPool> pool_;
  std::unique_ptr<learner::TargetComputer> targets_;
  std::map<uint64_t, std::unique_ptr<learner::EigenEnsemble>> ensembles_;  // Last few.
  std::atomic<uint64_t> jobs_done_{0};    // Accepted by the learner.
  std::atomic<uint64_t> states_done_{0};  // Their states.
  std::atomic<uint64_t> jobs_late_{0};    // Dropped: the lease had expired.
};

}  // namespace polo::worker

#endif  // POLO_WORKER_TARGET_WORKER_H_
