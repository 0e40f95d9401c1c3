// What the learner's TensorBoard events hold (run_folder.h writes them
// beside metrics.jsonl and episodes.jsonl, from the same records): each
// tag is named after the field it comes from, so a curve in TensorBoard
// and a column of the run folder's files read alike. Stateless.
#ifndef POLO_SERVER_TENSORBOARD_SCALARS_H_
#define POLO_SERVER_TENSORBOARD_SCALARS_H_

#include <vector>

#include "proto/polo.pb.h"
#include "util/tensorboard_writer.h"

namespace polo::server {

// An episode's event, at step record.agent_steps: episode/return,
// episode/mean_reward, episode/length, episode/final_<m>, episode/mean_<m>
// and episode/max_<m> for every task metric m, then episode/frac_standing
// (tasks with a success measure) and episode/coverage (tasks with a
// coverage grid) where the record has them: the numbers of its
// episodes.jsonl line other than counters and ids.
std::vector<util::Scalar> EpisodeScalars(const polo::EpisodeRecord& record);

// An update's event, at step progress.agent_steps: train/value_loss,
// train/replay_size, train/last_update_s, train/last_update_targets_s,
// system/states_per_second, system/targets_per_second,
// system/cpu_utilisation and system/resident_bytes (polo.Progress fields,
// as in metrics.jsonl).
std::vector<util::Scalar> ProgressScalars(const polo::Progress& progress);

}  // namespace polo::server

#endif  // POLO_SERVER_TENSORBOARD_SCALARS_H_
