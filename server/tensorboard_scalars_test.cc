#include "server/tensorboard_scalars.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace polo::server {
namespace {

std::vector<std::pair<std::string, float>> Pairs(const std::vector<util::Scalar>& scalars) {
  std::vector<std::pair<std::string, float>> pairs;
  for (const util::Scalar& s : scalars) pairs.emplace_back(s.tag, s.value);
  return pairs;
}

// A humanoid episode: every number of its episodes.jsonl line but the
// counters and ids, under the line's own names.
TEST(TensorBoardScalarsTest, AnEpisodeGivesTheNumbersOfItsJsonLine) {
  polo::EpisodeRecord r;
  r.set_episode(3);
  r.set_agent_steps(1800);
  r.set_worker_id("actor-1");
  r.set_length(600);
  r.set_return_(241.5);
  r.set_mean_reward(0.4025);
  r.set_weights_version(12);
  r.add_metric_names("root_height");
  r.add_final_metrics(1.25);
  r.add_mean_metrics(0.75);
  r.add_max_metrics(1.3125);
  r.set_frac_standing(0.5);
  r.set_success_metric("root_height");
  const std::vector<std::pair<std::string, float>> want = {
      {"episode/return", 241.5f},          {"episode/mean_reward", 0.4025f},
      {"episode/length", 600.0f},          {"episode/final_root_height", 1.25f},
      {"episode/mean_root_height", 0.75f}, {"episode/max_root_height", 1.3125f},
      {"episode/frac_standing", 0.5f},
  };
  EXPECT_EQ(Pairs(EpisodeScalars(r)), want);
}

// Reward-free worlds have coverage and no success measure; a coverage of
// 0 is still written (it is a value, not an absent field).
TEST(TensorBoardScalarsTest, ACoverageWorldsEpisodeHasCoverageAndNoSuccessShare) {
  polo::EpisodeRecord r;
  r.set_length(1000);
  r.set_coverage(0.0);
  const std::vector<std::pair<std::string, float>> want = {
      {"episode/return", 0.0f}, {"episode/mean_reward", 0.0f}, {"episode/length", 1000.0f},
      {"episode/coverage", 0.0f}};
  EXPECT_EQ(Pairs(EpisodeScalars(r)), want);
}

TEST(TensorBoardScalarsTest, AnUpdateGivesTrainingAndSystemScalars) {
  polo::Progress p;
  p.set_agent_steps(320);
  p.set_value_loss(0.125);
  p.set_replay_size(320);
  p.set_last_update_s(1.5);
  p.set_last_update_targets_s(1.25);
  p.set_states_per_second(64);
  p.set_targets_per_second(512);
  p.set_cpu_utilisation(0.875);
  p.set_resident_bytes(1u << 30);
  const std::vector<std::pair<std::string, float>> want = {
      {"train/value_loss", 0.125f},         {"train/replay_size", 320.0f},
      {"train/last_update_s", 1.5f},        {"train/last_update_targets_s", 1.25f},
      {"system/states_per_second", 64.0f},  {"system/targets_per_second", 512.0f},
      {"system/cpu_utilisation", 0.875f},   {"system/resident_bytes", 1073741824.0f},
  };
  EXPECT_EQ(Pairs(ProgressScalars(p)), want);
}

}  // namespace
}  // namespace polo::server
