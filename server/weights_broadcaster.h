// Latest-value broadcast of ensemble weights to any number of subscribers
// (docs/design.md, "Weights broadcast"). The learner publishes each new version once; every
// subscriber waits for "a version newer than the one I have" and gets the
// newest one at that moment. A slow subscriber therefore skips versions but
// never sees a torn one: published weights are immutable and shared.
//
// The last kMaxKept versions are also kept by number for GetWeights (a
// target job names the exact version to compute with).
//
// Thread-safe.
#ifndef POLO_SERVER_WEIGHTS_BROADCASTER_H_
#define POLO_SERVER_WEIGHTS_BROADCASTER_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/ensemble.pb.h"

namespace polo::server {

using SharedWeights = std::shared_ptr<const polo::EnsembleWeights>;

class WeightsBroadcaster {
 public:
  static constexpr int kMaxKept = 16;

  // Makes `weights` the latest version and wakes every waiting subscriber.
  // FailedPrecondition if its version is not greater than the latest
  // published one (versions only grow); InvalidArgument if weights is null.
  absl::Status Publish(SharedWeights weights) ABSL_LOCKS_EXCLUDED(mu_);

  // The latest published weights, or null before the first Publish.
  SharedWeights Latest() const ABSL_LOCKS_EXCLUDED(mu_);

  // Exactly `version`, if it is among the last kMaxKept; NotFound otherwise.
  absl::StatusOr<SharedWeights> Get(uint64_t version) const ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until a version newer than `have` exists (any version if
  // !have_any), Close() was called, or `deadline` passes. Returns the newest
  // weights, or null on close or timeout.
  SharedWeights WaitNewer(bool have_any, uint64_t have, absl::Time deadline) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Wakes every waiter for good; later WaitNewer calls return null at once.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);
  bool closed() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::deque<SharedWeights> kept_ ABSL_GUARDED_BY(mu_);  // Oldest first.
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace polo::server

#endif  // POLO_SERVER_WEIGHTS_BROADCASTER_H_
