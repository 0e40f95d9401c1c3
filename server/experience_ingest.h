// Experience ingest, the learner's first stop for every visited state
// (docs/design.md, "Exactly-once experience"): a batch is validated
// whole, its already-seen prefix dropped, the rest appended to the replay
// buffer, counted in progress and, at an episode end, recorded for the run
// folder's episodes.jsonl and episodes/K.states. The state's path, top to
// bottom:
//
//   ValidateBatch            sizes and finite values, before any lock
//   ExperienceIngest::Skip   first_sequence against the actor's mark
//   (LearnerCore: the update schedule admits `take` of the rest)
//   ExperienceIngest::Accept buffer, progress, episode records, marks
//   WriteEpisodes            after the lock: the finished episodes' files
//
// Thread-compatible: LearnerCore calls Skip and Accept under its ingest
// lock; ValidateBatch and WriteEpisodes need no lock.
#ifndef POLO_SERVER_EXPERIENCE_INGEST_H_
#define POLO_SERVER_EXPERIENCE_INGEST_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "learner/replay_buffer.h"
#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/episode_recorder.h"
#include "server/progress_tracker.h"
#include "server/run_folder.h"
#include "server/worker_registry.h"

namespace polo::server {

// InvalidArgument naming the first bad field ("states[3].features: ...")
// unless every state of `batch` has the sizes of `config` (completed for
// `task`) and finite values: physics_state, features, one metric per task
// metric, reward, and targets.horizon x nu plan controls with warm-started
// targets (none without). A batch is all or nothing: nothing changes on an
// error.
absl::Status ValidateBatch(const polo::RunConfig& config, const models::Task& task,
                           const polo::ExperienceBatch& batch);

// Finished episodes waiting for the run folder, oldest first.
struct FinishedEpisodes {
  struct Recording {
    uint64_t episode;
    std::vector<double> states;  // Rows of physics_state_size values.
  };
  std::vector<polo::EpisodeRecord> records;
  std::vector<Recording> recordings;
};

// Appends `finished` to run_dir/episodes.jsonl and episodes/K.states;
// failures are logged (a full disk must not stop training). Callers
// serialise it so that lines land in episode order.
void WriteEpisodes(const polo::RunConfig& config, RunFolder* folder, FinishedEpisodes finished);

class ExperienceIngest {
 public:
  // `buffer` and `progress` outlive this. With `record_episodes` (a run
  // folder), finished episodes are kept for TakeFinished.
  ExperienceIngest(learner::ReplayBuffer* buffer, ProgressTracker* progress,
                   bool record_episodes);

  // States of `batch` that `worker` already sent (the prefix below its
  // next_sequence). FailedPrecondition if the batch starts past
  // next_sequence (states in between are missing).
  static absl::StatusOr<uint64_t> Skip(const WorkerRecord& worker,
                                       const polo::ExperienceBatch& batch);

  // Accepts states [skip, skip + take) of `batch` (validated) from actor
  // `worker` at `now`: into the buffer in order, into progress (with their
  // planar positions, PlanarPositions), and into episode records; moves the
  // worker's next_sequence and item rate and the counters. True if
  // TakeFinished has episodes to write (only with record_episodes).
  absl::StatusOr<bool> Accept(WorkerRecord* worker, const polo::ExperienceBatch& batch,
                              uint64_t skip, uint64_t take,
                              const std::vector<std::optional<std::array<double, 2>>>& planar,
                              absl::Time now);

  FinishedEpisodes TakeFinished();

  // States accepted (agent steps) and states dropped as duplicates, over
  // the run (a restored run starts from its checkpoint's).
  uint64_t agent_steps() const { return agent_steps_; }
  uint64_t duplicates() const { return duplicates_; }
  void RestoreCounters(uint64_t agent_steps, uint64_t duplicates);

 private:
  learner::ReplayBuffer* const buffer_;
  ProgressTracker* const progress_;
  const bool record_episodes_;
  uint64_t agent_steps_ = 0;
  uint64_t duplicates_ = 0;
  // Each actor's episode in progress as physics states (with a run folder).
  EpisodeRecorder recorder_;
  FinishedEpisodes finished_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_EXPERIENCE_INGEST_H_
