#include "learner/replay_buffer.h"

#include <cmath>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "learner/validation.h"
#include "util/random.h"

namespace polo::learner {
namespace {

polo::ReplayEntry EntryToProto(const ReplayEntry& entry) {
  polo::ReplayEntry proto;
  proto.mutable_physics_state()->Add(entry.physics_state.begin(), entry.physics_state.end());
  proto.mutable_features()->Add(entry.features.begin(), entry.features.end());
  proto.mutable_plan()->Add(entry.plan.begin(), entry.plan.end());
  polo::Provenance* provenance = proto.mutable_provenance();
  provenance->set_worker_id(entry.provenance.worker_id);
  provenance->set_episode(entry.provenance.episode);
  provenance->set_step(entry.provenance.step);
  provenance->set_weights_version(entry.provenance.weights_version);
  return proto;
}

ReplayEntry EntryFromProto(const polo::ReplayEntry& proto) {
  ReplayEntry entry;
  entry.physics_state.assign(proto.physics_state().begin(), proto.physics_state().end());
  entry.features.assign(proto.features().begin(), proto.features().end());
  entry.plan.assign(proto.plan().begin(), proto.plan().end());
  entry.provenance.worker_id = proto.provenance().worker_id();
  entry.provenance.episode = proto.provenance().episode();
  entry.provenance.step = proto.provenance().step();
  entry.provenance.weights_version = proto.provenance().weights_version();
  return entry;
}

absl::Status CheckPositive(int64_t value, absl::string_view field) {
  if (value > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": is ", value, ", expected > 0"));
}

}  // namespace

ReplayBuffer::ReplayBuffer(int64_t capacity, int physics_state_size, int num_features)
    : capacity_(capacity), physics_state_size_(physics_state_size), num_features_(num_features) {}

absl::StatusOr<std::unique_ptr<ReplayBuffer>> ReplayBuffer::Create(int64_t capacity,
                                                                   int physics_state_size,
                                                                   int num_features) {
  absl::Status status = CheckPositive(capacity, "capacity");
  status.Update(CheckPositive(physics_state_size, "physics_state_size"));
  status.Update(CheckPositive(num_features, "num_features"));
  if (!status.ok()) return status;
  return std::unique_ptr<ReplayBuffer>(
      new ReplayBuffer(capacity, physics_state_size, num_features));
}

absl::StatusOr<std::unique_ptr<ReplayBuffer>> ReplayBuffer::FromProto(
    const polo::ReplayBufferSnapshot& snapshot) {
  if (snapshot.capacity() > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrCat("capacity: is ", snapshot.capacity(), ", expected <= ", INT64_MAX));
  }
  absl::StatusOr<std::unique_ptr<ReplayBuffer>> buffer =
      Create(static_cast<int64_t>(snapshot.capacity()), snapshot.physics_state_size(),
             snapshot.num_features());
  if (!buffer.ok()) return buffer.status();
  if (static_cast<uint64_t>(snapshot.entries_size()) > snapshot.capacity()) {
    return absl::InvalidArgumentError(absl::StrCat("entries: has ", snapshot.entries_size(),
                                                   " entries, expected <= capacity ",
                                                   snapshot.capacity()));
  }
  if (snapshot.total_added() < static_cast<uint64_t>(snapshot.entries_size())) {
    return absl::InvalidArgumentError(absl::StrCat("total_added: is ", snapshot.total_added(),
                                                   ", expected >= ", snapshot.entries_size()));
  }
  ReplayBuffer& b = **buffer;
  absl::MutexLock lock(&b.mu_);
  b.entries_.reserve(snapshot.entries_size());
  for (int i = 0; i < snapshot.entries_size(); ++i) {
    ReplayEntry entry = EntryFromProto(snapshot.entries(i));
    absl::Status status = b.Validate(entry);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].", status.message()));
    }
    b.entries_.push_back(std::make_shared<const ReplayEntry>(std::move(entry)));  // Oldest first, so next_ = 0 is the oldest.
  }
  b.total_added_ = snapshot.total_added();
  return buffer;
}

absl::Status ReplayBuffer::Validate(const ReplayEntry& entry) const {
  absl::Status status =
      CheckSizeAndFinite(entry.physics_state, physics_state_size_, "physics_state");
  if (!status.ok()) return status;
  status = CheckSizeAndFinite(entry.features, num_features_, "features");
  if (!status.ok()) return status;
  for (size_t i = 0; i < entry.plan.size(); ++i) {
    if (!std::isfinite(entry.plan[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("plan[", i, "]: is ", entry.plan[i], ", expected finite"));
    }
  }
  return absl::OkStatus();
}

size_t ReplayBuffer::Slot(int64_t i) const {
  // next_ is 0 until the ring is full, and then the oldest entry's slot.
  return (next_ + static_cast<size_t>(i)) % entries_.size();
}

absl::Status ReplayBuffer::Add(ReplayEntry entry) {
  absl::Status status = Validate(entry);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  auto shared = std::make_shared<const ReplayEntry>(std::move(entry));
  if (static_cast<int64_t>(entries_.size()) < capacity_) {
    entries_.push_back(std::move(shared));
  } else {
    entries_[next_] = std::move(shared);
    next_ = (next_ + 1) % entries_.size();
  }
  ++total_added_;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReplayEntry>> ReplayBuffer::Sample(int n, uint64_t seed) const {
  if (n < 0) return absl::InvalidArgumentError(absl::StrCat("n: is ", n, ", expected >= 0"));
  std::vector<ReplayEntry> sample;
  sample.reserve(n);
  std::mt19937_64 rng(seed);
  absl::MutexLock lock(&mu_);
  if (n > 0 && entries_.empty()) {
    return absl::FailedPreconditionError("cannot sample from an empty replay buffer");
  }
  for (int i = 0; i < n; ++i) {
    // Indices count from the oldest entry, so the draw does not depend on
    // where the ring happens to start.
    const int64_t age = static_cast<int64_t>(util::UniformIndex(rng, entries_.size()));
    sample.push_back(*entries_[Slot(age)]);
  }
  return sample;
}

std::vector<ReplayEntry> ReplayBuffer::Contents() const {
  absl::MutexLock lock(&mu_);
  std::vector<ReplayEntry> contents;
  contents.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) contents.push_back(*entries_[Slot(i)]);
  return contents;
}

ReplayBuffer::Snapshot ReplayBuffer::TakeSnapshot() const {
  Snapshot s;
  s.capacity_ = capacity_;
  s.physics_state_size_ = physics_state_size_;
  s.num_features_ = num_features_;
  absl::MutexLock lock(&mu_);
  s.total_added_ = total_added_;
  s.entries_.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) s.entries_.push_back(entries_[Slot(i)]);
  return s;
}

polo::ReplayBufferSnapshot ReplayBuffer::Snapshot::ToProto() const {
  polo::ReplayBufferSnapshot snapshot;
  snapshot.set_capacity(static_cast<uint64_t>(capacity_));
  snapshot.set_physics_state_size(physics_state_size_);
  snapshot.set_num_features(num_features_);
  snapshot.set_total_added(total_added_);
  for (const auto& entry : entries_) *snapshot.add_entries() = EntryToProto(*entry);
  return snapshot;
}

polo::ReplayBufferSnapshot ReplayBuffer::ToProto() const { return TakeSnapshot().ToProto(); }

int64_t ReplayBuffer::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(entries_.size());
}

uint64_t ReplayBuffer::total_added() const {
  absl::MutexLock lock(&mu_);
  return total_added_;
}

}  // namespace polo::learner
