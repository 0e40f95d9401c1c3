// A stop request shared by a process's threads (set from a signal handler
// thread or a test). Sleeps wake early when it is set. Thread-safe.
#ifndef POLO_UTIL_STOP_FLAG_H_
#define POLO_UTIL_STOP_FLAG_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace polo::util {

class StopFlag {
 public:
  void Set() ABSL_LOCKS_EXCLUDED(mu_);
  bool is_set() const ABSL_LOCKS_EXCLUDED(mu_);
  // Sleeps for `d` or until Set(); returns is_set().
  bool SleepFor(absl::Duration d) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  bool set_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace polo::util

#endif  // POLO_UTIL_STOP_FLAG_H_
