// What actor and target workers share to talk to the learner beyond the
// channel and backoff of rpc/channel.h: registration with retries and a
// background weights subscription (workers reconnect by themselves;
// docs/design.md, "Reconnection").
//
// Thread-safety: WeightsSubscription is thread-safe; the free functions are
// stateless.
#ifndef POLO_WORKER_LEARNER_CLIENT_H_
#define POLO_WORKER_LEARNER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "util/stop_flag.h"

namespace polo::worker {

// Deadlines of the workers' calls to the learner. A call that misses one
// is retried after the backoff of rpc/channel.h (the learner may be away).
// Unary calls: SubmitExperience, SubmitTargets, GetWeights, and
// LeaseTargetJob with its long poll of kLeasePoll.
inline constexpr absl::Duration kCallDeadline = absl::Seconds(10);
inline constexpr absl::Duration kLeasePoll = absl::Seconds(1);
// WaitForActing: its long poll of kActingPoll, and the way back.
inline constexpr absl::Duration kWaitForActingDeadline = absl::Seconds(5);
inline constexpr absl::Duration kActingPoll = absl::Seconds(2);
// The goodbye on the way out: a learner that is gone must not hold up an exit.
inline constexpr absl::Duration kUnregisterDeadline = absl::Seconds(2);

// Registers, retrying UNAVAILABLE / DEADLINE_EXCEEDED with backoff until it
// succeeds or `stop` is set (Cancelled). Other errors (e.g. a task
// mismatch) are returned at once.
// The RegisterRequest every worker sends: its kind, the id it had (empty on
// the first registration), its worker_key (each worker makes its own once,
// util/secrets.h RandomHexToken, and sends it with every call: the id stays
// its own across learner restarts), a description, its thread count and,
// after the first registration, the task it expects the learner to still
// run.
polo::RegisterRequest MakeRegisterRequest(polo::WorkerKind kind, const std::string& worker_id,
                                          const std::string& worker_key,
                                          const std::string& description, int threads,
                                          const std::string& expected_task);

absl::StatusOr<polo::RegisterResponse> RegisterWithRetry(polo::Learner::Stub* stub,
                                                         const polo::RegisterRequest& request,
                                                         const util::StopFlag& stop);

// "hostname:pid", for RegisterRequest.description.
std::string DescribeThisProcess();

// Keeps the newest ensemble weights from SubscribeWeights in the
// background, resubscribing with backoff whenever the stream ends (learner
// restart). Thread-safe.
class WeightsSubscription {
 public:
  WeightsSubscription(std::shared_ptr<grpc::Channel> channel, std::string worker_id);
  ~WeightsSubscription();  // Cancels the stream and joins the thread.

  // The newest weights received, or null before the first.
  std::shared_ptr<const polo::EnsembleWeights> Latest() const ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until weights with version >= `version` arrived or `deadline`;
  // returns the newest (which may be older on timeout) or null.
  std::shared_ptr<const polo::EnsembleWeights> WaitForVersion(uint64_t version,
                                                              absl::Time deadline) const
      ABSL_LOCKS_EXCLUDED(mu_);

  void set_worker_id(const std::string& id) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop();

  std::unique_ptr<polo::Learner::Stub> stub_;
  util::StopFlag stop_;
  mutable absl::Mutex mu_;
  std::string worker_id_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const polo::EnsembleWeights> latest_ ABSL_GUARDED_BY(mu_);
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace polo::worker

#endif  // POLO_WORKER_LEARNER_CLIENT_H_
