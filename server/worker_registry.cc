#include "server/worker_registry.h"

#include "absl/strings/str_cat.h"
#include "rpc/request_bounds.h"
#include "util/secrets.h"

namespace polo::server {

namespace {

// `key` is the key whose digest is `digest`.
absl::Status CheckKey(const std::string& id, const std::string& digest, const std::string& key) {
  if (key.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "worker_key: missing for worker ", rpc::Quote(id), " (send RegisterResponse.worker_key)"));
  }
  if (!util::DigestsEqual(util::Sha256(key), digest)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "worker_key: does not match worker ", rpc::Quote(id),
        "; a worker id belongs to the client that registered it"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WorkerRegistry::Registration> WorkerRegistry::Register(
    polo::WorkerKind kind, const std::string& requested_id, const std::string& key,
    const std::string& description, int threads, absl::Time now) {
  if (kind != polo::ACTOR && kind != polo::TARGET_WORKER) {
    return absl::FailedPreconditionError(
        absl::StrCat("kind: is ", polo::WorkerKind_Name(kind), ", expected ACTOR or TARGET_WORKER"));
  }
  if (!key.empty() && (key.size() < kMinKeySize || key.size() > kMaxKeySize)) {
    return absl::InvalidArgumentError(absl::StrCat("worker_key: has ", key.size(),
                                                   " characters, expected ", kMinKeySize, " to ",
                                                   kMaxKeySize));
  }
  std::string id = requested_id;
  if (id.empty()) {
    do {
      id = absl::StrCat(kind == polo::ACTOR ? "actor-" : "target-", next_worker_number_++);
    } while (workers_.count(id) > 0 || known_sequences_.count(id) > 0 ||
             known_key_digests_.count(id) > 0);
  }
  auto it = workers_.find(id);
  if (it != workers_.end()) {
    if (it->second.kind != kind) {
      return absl::FailedPreconditionError(absl::StrCat(
          "kind: worker ", rpc::Quote(id), " is registered as ", polo::WorkerKind_Name(it->second.kind)));
    }
    if (absl::Status s = CheckKey(id, it->second.key_digest, key); !s.ok()) return s;
  } else {
    auto known_key = known_key_digests_.find(id);
    if (known_key != known_key_digests_.end()) {
      if (absl::Status s = CheckKey(id, known_key->second, key); !s.ok()) return s;
    }
    if (workers_.size() >= kMaxWorkers) ForgetIdle(now);
    if (workers_.size() >= kMaxWorkers) {
      return absl::ResourceExhaustedError(
          absl::StrCat("workers: ", workers_.size(), " registered, at most ", kMaxWorkers,
                       " (actors with accepted states are kept); unregister idle workers"));
    }
    WorkerRecord record;
    record.id = id;
    record.kind = kind;
    record.registered = now;
    if (kind == polo::ACTOR) record.actor_index = next_actor_index_++;
    auto known = known_sequences_.find(id);
    if (known != known_sequences_.end()) {
      record.next_sequence = record.durable_sequence = known->second;
      known_sequences_.erase(known);
    }
    if (known_key != known_key_digests_.end()) known_key_digests_.erase(known_key);
    it = workers_.emplace(id, std::move(record)).first;
  }
  Registration registration;
  registration.key = key.empty() ? util::RandomHexToken() : key;
  WorkerRecord& record = it->second;
  record.key_digest = util::Sha256(registration.key);
  record.description = description;
  record.threads = threads;
  record.last_seen = now;
  record.unregistered = false;
  registration.worker = &record;
  return registration;
}

void WorkerRegistry::ForgetIdle(absl::Time now) {
  for (auto it = workers_.begin(); it != workers_.end();) {
    const WorkerRecord& w = it->second;
    const bool idle = w.unregistered || now - w.last_seen > kConnectedWindow;
    const bool holds_nothing = w.kind != polo::ACTOR || w.next_sequence == 0;
    it = idle && holds_nothing ? workers_.erase(it) : std::next(it);
  }
}

absl::StatusOr<WorkerRecord*> WorkerRegistry::Touch(const std::string& id, const std::string& key,
                                                    absl::Time now) {
  auto it = workers_.find(id);
  if (it == workers_.end()) {
    return absl::NotFoundError(absl::StrCat("worker_id: unknown worker ", rpc::Quote(id),
                                            " (call Register first)"));
  }
  if (absl::Status s = CheckKey(id, it->second.key_digest, key); !s.ok()) return s;
  it->second.last_seen = now;
  it->second.unregistered = false;
  return &it->second;
}

absl::Status WorkerRegistry::Unregister(const std::string& id, const std::string& key,
                                        bool any_worker, absl::Time now) {
  auto it = workers_.find(id);
  if (it == workers_.end()) {
    return absl::NotFoundError(absl::StrCat("worker_id: unknown worker ", rpc::Quote(id)));
  }
  if (!any_worker) {
    if (absl::Status s = CheckKey(id, it->second.key_digest, key); !s.ok()) return s;
  }
  it->second.last_seen = now;
  it->second.unregistered = true;
  return absl::OkStatus();
}

void WorkerRegistry::AddItems(WorkerRecord* worker, uint64_t n, absl::Time now) {
  worker->items += n;
  if (worker->samples.empty() || now - worker->samples.back().first >= absl::Seconds(1)) {
    worker->samples.emplace_back(now, worker->items);
  } else {
    worker->samples.back().second = worker->items;
  }
  while (worker->samples.size() > 11) worker->samples.pop_front();
}

double WorkerRegistry::Rate(const WorkerRecord& worker, absl::Time now) {
  if (worker.samples.empty()) return 0.0;
  const auto& [t0, n0] = worker.samples.front();
  const double seconds = absl::ToDoubleSeconds(now - t0);
  if (seconds < 0.5) return 0.0;
  return static_cast<double>(worker.items - n0) / seconds;
}

int WorkerRegistry::ConnectedCount(polo::WorkerKind kind, absl::Time now) const {
  int n = 0;
  for (const auto& [id, record] : workers_) n += record.kind == kind && Connected(record, now);
  return n;
}

std::vector<WorkerRecord> WorkerRegistry::List() const {
  std::vector<WorkerRecord> out;
  for (const auto& [id, record] : workers_) out.push_back(record);
  return out;
}

std::map<std::string, uint64_t> WorkerRegistry::Sequences() const {
  std::map<std::string, uint64_t> out = known_sequences_;
  for (const auto& [id, record] : workers_) {
    if (record.kind == polo::ACTOR) out[id] = record.next_sequence;
  }
  return out;
}

void WorkerRegistry::MarkDurable(const std::map<std::string, uint64_t>& sequences) {
  for (const auto& [id, sequence] : sequences) {
    auto it = workers_.find(id);
    if (it != workers_.end()) it->second.durable_sequence = sequence;
  }
}

std::map<std::string, std::string> WorkerRegistry::KeyDigests() const {
  std::map<std::string, std::string> out = known_key_digests_;
  for (const auto& [id, record] : workers_) out[id] = record.key_digest;
  return out;
}

void WorkerRegistry::Restore(const std::map<std::string, uint64_t>& sequences,
                             const std::map<std::string, std::string>& key_digests,
                             uint64_t next_worker_number, uint64_t next_actor_index) {
  known_sequences_ = sequences;
  known_key_digests_ = key_digests;
  next_worker_number_ = next_worker_number;
  // A checkpoint from before actor indices were saved says 0: start past
  // every actor it knows.
  next_actor_index_ = std::max<uint64_t>(next_actor_index, sequences.size());
}

}  // namespace polo::server
