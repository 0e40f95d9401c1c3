// A run's folder on disk: config.json (the RunConfig, written once),
// metrics.jsonl (one JSON object per update, appended and flushed),
// episodes.jsonl (one JSON object per completed episode, appended and
// flushed; episode_record.h), tb/ (the same records as TensorBoard events,
// one file per learner instance: tensorboard_scalars.h,
// util/tensorboard_writer.h) and checkpoints/ (checkpoint.h).
//
// Thread-safe (an internal mutex serialises appends).
#ifndef POLO_SERVER_RUN_FOLDER_H_
#define POLO_SERVER_RUN_FOLDER_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "models/state_file.h"
#include "proto/polo.pb.h"
#include "util/tensorboard_writer.h"

namespace polo::server {

class RunFolder {
 public:
  // Creates `dir` (and parents) if needed, takes the folder (an exclusive
  // flock on `dir`/.lock, held until destruction, holding this process's
  // pid), writes config.json atomically, opens metrics.jsonl and
  // episodes.jsonl for appending and, with `tensorboard`, starts a new
  // event file in `dir`/tb/. FailedPrecondition "run_dir: ... in use by
  // another learner (pid N)" if another process holds it; other errors
  // name the path.
  static absl::StatusOr<std::unique_ptr<RunFolder>> Create(const std::string& dir,
                                                           const google::protobuf::Message& config,
                                                           bool tensorboard = true);
  ~RunFolder();

  const std::string& dir() const { return dir_; }

  // The two appends below write a line and an event from one record, both
  // stamped with the same time. A failed event write is returned once
  // (with the line's error, if that failed too); the folder then writes no
  // more events (a torn record ends the file for readers), and the lines
  // go on.
  //
  // Appends `progress` to metrics.jsonl as one line of JSON (proto field
  // names) with a "unix_ms" prefix field, and flushes; and its
  // ProgressScalars as an event at step progress.agent_steps.
  absl::Status AppendMetrics(const polo::Progress& progress) ABSL_LOCKS_EXCLUDED(mu_);
  // Appends `record` to episodes.jsonl as one flat line
  // (EpisodeJsonLine, with "unix_ms" = now), and flushes; and its
  // EpisodeScalars as an event at step record.agent_steps.
  absl::Status AppendEpisode(const polo::EpisodeRecord& record) ABSL_LOCKS_EXCLUDED(mu_);

  // The event file being written; "" without TensorBoard events or after
  // a write error stopped them.
  std::string tensorboard_path() const ABSL_LOCKS_EXCLUDED(mu_);

  // Writes episode `episode`'s states to episodes/<episode>.states
  // (models/state_file.h; //tools:render --run_dir --episode replays it).
  absl::Status WriteEpisodeStates(uint64_t episode, const models::StateFile& file) const;
  // Where WriteEpisodeStates puts episode `episode` of the run in `dir`.
  static std::string EpisodeStatesPath(const std::string& dir, uint64_t episode);

 private:
  RunFolder(std::string dir, int lock_fd, std::FILE* metrics, std::FILE* episodes,
            std::unique_ptr<util::TensorBoardWriter> tensorboard)
      : dir_(std::move(dir)),
        lock_fd_(lock_fd),
        metrics_(metrics),
        episodes_(episodes),
        tensorboard_(std::move(tensorboard)) {}
  // Writes `scalars` as one event; on an error drops the writer.
  absl::Status AddEventLocked(int64_t step, absl::Time now,
                              const std::vector<util::Scalar>& scalars)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  const int lock_fd_;  // Holds the flock; closed (released) on destruction.
  mutable absl::Mutex mu_;
  std::FILE* metrics_ ABSL_GUARDED_BY(mu_);
  std::FILE* episodes_ ABSL_GUARDED_BY(mu_);
  // Null without TensorBoard events, or after a write error.
  std::unique_ptr<util::TensorBoardWriter> tensorboard_ ABSL_GUARDED_BY(mu_);
};

}  // namespace polo::server

#endif  // POLO_SERVER_RUN_FOLDER_H_
