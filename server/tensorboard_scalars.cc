#include "server/tensorboard_scalars.h"

#include <string>

namespace polo::server {

std::vector<util::Scalar> EpisodeScalars(const polo::EpisodeRecord& r) {
  std::vector<util::Scalar> scalars = {
      {"episode/return", static_cast<float>(r.return_())},
      {"episode/mean_reward", static_cast<float>(r.mean_reward())},
      {"episode/length", static_cast<float>(r.length())},
  };
  for (int j = 0; j < r.metric_names_size(); ++j) {
    const std::string& m = r.metric_names(j);
    if (j < r.final_metrics_size()) {
      scalars.push_back({"episode/final_" + m, static_cast<float>(r.final_metrics(j))});
    }
    if (j < r.mean_metrics_size()) {
      scalars.push_back({"episode/mean_" + m, static_cast<float>(r.mean_metrics(j))});
    }
    if (j < r.max_metrics_size()) {
      scalars.push_back({"episode/max_" + m, static_cast<float>(r.max_metrics(j))});
    }
  }
  if (r.has_frac_standing()) {
    scalars.push_back({"episode/frac_standing", static_cast<float>(r.frac_standing())});
  }
  if (r.has_coverage()) scalars.push_back({"episode/coverage", static_cast<float>(r.coverage())});
  return scalars;
}

std::vector<util::Scalar> ProgressScalars(const polo::Progress& p) {
  return {
      {"train/value_loss", static_cast<float>(p.value_loss())},
      {"train/replay_size", static_cast<float>(p.replay_size())},
      {"train/last_update_s", static_cast<float>(p.last_update_s())},
      {"train/last_update_targets_s", static_cast<float>(p.last_update_targets_s())},
      {"system/states_per_second", static_cast<float>(p.states_per_second())},
      {"system/targets_per_second", static_cast<float>(p.targets_per_second())},
      {"system/cpu_utilisation", static_cast<float>(p.cpu_utilisation())},
      {"system/resident_bytes", static_cast<float>(p.resident_bytes())},
  };
}

}  // namespace polo::server
