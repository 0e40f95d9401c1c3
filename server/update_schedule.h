// When the learner updates (Algorithm 1's "if t mod Z == 0"), in one place:
// an update is due once Z agent steps arrived since the last one and the
// replay buffer holds min_replay_size states. In SYNCHRONOUS mode acting
// pauses from then until the update is published: states beyond the Z-th
// are refused. An update that fails stays due and is retried after a
// backoff (1 s, doubling to 60 s), so a persistent failure neither spins
// nor lets acting run ahead. Not thread-safe: the learner holds its lock.
#ifndef POLO_SERVER_UPDATE_SCHEDULE_H_
#define POLO_SERVER_UPDATE_SCHEDULE_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace polo::server {

class UpdateSchedule {
 public:
  UpdateSchedule(uint64_t update_every, int64_t min_replay_size, bool synchronous);

  // From a checkpoint: the steps counted since the last update. With an
  // update then due (abandoned on stop), SYNCHRONOUS acting stays paused
  // until it has run.
  void Restore(uint64_t steps_since_update, int64_t replay_size);

  // How many of `offered` new states may be accepted now: all of them in
  // ASYNCHRONOUS mode; in SYNCHRONOUS mode none while paused and at most
  // up to the next update.
  uint64_t Admit(uint64_t offered) const;
  // Counts `n` accepted states; `replay_size` is the buffer's size after.
  void Accepted(uint64_t n, int64_t replay_size);

  // An update is due (Z steps, enough replay) and its backoff, if any, over.
  bool Due(int64_t replay_size, absl::Time now) const;
  // When a due update that is backing off may run (InfinitePast if none).
  absl::Time retry_at() const { return retry_at_; }
  // The training thread starts a due update: steps arriving during it
  // (ASYNCHRONOUS) count towards the next one.
  void Begin();
  // The update ended. On failure it stays due, not before now + backoff;
  // on success acting resumes and the backoff resets.
  void End(bool ok, absl::Time now);
  // The update was abandoned because the learner stops: it stays due (a
  // checkpoint written now makes the resumed learner run it), but it did
  // not fail: no failure is counted and no backoff set.
  void Abandon();

  bool paused() const { return paused_; }
  bool running() const { return running_; }
  // Due or running: what "the run is complete" waits for.
  bool pending(int64_t replay_size) const;
  uint64_t steps_since_update() const { return steps_since_update_; }
  // Failures since the last successful update.
  int consecutive_failures() const { return failures_; }

 private:
  bool Ready(int64_t replay_size) const;

  const uint64_t update_every_;
  const int64_t min_replay_size_;
  const bool synchronous_;
  uint64_t steps_since_update_ = 0;
  bool paused_ = false;
  bool running_ = false;
  int failures_ = 0;
  absl::Time retry_at_ = absl::InfinitePast();
};

}  // namespace polo::server

#endif  // POLO_SERVER_UPDATE_SCHEDULE_H_
