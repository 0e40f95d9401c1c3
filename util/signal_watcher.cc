#include "util/signal_watcher.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

namespace polo::util {
namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // Internal: wakes the watcher to exit.
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)) {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] {
    sigset_t watched = WatchedSignals();
    while (true) {
      int signal = 0;
      if (sigwait(&watched, &signal) != 0) continue;
      if (done_) return;
      if (signal != SIGUSR2) on_signal_(signal);
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

}  // namespace polo::util
