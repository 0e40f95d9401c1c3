#include "config/presets.h"

#include <memory>

#include "config/run_config.h"
#include "models/registry.h"

namespace polo::config {

polo::RunConfig PresetRunConfig(const models::Task& task) {
  polo::RunConfig c = DefaultRunConfig();
  c.set_task(task.name());
  c.set_total_steps(task.lifetime_steps());
  task.ApplyPresets(&c);
  // Target rollouts sample like the actors'.
  c.mutable_targets()->set_noise_sigma(c.mppi().noise_sigma());
  c.mutable_targets()->set_noise_smoothing(c.mppi().noise_smoothing());
  c.mutable_targets()->set_gamma(c.mppi().gamma());
  CompleteRunConfig(task, &c);
  return c;
}

absl::StatusOr<polo::RunConfig> PresetRunConfig(std::string_view name) {
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(name);
  if (!task.ok()) return task.status();
  return PresetRunConfig(**task);
}

}  // namespace polo::config
