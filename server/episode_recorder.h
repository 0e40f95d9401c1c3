// Each actor's episode in progress, as physics states, so that the learner
// can write every finished episode to RUN_DIR/episodes/K.states
// (models/state_file.h; K = EpisodeRecord.episode, as in episodes.jsonl)
// and //tools:render --run_dir=RUN_DIR --episode=K can replay it bit for
// bit. An episode is written only if all of it was seen by this learner
// process: one that began before a resume is not.
//
// Thread-compatible: LearnerCore calls it under its ingest lock.
#ifndef POLO_SERVER_EPISODE_RECORDER_H_
#define POLO_SERVER_EPISODE_RECORDER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/polo.pb.h"

namespace polo::server {

class EpisodeRecorder {
 public:
  // An accepted state of actor `worker` (states arrive in step order).
  void Add(const std::string& worker, const polo::VisitedState& state);
  // At the end of `worker`'s episode: its states, row after row, if it was
  // recorded from step 0 without a gap; nullopt otherwise. Forgets it.
  std::optional<std::vector<double>> Finish(const std::string& worker);

 private:
  struct Open {
    uint64_t episode = 0;
    uint64_t next_step = 0;
    bool whole = false;  // Seen from step 0, without a gap.
    std::vector<double> states;
  };
  std::map<std::string, Open> open_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_EPISODE_RECORDER_H_
