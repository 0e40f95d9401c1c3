#include "server/target_scheduler.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace polo::server {

TargetScheduler::TargetScheduler(absl::Duration lease, int ensemble_size, uint64_t first_job_id,
                                 std::function<absl::Time()> clock)
    : lease_(lease),
      ensemble_size_(ensemble_size),
      first_job_id_(std::max<uint64_t>(first_job_id, 1)),
      clock_(std::move(clock)),
      next_job_id_(first_job_id_) {}

uint64_t TargetScheduler::Add(TargetJobInput job) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_job_id_++;
  Job& j = jobs_[id];
  j.input = std::move(job);
  queue_.push_back(id);
  ++counters_.queued;
  return id;
}

void TargetScheduler::Requeue(uint64_t id, Job& job) {
  job.state = State::kQueued;
  job.holder.clear();
  // Front: a reassigned job is the one the learner has waited on longest.
  queue_.push_front(id);
  --counters_.leased;
  ++counters_.queued;
  ++counters_.reassigned;
}

int TargetScheduler::ExpireLocked() {
  const absl::Time now = clock_();
  int expired = 0;
  for (auto& [id, job] : jobs_) {
    if (job.state == State::kLeased && now >= job.lease_expiry) {
      ++job.expiries;
      Requeue(id, job);
      ++expired;
    }
  }
  return expired;
}

std::optional<LeasedJob> TargetScheduler::Lease(const std::string& worker_id,
                                                absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  while (true) {
    ExpireLocked();
    if (closed_) return std::nullopt;
    if (!queue_.empty()) break;
    // Wake at least every 100 ms to reclaim expired leases.
    const absl::Time wake = std::min(deadline, absl::Now() + absl::Milliseconds(100));
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_ || !queue_.empty(); };
    mu_.AwaitWithDeadline(absl::Condition(&ready), wake);
    if (queue_.empty() && absl::Now() >= deadline) return std::nullopt;
  }
  const uint64_t id = queue_.front();
  queue_.pop_front();
  Job& job = jobs_.at(id);
  job.state = State::kLeased;
  job.holder = worker_id;
  const absl::Duration lease = lease_ * (int64_t{1} << std::min(job.expiries, 6));
  job.lease_expiry = clock_() + lease;
  --counters_.queued;
  ++counters_.leased;
  LeasedJob out;
  out.job_id = id;
  out.weights_version = job.input.weights_version;
  out.lease = lease;
  out.state_ids = job.input.state_ids;
  out.physics_states = job.input.physics_states;
  out.plans = job.input.plans;
  return out;
}

absl::StatusOr<bool> TargetScheduler::Complete(const std::string& worker_id, uint64_t job_id,
                                               uint64_t weights_version,
                                               absl::Span<const double> targets) {
  absl::MutexLock lock(&mu_);
  ExpireLocked();
  if (job_id == 0 || job_id >= next_job_id_) {
    return absl::InvalidArgumentError(absl::StrCat("job_id: ", job_id, " was never issued"));
  }
  auto it = jobs_.find(job_id);
  // Before first_job_id_: a job of an earlier learner instance.
  const bool dropped = it == jobs_.end() || job_id < first_job_id_ ||
                       it->second.state != State::kLeased || it->second.holder != worker_id;
  if (dropped) {
    ++counters_.late_dropped;
    return false;
  }
  Job& job = it->second;
  if (weights_version != job.input.weights_version) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights_version: is ", weights_version, ", expected ",
                     job.input.weights_version, " (the job's version)"));
  }
  const size_t expected = job.input.state_ids.size() * static_cast<size_t>(ensemble_size_);
  if (targets.size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat("targets: has ", targets.size(),
                                                   " values, expected ", expected, " (",
                                                   job.input.state_ids.size(), " states × ",
                                                   ensemble_size_, " members)"));
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!std::isfinite(targets[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("targets[", i, "]: is ", targets[i], ", expected a finite value"));
    }
  }
  job.state = State::kCompleted;
  job.result.features = std::move(job.input.features);
  job.result.targets.assign(targets.begin(), targets.end());
  job.result.worker_id = worker_id;
  job.input.physics_states.clear();
  job.input.physics_states.shrink_to_fit();
  job.input.plans.clear();
  job.input.plans.shrink_to_fit();
  --counters_.leased;
  ++counters_.completed;
  counters_.targets_accepted += job.input.state_ids.size();
  return true;
}

int TargetScheduler::ReleaseWorker(const std::string& worker_id) {
  absl::MutexLock lock(&mu_);
  int released = 0;
  for (auto& [id, job] : jobs_) {
    if (job.state == State::kLeased && job.holder == worker_id) {
      Requeue(id, job);
      ++released;
    }
  }
  return released;
}

bool TargetScheduler::WaitForJobs(absl::Span<const uint64_t> ids, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto all_done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (uint64_t id : ids) {
      auto it = jobs_.find(id);
      if (it == jobs_.end() || it->second.state != State::kCompleted) return false;
    }
    return true;
  };
  while (!all_done()) {
    if (closed_ || absl::Now() >= deadline) return false;
    ExpireLocked();
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_ || all_done(); };
    mu_.AwaitWithDeadline(absl::Condition(&ready),
                          std::min(deadline, absl::Now() + absl::Milliseconds(100)));
  }
  return true;
}

absl::StatusOr<CompletedJob> TargetScheduler::TakeCompleted(uint64_t job_id) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end() || it->second.state != State::kCompleted) {
    return absl::NotFoundError(absl::StrCat("job ", job_id, " is not completed"));
  }
  CompletedJob out = std::move(it->second.result);
  jobs_.erase(it);
  return out;
}

void TargetScheduler::Clear() {
  absl::MutexLock lock(&mu_);
  jobs_.clear();
  queue_.clear();
  counters_.queued = 0;
  counters_.leased = 0;
}

void TargetScheduler::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

SchedulerCounters TargetScheduler::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

int TargetScheduler::LeasedBy(const std::string& worker_id) const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const auto& [id, job] : jobs_) {
    n += job.state == State::kLeased && job.holder == worker_id;
  }
  return n;
}

}  // namespace polo::server
