// An actor worker (docs/design.md, "Processes"): plans with MPPI and the optimistic
// terminal value (eq. 6) using the newest weights the learner broadcast,
// and sends every visited state to the learner.
//
// Delivery: states are numbered 0, 1, 2, ... and kept until the learner
// reports them durable (in a checkpoint), so after a learner crash and
// --resume the actor resends whatever the restored learner lacks
// (RegisterResponse.next_sequence) and no acked state is lost. While the
// learner is unreachable the actor retries with backoff (it does not act
// meanwhile). At most kMaxHeldStates are kept; beyond that the oldest are
// forgotten (the learner checkpoints far more often than that fills).
//
// SYNCHRONOUS runs: a state is sent after every step; when the ack says
// acting is paused the actor waits (WaitForActing) and then for the
// update's weights before planning its next action (Algorithm 1).
//
// Thread-compatible: Run() on one thread; Stop() from any thread.
#ifndef POLO_WORKER_ACTOR_H_
#define POLO_WORKER_ACTOR_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "learner/optimistic_value.h"
#include "models/task.h"
#include "planner/agent.h"
#include "planner/thread_pool.h"
#include "proto/polo.grpc.pb.h"
#include "worker/learner_client.h"
#include "worker/learner_session.h"

namespace polo::worker {

struct ActorOptions {
  int threads = 1;  // Rollout threads (the calling thread included).
  std::string description;
  // An external stop request (e.g. from a SignalWatcher); null: only
  // Stop(). Must outlive the worker.
  util::StopFlag* stop = nullptr;
  // Stop after this many own agent steps (0 = until the run completes or
  // Stop()).
  uint64_t max_steps = 0;
};

class Actor {
 public:
  static constexpr size_t kMaxHeldStates = 1 << 20;

  // Does not contact the learner yet.
  Actor(std::shared_ptr<grpc::Channel> channel, ActorOptions options);
  ~Actor();

  // Registers (waiting for the learner if it is not up), then acts until
  // the run is complete, max_steps, or Stop(). Returns OK then; an error
  // only for what retrying cannot fix (the learner rejected our states as
  // malformed, the task cannot be built).
  absl::Status Run();
  void Stop() { session_.stop().Set(); }

  // What the actor's metrics endpoint shows (worker/worker_metrics.h).
  // Thread-safe.
  struct Stats {
    uint64_t steps = 0;
    uint64_t episodes = 0;
    uint64_t unaccepted = 0;           // Held states not yet accepted.
    double last_planning_s = 0;        // MPPI for the last step.
    double effective_samples = 0;      // Of the last step's MPPI, in [1, K].
    double rollout_steps_per_s = 0;    // Simulated steps / planning time, last step.
    uint64_t weights_version = 0;      // Of the value planned with.
  };
  Stats stats() const ABSL_LOCKS_EXCLUDED(stats_mu_);

  const std::string& worker_id() const { return session_.worker_id(); }
  uint64_t steps() const { return steps_; }
  // States created but not (yet) accepted by the learner, e.g. refused
  // because the run completed. steps() - unaccepted() were accepted.
  uint64_t unaccepted() const;

 private:
  struct Held {
    uint64_t sequence;
    polo::VisitedState state;
  };
  // (Re-)registers and reconciles the held states with the learner's
  // next_sequence.
  absl::Status Connect();
  absl::Status Setup();
  // Sends every unacked held state; handles errors by reconnecting. Sets
  // paused_ / complete_ from the ack.
  absl::Status Flush();
  // SYNCHRONOUS: waits out an update and for its weights.
  absl::Status WaitWhilePaused();
  // Builds or updates the terminal value from the newest weights, with κ
  // scheduled by their agent steps; FailedPrecondition if they do not fit.
  absl::Status RefreshValue();
  // Blocks until weights of at least `version` arrived (or stop), warning
  // every 5 s while they do not.
  absl::Status AwaitWeights(uint64_t version);
  // Stats after a step that planned for `plan_s` seconds.
  void UpdateStats(const planner::AgentStep& step, double plan_s) ABSL_LOCKS_EXCLUDED(stats_mu_);

  ActorOptions options_;
  LearnerSession session_;  // Id, key, stub, stop, config, weights.
  uint64_t actor_seed_ = 0;
  std::unique_ptr<models::Task> task_;
  std::unique_ptr<planner::ThreadPool> pool_;
  std::unique_ptr<planner::Agent> agent_;
  std::unique_ptr<learner::OptimisticValue> value_;
  std::deque<Held> held_;
  uint64_t next_sequence_ = 0;  // Of the next state to create.
  uint64_t acked_ = 0;          // Learner's next_sequence.
  bool paused_ = false;
  bool complete_ = false;
  uint64_t min_version_ = 0;    // Act with at least this version.
  uint64_t steps_ = 0;
  uint64_t episode_ = 0;
  int episode_step_ = 0;
  mutable absl::Mutex stats_mu_;
  Stats stats_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace polo::worker

#endif  // POLO_WORKER_ACTOR_H_
