#include "server/weights_broadcaster.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace polo::server {

absl::Status WeightsBroadcaster::Publish(SharedWeights weights) {
  if (weights == nullptr) return absl::InvalidArgumentError("weights: is null");
  absl::MutexLock lock(&mu_);
  if (!kept_.empty() && weights->version() <= kept_.back()->version()) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights.version: is ", weights->version(), ", expected > ",
                     kept_.back()->version(), " (the latest published)"));
  }
  kept_.push_back(std::move(weights));
  while (kept_.size() > kMaxKept) kept_.pop_front();
  return absl::OkStatus();
}

SharedWeights WeightsBroadcaster::Latest() const {
  absl::MutexLock lock(&mu_);
  return kept_.empty() ? nullptr : kept_.back();
}

absl::StatusOr<SharedWeights> WeightsBroadcaster::Get(uint64_t version) const {
  absl::MutexLock lock(&mu_);
  for (const SharedWeights& w : kept_) {
    if (w->version() == version) return w;
  }
  return absl::NotFoundError(absl::StrCat("version: weights version ", version,
                                          " is not kept (the learner keeps the last ",
                                          kMaxKept, ")"));
}

SharedWeights WeightsBroadcaster::WaitNewer(bool have_any, uint64_t have,
                                            absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || (!kept_.empty() && (!have_any || kept_.back()->version() > have));
  };
  mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  if (closed_ || !ready()) return nullptr;
  return kept_.back();
}

void WeightsBroadcaster::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool WeightsBroadcaster::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace polo::server
