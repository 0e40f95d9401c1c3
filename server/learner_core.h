// The central learner of the POLO service (docs/design.md, "Processes", "Service"), without gRPC:
// replay buffer, experience deduplication, the target-job scheduler, the
// ensemble trainer, the weights broadcast, progress and checkpoints. The
// gRPC service (learner_service.h) is a thin edge over it; tests drive it
// directly or through the service in-process.
//
// Updates. After every update_every (Z) accepted agent steps, once the
// buffer holds min_replay_size states, the training thread runs an update
// (update_loop.h: replay draws, target jobs on the pool, Adam steps,
// weights broadcast). Features enter the ensemble as they are (identity
// normalisation, as in learner/polo_loop.h: a scale fitted to the first,
// clustered states would blow up everywhere else and defeat exploration).
//
//  - SYNCHRONOUS (Algorithm 1): exactly Z states are accepted per phase;
//    then acting is paused (acks say acting_paused and further states are
//    not accepted) until the update's weights are published.
//  - ASYNCHRONOUS: states are always accepted.
//
// A job whose target worker vanished is re-leased (target_scheduler.h), so
// a crashed worker delays an update by at most one lease, never stalls it.
//
// Files: learner_core_start.cc builds the parts, fresh or restored from a
// checkpoint; learner_core.cc is coordination (the RPCs: registry, acting
// schedule, target jobs, weights, status and progress), handing each
// batch to ExperienceIngest (experience_ingest.h); learner_core_training.cc
// is the training thread and checkpoint writing.
//
// Locks. The learner's parts each guard their own state: ingest and
// coordination (the worker registry, acting schedule, counters, progress)
// are under this class's mutex, which no physics, training or serialisation runs under;
// the replay buffer, target scheduler, weights broadcaster and the update
// loop's statistics have locks of their own. A checkpoint takes one
// consistent cut under the ingest lock (a buffer snapshot is a pointer per
// entry) and writes it outside.
//
// Thread-safe: every public method may be called from any thread (gRPC
// handler threads); the training thread owns the update loop and its
// trainer. Blocking calls take deadlines.
#ifndef POLO_SERVER_LEARNER_CORE_H_
#define POLO_SERVER_LEARNER_CORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "learner/replay_buffer.h"
#include "learner/trainer.h"
#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/checkpoint.h"
#include "server/experience_ingest.h"
#include "server/progress_tracker.h"
#include "server/run_folder.h"
#include "server/target_scheduler.h"
#include "server/update_loop.h"
#include "server/update_schedule.h"
#include "server/weights_broadcaster.h"
#include "server/worker_registry.h"

namespace polo::server {

struct LearnerOptions {
  // Completed (CompleteRunConfig) and valid for its task; Create checks.
  polo::RunConfig config;
  // Run folder for config.json, metrics.jsonl, episodes.jsonl, tb/ and
  // checkpoints; "" = none (no checkpoints, no metrics files).
  std::string run_dir;
  // Continue from the latest checkpoint in run_dir (NotFound if none).
  bool resume = false;
  // Also write every episode and update as TensorBoard events, to
  // run_dir/tb/ (run_folder.h).
  bool tensorboard = true;
  absl::Duration checkpoint_period = absl::Minutes(5);
  // Shown by GetStatus.
  std::string listen_address;
};


class LearnerCore {
 public:
  // Builds the task, buffer and trainer (or restores them from the latest
  // checkpoint if options.resume) and publishes the current weights. Does
  // not start the training thread. InvalidArgument naming the field for a
  // bad config, unknown task or a checkpoint of another task.
  static absl::StatusOr<std::unique_ptr<LearnerCore>> Create(LearnerOptions options);
  ~LearnerCore();
  LearnerCore(const LearnerCore&) = delete;
  LearnerCore& operator=(const LearnerCore&) = delete;

