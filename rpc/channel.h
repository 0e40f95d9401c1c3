// What every client of the learner service shares (workers, the CLI, the
// benchmarks, tests): the service's message-size limit, channels and call
// deadlines, and retry backoff. Stateless functions; Backoff is a value
// owned by one thread.
#ifndef POLO_RPC_CHANNEL_H_
#define POLO_RPC_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "config/limits.h"

namespace polo::rpc {

// Most states in one message: an ExperienceBatch, a target job, a
// minibatch (config/limits.h, where it is defined; config/run_config.h bounds
// training.minibatch_size and training.target_states by it).
inline constexpr int kMaxStatesPerMessage = config::kMaxStatesPerMessage;

// Largest message either side sends or accepts: kMaxStatesPerMessage
// humanoid states with their plans, or the weights of a large ensemble,
// fit with room.
inline constexpr int kMaxMessageBytes = 64 << 20;

// Channel arguments for the learner: kMaxMessageBytes both ways and
// reconnection after 0.1-2 s (a restarted learner is found quickly).
grpc::ChannelArguments LearnerChannelArguments();

// A plaintext channel to "host:port" with LearnerChannelArguments (TLS:
// rpc/security.h MakeSecureLearnerChannel).
std::shared_ptr<grpc::Channel> MakeLearnerChannel(const std::string& address);

// A client context with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> ContextWithTimeout(absl::Duration timeout);

// Exponential backoff: 0.1 s, doubling to 5 s, with ±20% jitter. The
// default jitter seed differs per instance and process (std::random_device),
// so workers that lost the same learner do not retry in step.
class Backoff {
 public:
  Backoff();
  explicit Backoff(uint64_t jitter_seed) : jitter_state_(jitter_seed) {}
  absl::Duration Next();
  void Reset() { attempt_ = 0; }

 private:
  int attempt_ = 0;
  uint64_t jitter_state_;
};

}  // namespace polo::rpc

#endif  // POLO_RPC_CHANNEL_H_
