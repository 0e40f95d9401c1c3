#include "util/stop_flag.h"

namespace polo::util {

void StopFlag::Set() {
  absl::MutexLock lock(&mu_);
  set_ = true;
}

bool StopFlag::is_set() const {
  absl::MutexLock lock(&mu_);
  return set_;
}

bool StopFlag::SleepFor(absl::Duration d) const {
  absl::MutexLock lock(&mu_);
  auto is_set = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return set_; };
  mu_.AwaitWithTimeout(absl::Condition(&is_set), d);
  return set_;
}

}  // namespace polo::util
