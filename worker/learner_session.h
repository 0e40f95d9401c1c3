// One worker's session with the learner, what actor and target worker
// share: the stub over the channel, the stop flag, the worker's id and the
// key that proves it (util/secrets.h RandomHexToken, made once per worker,
// so the id stays its own across learner restarts), registration with
// retries (again after a learner restart, expecting the same task), the
// run's configuration from the first registration, the weights
// subscription, and the goodbye (docs/design.md, "Reconnection").
//
// Thread-compatible: the worker's Run() thread uses it; stop() may be set
// from any thread.
#ifndef POLO_WORKER_LEARNER_SESSION_H_
#define POLO_WORKER_LEARNER_SESSION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "proto/polo.grpc.pb.h"
#include "util/secrets.h"
#include "util/stop_flag.h"
#include "worker/learner_client.h"

namespace polo::worker {

class LearnerSession {
 public:
  // `stop`: an external stop request that outlives the session (e.g. a
  // SignalWatcher's), or null for one of its own. Contacts nobody yet.
  LearnerSession(std::shared_ptr<grpc::Channel> channel, polo::WorkerKind kind,
                 std::string description, int threads, util::StopFlag* stop);

  // Registers, waiting for the learner while it is away (RegisterWithRetry;
  // Cancelled once stop() is set). The first registration keeps the run's
  // configuration and starts the weights subscription; later ones (a
  // restarted learner) keep the id and expect the same task.
  absl::StatusOr<polo::RegisterResponse> Register();
  // Tells the learner this worker leaves, without waiting long.
  void Unregister();

  // Sets worker_id and worker_key of a request.
  template <typename Request>
  void Identify(Request* request) const {
    request->set_worker_id(worker_id_);
    request->set_worker_key(worker_key_);
  }

  polo::Learner::Stub* stub() const { return stub_.get(); }
  util::StopFlag& stop() const { return *stop_; }
  const std::string& worker_id() const { return worker_id_; }
  // The run's configuration (empty before the first registration).
  const polo::RunConfig& config() const { return config_; }
  // The weights stream (null before the first registration).
  WeightsSubscription* weights() const { return weights_.get(); }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<polo::Learner::Stub> stub_;
  const polo::WorkerKind kind_;
  const std::string description_;
  const int threads_;
  util::StopFlag own_stop_;
  util::StopFlag* const stop_;  // The one given, or &own_stop_.
  std::string worker_id_;       // Empty until the first registration.
  const std::string worker_key_ = util::RandomHexToken();
  polo::RunConfig config_;
  std::unique_ptr<WeightsSubscription> weights_;
};

}  // namespace polo::worker

#endif  // POLO_WORKER_LEARNER_SESSION_H_
