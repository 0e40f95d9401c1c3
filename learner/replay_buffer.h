// The replay buffer D of Algorithm 1 (docs/design.md, "Replay buffer"): the states the actors
// visited, with the full physics state (for N-step target computation), the
// value features (for training) and where each came from. Fixed capacity;
// when full, each Add drops the oldest entry (a ring).
//
// Thread-safe: every method may be called from any thread; an internal
// absl::Mutex serialises them. Entries are copied in and out, so no
// reference into the buffer outlives a call.
#ifndef POLO_LEARNER_REPLAY_BUFFER_H_
#define POLO_LEARNER_REPLAY_BUFFER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "proto/replay.pb.h"

namespace polo::learner {

// Where a visited state came from (polo.Provenance in proto/replay.proto).
struct Provenance {
  std::string worker_id;
  uint64_t episode = 0;
  uint64_t step = 0;
  // EnsembleWeights.version the actor planned with.
  uint64_t weights_version = 0;
};

struct ReplayEntry {
  // Layout of models/physics_state.h.
  std::vector<double> physics_state;
  // The task's value features x(s).
  std::vector<double> features;
  Provenance provenance;
  // Optional warm start for the state's targets (proto/replay.proto): the
  // first steps of the actor's plan from this state, steps × nu; may be
  // empty. Its length is the caller's to check (the buffer checks only
  // that the values are finite).
  std::vector<float> plan;
};

class ReplayBuffer {
 public:
  // InvalidArgument naming the argument unless capacity, physics_state_size
  // and num_features are all > 0.
  static absl::StatusOr<std::unique_ptr<ReplayBuffer>> Create(int64_t capacity,
                                                              int physics_state_size,
                                                              int num_features);

  // Rebuilds a buffer from ToProto()'s output (entries oldest first).
  // InvalidArgument naming the field ("entries[3].features[1]: is nan, ...")
  // if a size is wrong, a value is not finite, or there are more entries
  // than capacity.
  static absl::StatusOr<std::unique_ptr<ReplayBuffer>> FromProto(
      const polo::ReplayBufferSnapshot& snapshot);

  ReplayBuffer(const ReplayBuffer&) = delete;
  ReplayBuffer& operator=(const ReplayBuffer&) = delete;

  // Appends `entry`, dropping the oldest entry if the buffer is full.
  // InvalidArgument naming the field ("physics_state: has 3 values, expected
  // 4", "features[2]: is inf, expected a finite value") if a size is wrong
  // or a value is not finite; the buffer is then unchanged.
  absl::Status Add(ReplayEntry entry) ABSL_LOCKS_EXCLUDED(mu_);

  // n entries drawn uniformly with replacement (copies). The same seed and
  // the same contents give the same entries. FailedPrecondition if the
  // buffer is empty and n > 0; InvalidArgument if n < 0.
  absl::StatusOr<std::vector<ReplayEntry>> Sample(int n, uint64_t seed) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Current contents, oldest first (copies).
  std::vector<ReplayEntry> Contents() const ABSL_LOCKS_EXCLUDED(mu_);

  // The whole buffer, entries oldest first, for checkpoints.
  polo::ReplayBufferSnapshot ToProto() const ABSL_LOCKS_EXCLUDED(mu_);

  // The contents at one instant, shared with the buffer rather than copied
  // (entries are immutable once added): taking one costs a pointer per
  // entry, so a caller can take it under its own lock and serialise it
  // after releasing that lock. Later Adds do not change it.
  class Snapshot {
   public:
    // As ReplayBuffer::ToProto() at the instant it was taken.
    polo::ReplayBufferSnapshot ToProto() const;
    size_t size() const { return entries_.size(); }

   private:
    friend class ReplayBuffer;
    int64_t capacity_ = 0;
    int physics_state_size_ = 0;
    int num_features_ = 0;
    uint64_t total_added_ = 0;
    std::vector<std::shared_ptr<const ReplayEntry>> entries_;  // Oldest first.
  };
  Snapshot TakeSnapshot() const ABSL_LOCKS_EXCLUDED(mu_);

  int64_t size() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t capacity() const { return capacity_; }
  int physics_state_size() const { return physics_state_size_; }
  int num_features() const { return num_features_; }
  // Entries ever added, including those since dropped.
  uint64_t total_added() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  ReplayBuffer(int64_t capacity, int physics_state_size, int num_features);
  absl::Status Validate(const ReplayEntry& entry) const;
  // Index into entries_ of the i-th oldest entry.
  size_t Slot(int64_t i) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int64_t capacity_;
  const int physics_state_size_;
  const int num_features_;

  mutable absl::Mutex mu_;
  // Ring storage: grows to capacity_, then entries_[next_] (the oldest) is
  // overwritten and next_ advances.
  std::vector<std::shared_ptr<const ReplayEntry>> entries_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t total_added_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_REPLAY_BUFFER_H_
