// The run configuration a task starts from: the paper's defaults
// (DefaultRunConfig) with the task's own presets (models::Task::
// ApplyPresets: acting, targets, training, ensemble, kappa), its lifetime
// as total_steps, target rollouts sampling like the actors', completed for
// the task. Every binary that plans for a task starts here: the learner
// (its flags then override single fields, server/learner_flags.h), and so
// the workers it configures, and the experiments. Stateless.
#ifndef POLO_CONFIG_PRESETS_H_
#define POLO_CONFIG_PRESETS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "models/task.h"
#include "proto/polo.pb.h"

namespace polo::config {

polo::RunConfig PresetRunConfig(const models::Task& task);

// The same for the task named `name` (models/registry.h); the registry's
// error for an unknown name.
absl::StatusOr<polo::RunConfig> PresetRunConfig(std::string_view name);

}  // namespace polo::config

#endif  // POLO_CONFIG_PRESETS_H_
