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
// Ownership: a worker id belongs to the client that registered it. The
// registry hands that client a secret worker_key (or takes one the client
// chose) and keeps only its SHA-256; every later call under the id must
// carry the key (PERMISSION_DENIED "worker_key: ..." otherwise), so that
// no other client can submit, lease or unregister under it. The digests
// are checkpointed: a restarted learner knows its workers' keys.
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
  std::string key_digest;  // SHA-256 of its worker_key.
  // (time, items) samples at most one per second, for the rate.
  std::deque<std::pair<absl::Time, uint64_t>> samples;
};

class WorkerRegistry {
 public:
  // A worker seen within this long counts as connected.
  static constexpr absl::Duration kConnectedWindow = absl::Seconds(10);

  // Most workers on record. Registering one more first forgets the records
  // that hold nothing to keep (target workers and actors without accepted
  // states, not seen within kConnectedWindow or unregistered); if all are
  // still needed, ResourceExhausted "workers: ...". Bounds what a client
  // that registers in a loop can make the learner hold.
  static constexpr size_t kMaxWorkers = 4096;

  // Keys a client may choose: this many characters at least and at most.
  static constexpr size_t kMinKeySize = 32;
  static constexpr size_t kMaxKeySize = 128;

  struct Registration {
    WorkerRecord* worker;
    std::string key;  // The worker_key to hand back.
  };
  // Registers a new worker (empty `requested_id`: a fresh id such as
  // "actor-3") or re-registers a known or previously known one, keeping its
  // sequence numbers. `key` (RegisterRequest.worker_key) must be the id's
  // key if the id has one (PermissionDenied "worker_key: ..."); for a new
  // id it is adopted if given (InvalidArgument unless kMinKeySize to
  // kMaxKeySize characters), else a random one is made.
  // FailedPrecondition "kind: ..." for an unspecified kind, or for an id
  // already registered with the other kind.
  absl::StatusOr<Registration> Register(polo::WorkerKind kind, const std::string& requested_id,
                                        const std::string& key, const std::string& description,
                                        int threads, absl::Time now);

  // The worker, marked seen at `now`, if `key` is its key. NotFound
  // "worker_id: unknown worker \"x\"" if it never registered with this
  // learner instance; PermissionDenied "worker_key: ..." for another key.
  absl::StatusOr<WorkerRecord*> Touch(const std::string& id, const std::string& key,
                                      absl::Time now);

  // Marks a worker gone (it stays listed as disconnected). `key` as for
  // Touch, unless `any_worker` (the caller holds the admin token).
  absl::Status Unregister(const std::string& id, const std::string& key, bool any_worker,
                          absl::Time now);

  // Registered and seen within kConnectedWindow of `now`.
  static bool Connected(const WorkerRecord& worker, absl::Time now) {
    return !worker.unregistered && now - worker.last_seen < kConnectedWindow;
  }

  // How many workers of `kind` are Connected at `now` (no copies).
  int ConnectedCount(polo::WorkerKind kind, absl::Time now) const;

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
  // Worker id -> SHA-256 of its key, for checkpoints (restored ones too).
  std::map<std::string, std::string> KeyDigests() const;
  void Restore(const std::map<std::string, uint64_t>& sequences,
               const std::map<std::string, std::string>& key_digests,
               uint64_t next_worker_number, uint64_t next_actor_index);
  uint64_t next_worker_number() const { return next_worker_number_; }
  // Actors restored from a checkpoint that have not registered again.
  size_t restored_actors_not_back() const { return known_sequences_.size(); }
  uint64_t next_actor_index() const { return next_actor_index_; }

 private:
  // Erases the records kMaxWorkers describes as forgettable.
  void ForgetIdle(absl::Time now);

  std::map<std::string, WorkerRecord> workers_;
  // Restored from a checkpoint, not yet re-registered: id -> next_sequence.
  std::map<std::string, uint64_t> known_sequences_;
  // Restored from a checkpoint, not yet re-registered: id -> key digest.
  std::map<std::string, std::string> known_key_digests_;
  uint64_t next_worker_number_ = 0;
  uint64_t next_actor_index_ = 0;
};

}  // namespace polo::server

#endif  // POLO_SERVER_WORKER_REGISTRY_H_
