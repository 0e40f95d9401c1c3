// The learner's table of workers: who registered, when each was last seen,
// what each contributed (for the CLI), and for actors the experience
// sequence numbers (docs/design.md, "Sequence numbers": states carry (worker id, sequence number)
// and resent states are deduplicated).
//
// Sequence contract per actor: states are numbered 0, 1, 2, ...;
// next_sequence is the first number not yet in the replay buffer, so a
// batch [first, first + n) splits into duplicates [first, next) and new
// states [next, first + n); first > next is a gap (an error).
// durable_sequence <= next_sequence is the same mark as of the last
// checkpoint written.
//
// Thread-compatible: the owner (LearnerCore) guards it with its own mutex,
// because sequence updates must be atomic with the replay-buffer insertions.
#ifndef POLO_SERVER_WORKER_REGISTRY_H_
#define POLO_SERVER_WORKER_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/polo.pb.h"

namespace polo::server {

struct WorkerRecord {
  std::string id;
  polo::WorkerKind kind = polo::WORKER_KIND_UNSPECIFIED;
  std::string description;
  int threads = 0;
  absl::Time registered;
  absl::Time last_seen;
  bool unregistered = false;
  uint64_t items = 0;  // States (actors) or targets (target workers) accepted.
  uint64_t next_sequence = 0;
  uint64_t durable_sequence = 0;
  // Actors only: 0, 1, ... in order of first registration, never reused
  // (learner/seed_schedule.h ActorSeed).
  uint64_t actor_index = 0;
  // (time, items) samples at most one per second, for the rate.
  std::deque<std::pair<absl::Time, uint64_t>> samples;
};

class WorkerRegistry {
 public:
  // A worker seen within this long counts as connected.
  static constexpr absl::Duration kConnectedWindow = absl::Seconds(10);

  // Registers a new worker (empty `requested_id`: a fresh id such as
  // "actor-3") or re-registers a known or previously known one, keeping its
  // sequence numbers. FailedPrecondition "kind: ..." for an unspecified
  // kind, or for an id already registered with the other kind.
  absl::StatusOr<WorkerRecord*> Register(polo::WorkerKind kind, const std::string& requested_id,
                                         const std::string& description, int threads,
                                         absl::Time now);

  // The worker, marked seen at `now`. NotFound "worker_id: unknown worker
  // \"x\"" if it never registered with this learner instance.
  absl::StatusOr<WorkerRecord*> Touch(const std::string& id, absl::Time now);

  // Marks a worker gone (it stays listed as disconnected).
  absl::Status Unregister(const std::string& id, absl::Time now);

  // Adds accepted items to the worker's count and rate samples.
  static void AddItems(WorkerRecord* worker, uint64_t n, absl::Time now);
  // Items per second over the samples of the last ~10 s.
  static double Rate(const WorkerRecord& worker, absl::Time now);

  // Copies of all records, ordered by id.
  std::vector<WorkerRecord> List() const;

  // For checkpoints: actor id -> next_sequence, and the id counters.
  std::map<std::string, uint64_t> Sequences() const;
  // Sets durable_sequence from a checkpoint's Sequences().
  void MarkDurable(const std::map<std::string, uint64_t>& sequences);
  // Restores actors (as not yet re-registered) and their sequences from a
  // checkpoint, with durable = next.
  void Restore(const std::map<std::string, uint64_t>& sequences, uint64_t next_worker_number,
               uint64_t next_actor_index);
  uint64_t next_worker_number() const { return next_worker_number_; }
  uint64_t next_actor_index() const { return next_actor_index_; }

 private:
  std::map<std::string, WorkerRecord> workers_;
  // Restored from a checkpoint, not yet re-registered: id -> next_sequence.
  std::map<std::string, uint64_t> known_sequences_;
  uint64_t next_worker_number_ = 0;
  uint64_t next_actor_index_ = 0;
};

}  // namespace polo::server

#endif  // POLO_SERVER_WORKER_REGISTRY_H_
