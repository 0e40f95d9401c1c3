// Lease-based queue of target jobs (docs/design.md, "Target jobs"). The learner adds jobs
// (minibatches of replay states plus the weights version to compute their
// eq. 7 targets with); target workers lease them one at a time; a job whose
// lease runs out (its worker vanished, crashed or is too slow) or whose
// worker unregisters goes back to the front of the queue for another
// worker. A result is accepted only from the worker that holds the job's
// current lease, before the lease expires, and only once: late results for
// a reassigned job are dropped, never counted twice.
//
// A job's lease doubles each time it expires (up to 64 × the base lease),
// so a job that is merely slower than the lease on this machine still
// completes, while a vanished worker costs only one base lease.
//
// Time comes from an injectable clock (tests use a fake one). Expired
// leases are reclaimed whenever Lease, Complete or WaitForJobs runs.
//
// Thread-safe.
#ifndef POLO_SERVER_TARGET_SCHEDULER_H_
#define POLO_SERVER_TARGET_SCHEDULER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace polo::server {

struct TargetJobInput {
  uint64_t weights_version = 0;
  // Noise keys for the target computation: util::MixSeed(the update's
  // sampling seed, i) for the i-th sampled state.
  std::vector<uint64_t> state_ids;
  // state_ids.size() × physics_state_size, row-major; sent to the worker.
  std::vector<double> physics_states;
  // state_ids.size() × num_features; kept here for training.
  std::vector<double> features;
  // Warm start: state_ids.size() × N × nu plan controls, or empty; sent to
  // the worker.
  std::vector<float> plans;
};

// What a worker receives for a lease.
struct LeasedJob {
  uint64_t job_id = 0;
  uint64_t weights_version = 0;
  absl::Duration lease;
  std::vector<uint64_t> state_ids;
  std::vector<double> physics_states;
  std::vector<float> plans;
};

// A completed job: its features and the accepted targets (num_states × K).
struct CompletedJob {
  std::vector<double> features;
  std::vector<double> targets;
  std::string worker_id;
};

struct SchedulerCounters {
  uint64_t queued = 0;
  uint64_t leased = 0;
  uint64_t completed = 0;
  uint64_t reassigned = 0;  // Leases that expired or were released.
  uint64_t late_dropped = 0;
  uint64_t targets_accepted = 0;  // States whose targets were accepted.
};

class TargetScheduler {
 public:
  // `ensemble_size` K fixes the result length per state. `first_job_id`
  // should differ between learner restarts (job ids of an old instance must
  // not match new jobs); the learner uses its start time.
  TargetScheduler(absl::Duration lease, int ensemble_size, uint64_t first_job_id,
                  std::function<absl::Time()> clock = absl::Now);

  // Queues a job; returns its id. state_ids must be non-empty and the
  // arrays consistent (programmer error otherwise).
  uint64_t Add(TargetJobInput job) ABSL_LOCKS_EXCLUDED(mu_);

  // Leases the oldest queued job to `worker_id`, waiting until `deadline`
  // (real time) for one. nullopt if none came or the scheduler is closed.
  std::optional<LeasedJob> Lease(const std::string& worker_id, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // A worker's result. Returns true if accepted, false if dropped (lease
  // expired, reassigned, already completed, or a job of an earlier learner
  // instance). InvalidArgument naming the field for a job id that was never
  // issued or targets of the wrong length or not finite;
  // FailedPrecondition for a weights version other than the job's. Errors
  // change nothing (the lease stands).
  absl::StatusOr<bool> Complete(const std::string& worker_id, uint64_t job_id,
                                uint64_t weights_version, absl::Span<const double> targets)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Requeues every job leased to `worker_id` (it left). Returns how many.
  int ReleaseWorker(const std::string& worker_id) ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until every job in `ids` is completed, the scheduler is closed
  // or `deadline` passes; reclaims expired leases while waiting. True iff
  // all are complete.
  bool WaitForJobs(absl::Span<const uint64_t> ids, absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes a completed job and returns it; NotFound if not completed.
  absl::StatusOr<CompletedJob> TakeCompleted(uint64_t job_id) ABSL_LOCKS_EXCLUDED(mu_);

  // Drops every queued and leased job (e.g. an update abandoned on stop).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

  // Wakes all waiters; later Lease calls return nullopt at once.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  SchedulerCounters counters() const ABSL_LOCKS_EXCLUDED(mu_);
  // Jobs currently leased per worker.
  int LeasedBy(const std::string& worker_id) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  enum class State { kQueued, kLeased, kCompleted };
  struct Job {
    TargetJobInput input;
    State state = State::kQueued;
    std::string holder;
    absl::Time lease_expiry;
    int expiries = 0;  // Leases of this job that ran out.
    CompletedJob result;
  };

  int ExpireLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Requeue(uint64_t id, Job& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration lease_;
  const int ensemble_size_;
  const uint64_t first_job_id_;
  const std::function<absl::Time()> clock_;

  mutable absl::Mutex mu_;
  uint64_t next_job_id_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, Job> jobs_ ABSL_GUARDED_BY(mu_);
  std::deque<uint64_t> queue_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  SchedulerCounters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace polo::server

#endif  // POLO_SERVER_TARGET_SCHEDULER_H_
