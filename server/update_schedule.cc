#include "server/update_schedule.h"

#include <algorithm>

namespace polo::server {

UpdateSchedule::UpdateSchedule(uint64_t update_every, int64_t min_replay_size, bool synchronous)
    : update_every_(update_every), min_replay_size_(min_replay_size), synchronous_(synchronous) {}

bool UpdateSchedule::Ready(int64_t replay_size) const {
  return steps_since_update_ >= update_every_ && replay_size >= min_replay_size_;
}

void UpdateSchedule::Restore(uint64_t steps_since_update, int64_t replay_size) {
  steps_since_update_ = steps_since_update;
  paused_ = synchronous_ && Ready(replay_size);
}

uint64_t UpdateSchedule::Admit(uint64_t offered) const {
  if (!synchronous_) return offered;
  if (paused_) return 0;
  return std::min(offered, update_every_ - std::min(steps_since_update_, update_every_));
}

void UpdateSchedule::Accepted(uint64_t n, int64_t replay_size) {
  steps_since_update_ += n;
  if (!synchronous_ || steps_since_update_ < update_every_) return;
  if (replay_size >= min_replay_size_) {
    paused_ = true;
  } else {
    steps_since_update_ = 0;  // Below min_replay_size the phase restarts.
  }
}

bool UpdateSchedule::Due(int64_t replay_size, absl::Time now) const {
  return !running_ && Ready(replay_size) && now >= retry_at_;
}

void UpdateSchedule::Begin() {
  running_ = true;
  steps_since_update_ = 0;
}

void UpdateSchedule::End(bool ok, absl::Time now) {
  running_ = false;
  if (ok) {
    paused_ = false;
    failures_ = 0;
    retry_at_ = absl::InfinitePast();
    return;
  }
  // Still due; in SYNCHRONOUS mode acting stays paused until it succeeds.
  steps_since_update_ += update_every_;
  ++failures_;
  const absl::Duration backoff =
      std::min(absl::Seconds(60), absl::Seconds(1) * (1 << std::min(failures_ - 1, 6)));
  retry_at_ = now + backoff;
}

void UpdateSchedule::Abandon() {
  running_ = false;
  steps_since_update_ += update_every_;  // Still due, as after a failure.
}

bool UpdateSchedule::pending(int64_t replay_size) const {
  return running_ || Ready(replay_size);
}

}  // namespace polo::server
