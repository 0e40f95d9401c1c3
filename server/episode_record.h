// polo.EpisodeRecord (proto/polo.proto) as text: the flat JSON line of a
// run folder's episodes.jsonl and the one-line summary the learner's
// progress line and the CLI show.
#ifndef POLO_SERVER_EPISODE_RECORD_H_
#define POLO_SERVER_EPISODE_RECORD_H_

#include <cstdint>
#include <string>

#include "proto/polo.pb.h"

namespace polo::server {

// One JSON object on one line (no newline), keys in this order: unix_ms
// (if given, i.e. != 0), episode, agent_steps, worker_id, worker_episode,
// length, return, mean_reward, weights_version, wall_s, then for every
// metric m final_<m>, mean_<m>, max_<m>, then frac_standing and coverage
// where the record has them. Numbers are printed to round-trip exactly
// (shortest of %.15g..%.17g); a non-finite number is null.
std::string EpisodeJsonLine(const polo::EpisodeRecord& record, int64_t unix_ms = 0);

// E.g. "last ep 7: return 241.3 mean_r 0.40 max_root_height 0.98 success
// 0.00" for a task with a success measure (the maximum of its metric, and
// frac_standing), "last ep
// 7: return 0 coverage 12.3%" for a task with a coverage grid, "last ep 7:
// return 3.2 mean_r 0.01" otherwise.
std::string EpisodeSummary(const polo::EpisodeRecord& record);

}  // namespace polo::server

#endif  // POLO_SERVER_EPISODE_RECORD_H_
