#include "experiments/common/task_weights.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "learner/ensemble_weights.h"
#include "util/paths.h"

namespace polo::experiments {

absl::StatusOr<EnsembleWeights> LoadTaskWeights(const std::string& flag, const std::string& path,
                                                const models::Task& task) {
  absl::StatusOr<EnsembleWeights> weights =
      learner::LoadEnsembleWeights(util::ResolveUserPath(path));
  if (!weights.ok()) {
    return absl::Status(weights.status().code(),
                        absl::StrCat("--", flag, ": ", weights.status().message()));
  }
  if (weights->spec().num_features() != task.num_features()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ensemble has ", weights->spec().num_features(),
                     " features, task ", task.name(), " has ", task.num_features()));
  }
  return weights;
}

}  // namespace polo::experiments
