#include "server/experience_ingest.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "learner/validation.h"
#include "models/state_file.h"

namespace polo::server {
namespace {

absl::Status ValidateState(const polo::RunConfig& config, const models::Task& task,
                           const polo::VisitedState& state, int i) {
  const std::string prefix = absl::StrCat("states[", i, "].");
  if (absl::Status s = learner::CheckSizeAndFinite(
          state.physics_state(), config.physics_state_size(), prefix + "physics_state");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = learner::CheckSizeAndFinite(state.features(), config.num_features(),
                                                   prefix + "features");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = learner::CheckSizeAndFinite(state.metrics(), task.metric_names().size(),
                                                   prefix + "metrics");
      !s.ok()) {
    return s;
  }
  if (!std::isfinite(state.reward())) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "reward: is ", state.reward(), ", expected a finite value"));
  }
  // With warm-started targets every state carries targets.horizon × nu plan
  // controls; without, none.
  const polo::TargetConfig& targets = config.targets();
  const size_t plan_size =
      targets.warm_start() ? static_cast<size_t>(targets.horizon()) * task.model()->nu : 0;
  return learner::CheckSizeAndFinite(state.plan(), plan_size, prefix + "plan");
}

}  // namespace

absl::Status ValidateBatch(const polo::RunConfig& config, const models::Task& task,
                           const polo::ExperienceBatch& batch) {
  for (int i = 0; i < batch.states_size(); ++i) {
    if (absl::Status s = ValidateState(config, task, batch.states(i), i); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void WriteEpisodes(const polo::RunConfig& config, RunFolder* folder, FinishedEpisodes finished) {
  for (const polo::EpisodeRecord& record : finished.records) {
    if (absl::Status s = folder->AppendEpisode(record); !s.ok()) {
      ABSL_RAW_LOG(WARNING, "%s", s.ToString().c_str());
    }
  }
  for (FinishedEpisodes::Recording& recording : finished.recordings) {
    models::StateFile file;
    file.task = config.task();
    file.state_size = static_cast<int>(config.physics_state_size());
    file.states = std::move(recording.states);
    if (absl::Status s = folder->WriteEpisodeStates(recording.episode, file); !s.ok()) {
      ABSL_RAW_LOG(WARNING, "%s", s.ToString().c_str());
    }
  }
}

ExperienceIngest::ExperienceIngest(learner::ReplayBuffer* buffer, ProgressTracker* progress,
                                   bool record_episodes)
    : buffer_(buffer), progress_(progress), record_episodes_(record_episodes) {}

absl::StatusOr<uint64_t> ExperienceIngest::Skip(const WorkerRecord& worker,
                                                const polo::ExperienceBatch& batch) {
  if (batch.first_sequence() > worker.next_sequence) {
    return absl::FailedPreconditionError(absl::StrCat(
        "first_sequence: is ", batch.first_sequence(), ", expected <= ", worker.next_sequence,
        " (states ", worker.next_sequence, "..", batch.first_sequence() - 1, " are missing)"));
  }
  return std::min<uint64_t>(worker.next_sequence - batch.first_sequence(), batch.states_size());
}

absl::StatusOr<bool> ExperienceIngest::Accept(
    WorkerRecord* worker, const polo::ExperienceBatch& batch, uint64_t skip, uint64_t take,
    const std::vector<std::optional<std::array<double, 2>>>& planar, absl::Time now) {
  bool finished_any = false;
  for (uint64_t j = skip; j < skip + take; ++j) {
    const polo::VisitedState& state = batch.states(static_cast<int>(j));
    learner::ReplayEntry entry;
    entry.physics_state.assign(state.physics_state().begin(), state.physics_state().end());
    entry.features.assign(state.features().begin(), state.features().end());
    entry.plan.assign(state.plan().begin(), state.plan().end());
    entry.provenance = {worker->id, state.episode(), state.step(), state.weights_version()};
    // Validated (ValidateBatch); Add cannot fail on sizes or values.
    if (absl::Status s = buffer_->Add(std::move(entry)); !s.ok()) return s;
    if (record_episodes_) recorder_.Add(worker->id, state);
    std::optional<polo::EpisodeRecord> record =
        progress_->AddState(worker->id, state, planar[j], agent_steps_ + (j - skip) + 1, now);
    if (record && record_episodes_) {
      if (std::optional<std::vector<double>> states = recorder_.Finish(worker->id)) {
        finished_.recordings.push_back({record->episode(), *std::move(states)});
      }
      finished_.records.push_back(*std::move(record));
      finished_any = true;
    }
  }
  duplicates_ += skip;
  worker->next_sequence += take;
  agent_steps_ += take;
  WorkerRegistry::AddItems(worker, take, now);
  progress_->AddStates(take, now);
  return finished_any;
}

FinishedEpisodes ExperienceIngest::TakeFinished() {
  FinishedEpisodes out;
  std::swap(out, finished_);
  return out;
}

void ExperienceIngest::RestoreCounters(uint64_t agent_steps, uint64_t duplicates) {
  agent_steps_ = agent_steps;
  duplicates_ = duplicates;
}

}  // namespace polo::server