  // Starts the training thread.
  void Start() ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the training thread (an update in progress is abandoned), wakes
  // every waiter and writes a final checkpoint if there is a run folder.
  // Idempotent and safe from several threads at once: every caller gets
  // the checkpoint's error, if any.
  absl::Status Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // --- RPCs (see proto/polo.proto for the contracts) ---
  absl::StatusOr<polo::RegisterResponse> Register(const polo::RegisterRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);
  // `any_worker`: the caller may unregister a worker without its key (it
  // holds the admin token).
  absl::Status Unregister(const polo::UnregisterRequest& request, bool any_worker = false)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<polo::ExperienceAck> SubmitExperience(const polo::ExperienceBatch& batch)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<polo::ActingState> WaitForActing(const polo::WaitForActingRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<SharedWeights> GetWeights(const polo::GetWeightsRequest& request) const;
  absl::StatusOr<polo::TargetJob> LeaseTargetJob(const polo::LeaseTargetJobRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<polo::SubmitTargetsResponse> SubmitTargets(const polo::TargetResult& result)
      ABSL_LOCKS_EXCLUDED(mu_);
  polo::RunStatus GetStatus() const ABSL_LOCKS_EXCLUDED(mu_);
  polo::Progress GetProgress() const ABSL_LOCKS_EXCLUDED(mu_);
  polo::ListWorkersResponse ListWorkers() const ABSL_LOCKS_EXCLUDED(mu_);
  // Workers of `kind` registered and seen within the connected window.
  int WorkersConnected(polo::WorkerKind kind) const ABSL_LOCKS_EXCLUDED(mu_);
  // Actors that may not know yet that the run is complete: those connected
  // and not unregistered, and those restored from the checkpoint that have
  // not registered again (a restarted learner's actors reconnect within
  // their backoff). The learner binary serves on until this is 0.
  int ActorsToTellOfCompletion() const ABSL_LOCKS_EXCLUDED(mu_);
  // Asks the training thread for a checkpoint (between update rounds) and
  // waits until `deadline` for it. FailedPrecondition without a run folder.
  absl::StatusOr<polo::CheckpointResponse> Checkpoint(absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Weights stream for SubscribeWeights.
  const WeightsBroadcaster& weights() const { return broadcaster_; }
  // Where a SubscribeWeights stream starts: the version the subscriber
  // already has, or nullopt for none (it is sent the newest first). A
  // subscriber ahead of this learner knew an earlier instance that got
  // further than the checkpoint resumed from: it gets the newest too.
  // InvalidArgument for a request over a bound (rpc/request_bounds.h).
  absl::StatusOr<std::optional<uint64_t>> SubscriptionStart(
      const polo::SubscribeWeightsRequest& request) const;
  const polo::RunConfig& config() const { return options_.config; }
  // The update loop's counters and update-duration histogram.
  UpdateLoop::Stats UpdateStats() const { return update_loop_->stats(); }
  const models::Task& task() const { return *task_; }

  // Blocks until config.total_steps states were accepted and no update is
  // pending or running, Stop() was called, or `deadline`. True if complete.
  bool WaitUntilComplete(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit LearnerCore(LearnerOptions options);
  // learner_core_start.cc: the task, then the parts, fresh or from
  // `checkpoint` (null for a fresh start), then the update loop.
  absl::Status Initialise();
  absl::Status BuildParts(const LoadedCheckpoint* checkpoint) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  UpdateLoop::Stats RestoreFrom(const LoadedCheckpoint& checkpoint)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status StartUpdateLoop(std::unique_ptr<learner::Trainer> trainer,
                               const UpdateLoop::Stats& restored)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The acknowledgement of a batch from `worker` after `skip` duplicates
  // and `take` accepted states.
  polo::ExperienceAck AckLocked(const WorkerRecord& worker, uint64_t skip, uint64_t take,
                                uint64_t latest_version) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool RunCompleteLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Scratch mjData for PlanarPositions (tasks with a coverage grid), one per
  // concurrent SubmitExperience (so at most the gRPC handler threads'), made
  // once and reused.
  models::UniqueMjData TakeScratchData() ABSL_LOCKS_EXCLUDED(scratch_mu_);
  void ReturnScratchData(models::UniqueMjData data) ABSL_LOCKS_EXCLUDED(scratch_mu_);
  bool CompleteLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Training thread: updates when due, periodic and requested checkpoints.
  void TrainingLoop() ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t AgentSteps() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> WriteCheckpointNow() ABSL_LOCKS_EXCLUDED(mu_);
  void AppendMetrics() ABSL_LOCKS_EXCLUDED(mu_);
  // Appends every finished episode to the run folder, in episode order,
  // holding mu_ only to take them (ExperienceIngest::TakeFinished).
  void WritePendingEpisodes() ABSL_LOCKS_EXCLUDED(mu_, episodes_file_mu_);

  LearnerOptions options_;
  std::unique_ptr<models::Task> task_;
  std::unique_ptr<RunFolder> run_folder_;      // Null without run_dir.
  WeightsBroadcaster broadcaster_;
  std::unique_ptr<TargetScheduler> scheduler_;
  std::unique_ptr<learner::ReplayBuffer> buffer_;
  // The trainer and its rounds; run by the training thread.
  std::unique_ptr<UpdateLoop> update_loop_;
  std::string instance_;
  absl::Time started_;
  std::string resumed_from_;
  std::thread training_thread_ ABSL_GUARDED_BY(mu_);

  absl::Mutex scratch_mu_;
  std::vector<models::UniqueMjData> scratch_data_ ABSL_GUARDED_BY(scratch_mu_);

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status stop_status_ ABSL_GUARDED_BY(mu_);  // Stop's result, for later callers.
  absl::Mutex stop_mu_ ABSL_ACQUIRED_BEFORE(mu_);   // Serialises Stop.
  std::unique_ptr<UpdateSchedule> schedule_ ABSL_GUARDED_BY(mu_);
  std::string last_update_error_ ABSL_GUARDED_BY(mu_);  // Of the last failed update.
  WorkerRegistry registry_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<ProgressTracker> progress_ ABSL_GUARDED_BY(mu_);
  // Validated batches into the buffer, progress and episode records; the
  // agent-step and duplicate counters.
  std::unique_ptr<ExperienceIngest> ingest_ ABSL_GUARDED_BY(mu_);
  // Finished episodes are taken and written under it, so lines land in
  // episode order although the files are written outside mu_.
  absl::Mutex episodes_file_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Checkpoint requests: generation asked for and written.
  uint64_t checkpoint_requested_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t checkpoint_written_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_checkpoint_status_ ABSL_GUARDED_BY(mu_);
  std::string last_checkpoint_ ABSL_GUARDED_BY(mu_);
  absl::Time last_checkpoint_time_ ABSL_GUARDED_BY(mu_);
};

}  // namespace polo::server

#endif  // POLO_SERVER_LEARNER_CORE_H_
