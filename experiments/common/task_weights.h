// Loading a value ensemble for a task from a file that a flag names: the
// one place the experiment tools read weights and check them against the
// task's features (the evaluation driver, evaluation.h, for mpc's --value,
// value_ranking's --value and value_fit's --act_value; value_fit's
// --spec_from).
#ifndef POLO_EXPERIMENTS_COMMON_TASK_WEIGHTS_H_
#define POLO_EXPERIMENTS_COMMON_TASK_WEIGHTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "models/task.h"
#include "proto/ensemble.pb.h"

namespace polo::experiments {

// The weights in `path` (~ and relative paths resolved as util/paths.h
// does). Errors start with "--<flag>: ": the loader's (the path named), or
// InvalidArgument "--<flag>: ensemble has N features, task T has M".
absl::StatusOr<EnsembleWeights> LoadTaskWeights(const std::string& flag, const std::string& path,
                                                const models::Task& task);

}  // namespace polo::experiments

#endif  // POLO_EXPERIMENTS_COMMON_TASK_WEIGHTS_H_
