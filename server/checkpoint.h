// Learner checkpoints on disk (docs/design.md, "Checkpoints"): the ensemble trainer (weights,
// optimiser, RNG), the replay buffer and the learner's counters, written so
// that a crash at any moment leaves either the previous checkpoint or the
// complete new one, never a mix:
//
//   <run_dir>/checkpoints/ckpt-<steps>-<updates>.tmp/  written and fsynced
//       file by file, renamed to <run_dir>/checkpoints/ckpt-<steps>-<updates>/
//       (".2", ".3", ... appended if that name exists), then
//   <run_dir>/checkpoints/LATEST  replaced atomically with the name.
//
// An existing checkpoint is never overwritten. Older checkpoints beyond
// `keep` are deleted afterwards, never the one LATEST names. Stateless
// functions; one writer per run folder at a time.
#ifndef POLO_SERVER_CHECKPOINT_H_
#define POLO_SERVER_CHECKPOINT_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/replay.pb.h"
#include "server/server_checkpoint.pb.h"

namespace polo::server {

// Writes a checkpoint named after state.agent_steps() and state.updates().
// save_trainer(path) must write the trainer's file (Trainer::Save). Returns
// the checkpoint directory. Errors name the path and system call; the
// previous checkpoint stays the latest on error.
absl::StatusOr<std::string> WriteCheckpoint(
    const std::string& run_dir, const polo::LearnerState& state,
    const polo::ReplayBufferSnapshot& replay,
    const std::function<absl::Status(const std::string& path)>& save_trainer, int keep = 3);

struct LoadedCheckpoint {
  std::string path;          // The checkpoint directory.
  std::string trainer_path;  // For Trainer::Load.
  polo::LearnerState state;
  polo::ReplayBufferSnapshot replay;
};

// Reads the checkpoint LATEST names. NotFound if the run folder has no
// checkpoint at all (no LATEST and no ckpt-* directory: a run that died
// before its first checkpoint); DataLoss naming the file if a file does
// not parse, or if ckpt-* directories exist without a LATEST.
absl::StatusOr<LoadedCheckpoint> LoadLatestCheckpoint(const std::string& run_dir);

}  // namespace polo::server

#endif  // POLO_SERVER_CHECKPOINT_H_
