#include "rpc/channel.h"

#include <algorithm>
#include <random>

#include "util/random.h"

namespace polo::rpc {

grpc::ChannelArguments LearnerChannelArguments() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // Reconnect quickly after a learner restart.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  // gRPC also takes this as the time one connection attempt may last
  // (TCP and TLS handshakes): at 100 ms a TLS handshake to a learner that
  // came up after the worker timed out again and again (measured), so 10 s.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10000);
  return args;
}

std::shared_ptr<grpc::Channel> MakeLearnerChannel(const std::string& address) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   LearnerChannelArguments());
}

std::unique_ptr<grpc::ClientContext> ContextWithTimeout(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

Backoff::Backoff() {
  std::random_device device;
  jitter_state_ = (static_cast<uint64_t>(device()) << 32) ^ device();
}

absl::Duration Backoff::Next() {
  const double base = std::min(5.0, 0.1 * static_cast<double>(1 << std::min(attempt_, 6)));
  ++attempt_;
  util::SplitMix64 jitter(jitter_state_);
  jitter_state_ = jitter.Next();
  const double unit = jitter.Uniform(0.0, 1.0);
  return absl::Seconds(base * (0.8 + 0.4 * unit));
}

}  // namespace polo::rpc
