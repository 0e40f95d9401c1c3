// A file of physics states (physics_state.h), one per agent step, from
// which an episode can be replayed bit for bit (//tools:render). Format:
// the line "polo-states 1 <task> <state size>\n", then the states as
// little-endian doubles, row after row. Written by //experiments:mpc
// --record. Functions; errors name the path.
#ifndef POLO_MODELS_STATE_FILE_H_
#define POLO_MODELS_STATE_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace polo::models {

struct StateFile {
  std::string task;
  int state_size = 0;
  std::vector<double> states;  // Rows of state_size.
  size_t count() const { return state_size > 0 ? states.size() / state_size : 0; }
};

absl::Status WriteStateFile(const std::string& path, const StateFile& file);
// InvalidArgument naming the path for a bad header or a truncated row.
absl::StatusOr<StateFile> ReadStateFile(const std::string& path);

}  // namespace polo::models

#endif  // POLO_MODELS_STATE_FILE_H_
