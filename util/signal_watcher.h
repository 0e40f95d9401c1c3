// Turns SIGINT and SIGTERM into a callback on an ordinary thread, so a
// binary can stop its workers and write a final checkpoint instead of
// dying mid-write. Construct it in main() before any other thread starts
// (it blocks the signals in the calling thread, and threads created later
// inherit that mask). The destructor stops and joins the watcher thread.
// Not copyable; one per process.
#ifndef POLO_UTIL_SIGNAL_WATCHER_H_
#define POLO_UTIL_SIGNAL_WATCHER_H_

#include <atomic>
#include <functional>
#include <thread>

namespace polo::util {

class SignalWatcher {
 public:
  // on_signal(signal number) runs on the watcher thread, once per signal.
  explicit SignalWatcher(std::function<void(int)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::function<void(int)> on_signal_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace polo::util

#endif  // POLO_UTIL_SIGNAL_WATCHER_H_
