// ProgressTracker's episode records (humanoid root heights, interleaved
// actors, point-mass coverage, checkpoint round trip), their episodes.jsonl
// line and summary, and CpuMeter.
#include "server/progress_tracker.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "server/episode_record.h"
#include "server/run_folder.h"

namespace polo::server {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'000'000);

std::unique_ptr<models::Task> Task(const std::string& name) {
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(name);
  EXPECT_TRUE(task.ok()) << task.status();
  return *std::move(task);
}

// A humanoid state: metrics[0] is root_height, metrics[1] forward_speed
// (models/humanoid_task.h). The tracker does not read its physics state.
polo::VisitedState HumanoidState(double root_height, double reward, uint64_t episode,
                                 bool end = false, uint64_t version = 3) {
  polo::VisitedState s;
  s.add_metrics(root_height);
  s.add_metrics(0.25 * root_height);
  s.set_reward(reward);
  s.set_episode(episode);
  s.set_weights_version(version);
  s.set_episode_end(end);
  return s;
}

const std::vector<double> kHeights = {0.3, 0.8, 1.05, 1.2, 0.95};
const std::vector<double> kRewards = {0.1, 0.2, 0.5, 1.0, 0.7};

// Feeds states [from, to) of the five-state episode above as actor "a1".
std::optional<polo::EpisodeRecord> FeedEpisode(ProgressTracker* tracker, size_t from, size_t to) {
  std::optional<polo::EpisodeRecord> record;
  for (size_t i = from; i < to; ++i) {
    record = tracker->AddState(
        "a1", HumanoidState(kHeights[i], kRewards[i], 4, i + 1 == kHeights.size()), std::nullopt,
        100 + i, kStart + absl::Seconds(i + 1));
    if (i + 1 < kHeights.size()) {
      EXPECT_FALSE(record.has_value()) << i;
    }
  }
  return record;
}

double Sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

TEST(ProgressTrackerTest, AHumanoidEpisodeEndYieldsItsReturnHeightsAndStandingFraction) {
  auto task = Task("humanoid_getup");
  ASSERT_EQ(task->metric_names()[0], "root_height");
  ProgressTracker tracker(task.get(), kStart);
  std::optional<polo::EpisodeRecord> r = FeedEpisode(&tracker, 0, kHeights.size());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->episode(), 1u);
  EXPECT_EQ(r->agent_steps(), 104u);
  EXPECT_EQ(r->worker_id(), "a1");
  EXPECT_EQ(r->worker_episode(), 4u);
  EXPECT_EQ(r->length(), 5u);
  EXPECT_EQ(r->weights_version(), 3u);
  EXPECT_NEAR(r->wall_s(), 5.0, 1e-12);
  EXPECT_NEAR(r->return_(), 2.5, 1e-12);
  EXPECT_NEAR(r->mean_reward(), 0.5, 1e-12);
  ASSERT_EQ(r->metric_names_size(), 2);
  EXPECT_EQ(r->metric_names(0), "root_height");
  EXPECT_NEAR(r->max_metrics(0), 1.2, 1e-12);
  EXPECT_NEAR(r->final_metrics(0), 0.95, 1e-12);
  EXPECT_NEAR(r->mean_metrics(0), Sum(kHeights) / 5, 1e-12);
  EXPECT_NEAR(r->max_metrics(1), 0.3, 1e-12);
  // 1.05 and 1.2 are above 1.0 m.
  ASSERT_TRUE(r->has_frac_standing());
  EXPECT_NEAR(r->frac_standing(), 0.4, 1e-12);
  EXPECT_FALSE(r->has_coverage());

  polo::Progress p;
  tracker.Fill(kStart + absl::Seconds(6), &p);
  EXPECT_EQ(p.episodes(), 1u);
  ASSERT_TRUE(p.has_last_episode());
  EXPECT_EQ(p.last_episode().SerializeAsString(), r->SerializeAsString());
  EXPECT_NEAR(p.last_episode_return(), 2.5, 1e-12);
}

TEST(ProgressTrackerTest, TwoInterleavedActorsGetSeparateRecords) {
  auto task = Task("humanoid_getup");
  ProgressTracker tracker(task.get(), kStart);
  const absl::Time now = kStart + absl::Seconds(1);
  EXPECT_FALSE(tracker.AddState("a1", HumanoidState(1.1, 1.0, 0), std::nullopt, 1, now));
  EXPECT_FALSE(tracker.AddState("a2", HumanoidState(0.2, -1.0, 7), std::nullopt, 2, now));
  EXPECT_FALSE(tracker.AddState("a2", HumanoidState(0.4, -2.0, 7), std::nullopt, 3, now));
  std::optional<polo::EpisodeRecord> first =
      tracker.AddState("a1", HumanoidState(0.9, 3.0, 0, /*end=*/true), std::nullopt, 4, now);
  EXPECT_FALSE(tracker.AddState("a1", HumanoidState(0.5, 5.0, 1), std::nullopt, 5, now));
  std::optional<polo::EpisodeRecord> second =
      tracker.AddState("a2", HumanoidState(0.6, -3.0, 7, /*end=*/true), std::nullopt, 6, now);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->episode(), 1u);
  EXPECT_EQ(first->worker_id(), "a1");
  EXPECT_EQ(first->length(), 2u);
  EXPECT_NEAR(first->return_(), 4.0, 1e-12);
  EXPECT_NEAR(first->max_metrics(0), 1.1, 1e-12);
  EXPECT_NEAR(first->final_metrics(0), 0.9, 1e-12);
  EXPECT_NEAR(first->frac_standing(), 0.5, 1e-12);
  EXPECT_EQ(second->episode(), 2u);
  EXPECT_EQ(second->worker_id(), "a2");
  EXPECT_EQ(second->worker_episode(), 7u);
  EXPECT_EQ(second->agent_steps(), 6u);
  EXPECT_EQ(second->length(), 3u);
  EXPECT_NEAR(second->return_(), -6.0, 1e-12);
  EXPECT_NEAR(second->mean_reward(), -2.0, 1e-12);
  EXPECT_NEAR(second->max_metrics(0), 0.6, 1e-12);
  EXPECT_NEAR(second->frac_standing(), 0.0, 1e-12);
}

TEST(ProgressTrackerTest, AStateOfAnotherEpisodeStartsAFreshRecord) {
  auto task = Task("humanoid_getup");
  ProgressTracker tracker(task.get(), kStart);
  EXPECT_FALSE(tracker.AddState("a1", HumanoidState(1.5, 10.0, 0), std::nullopt, 1, kStart));
  // Episode 0's end never arrived (e.g. the actor restarted).
  std::optional<polo::EpisodeRecord> r =
      tracker.AddState("a1", HumanoidState(0.5, 1.0, 1, /*end=*/true), std::nullopt, 2, kStart);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length(), 1u);
  EXPECT_NEAR(r->return_(), 1.0, 1e-12);
  EXPECT_NEAR(r->max_metrics(0), 0.5, 1e-12);
}

TEST(ProgressTrackerTest, APointMassRecordCarriesTheCoverage) {
  auto task = Task("point_mass_maze");
  ProgressTracker tracker(task.get(), kStart);
  const int size = models::PhysicsStateSize(task->model());
  std::optional<polo::EpisodeRecord> r;
  for (int i = 0; i < 3; ++i) {
    polo::VisitedState s;
    for (int k = 0; k < size; ++k) s.add_physics_state(0.0);
    s.set_physics_state(1, -0.8 + 0.5 * i);  // qpos x, y: three distinct cells.
    s.set_physics_state(2, -0.8 + 0.5 * i);
    for (size_t m = 0; m < task->metric_names().size(); ++m) s.add_metrics(0.1 * i);
    s.set_episode_end(i == 2);
    polo::ExperienceBatch batch;
    *batch.add_states() = s;
    r = tracker.AddState("a1", s, PlanarPositions(*task, batch, models::UniqueMjData(mj_makeData(task->model())).get())[0], i + 1, kStart);
  }
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->has_coverage());
  EXPECT_GT(r->coverage(), 0.0);
  EXPECT_EQ(r->coverage(), tracker.coverage());
  EXPECT_FALSE(r->has_frac_standing());
  EXPECT_NEAR(r->return_(), 0.0, 1e-12);
  EXPECT_EQ(EpisodeSummary(*r).rfind("last ep 1: return 0 coverage ", 0), 0u) << EpisodeSummary(*r);
  EXPECT_NE(EpisodeJsonLine(*r).find("\"coverage\":"), std::string::npos);
}

TEST(ProgressTrackerTest, APositionFarOutsideTheGridIsIgnored) {
  auto task = Task("point_mass_maze");
  ProgressTracker tracker(task.get(), kStart);
  polo::VisitedState s;
  for (int k = 0; k < models::PhysicsStateSize(task->model()); ++k) s.add_physics_state(0.0);
  s.set_physics_state(1, 1e300);  // Once cast to int before the range check.
  s.set_physics_state(2, -1e300);
  for (size_t m = 0; m < task->metric_names().size(); ++m) s.add_metrics(0.0);
  polo::ExperienceBatch batch;
  *batch.add_states() = s;
  tracker.AddState("a1", s, PlanarPositions(*task, batch, models::UniqueMjData(mj_makeData(task->model())).get())[0], 1, kStart);
  EXPECT_EQ(tracker.coverage(), 0.0);
}

TEST(ProgressTrackerTest, AnEpisodeOpenAtACheckpointContinuesAfterRestore) {
  auto task = Task("humanoid_getup");
  ProgressTracker whole(task.get(), kStart);
  std::optional<polo::EpisodeRecord> expected = FeedEpisode(&whole, 0, kHeights.size());
  ASSERT_TRUE(expected);

  ProgressTracker before(task.get(), kStart);
  EXPECT_FALSE(FeedEpisode(&before, 0, 2));
  polo::ProgressSnapshot snapshot;
  before.Save(&snapshot);
  polo::ProgressSnapshot parsed;
  ASSERT_TRUE(parsed.ParseFromString(snapshot.SerializeAsString()));
  ProgressTracker after(task.get(), kStart);
  after.Restore(parsed);
  std::optional<polo::EpisodeRecord> r = FeedEpisode(&after, 2, kHeights.size());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->SerializeAsString(), expected->SerializeAsString());

  // The last record survives a second round trip.
  polo::ProgressSnapshot again;
  after.Save(&again);
  ProgressTracker restored(task.get(), kStart);
  restored.Restore(again);
  polo::Progress p;
  restored.Fill(kStart, &p);
  EXPECT_EQ(p.last_episode().SerializeAsString(), expected->SerializeAsString());
}

TEST(EpisodeRecordTest, TheEpisodeLineIsFlatJsonWithMetricsByName) {
  polo::EpisodeRecord r;
  r.set_episode(7);
  r.set_agent_steps(4200);
  r.set_worker_id("a\"1");
  r.set_worker_episode(6);
  r.set_length(600);
  r.set_return_(241.3);
  r.set_mean_reward(1.0 / 3);
  r.set_weights_version(12);
  r.set_wall_s(81.5);
  r.add_metric_names("root_height");
  r.add_metric_names("forward_speed");
  r.add_final_metrics(0.95);
  r.add_final_metrics(-0.1);
  r.add_mean_metrics(0.86);
  r.add_mean_metrics(0.0);
  r.add_max_metrics(1.2);
  r.add_max_metrics(1e-20);
  r.set_frac_standing(0.4);
  r.set_success_metric("root_height");
  EXPECT_EQ(EpisodeJsonLine(r, 42),
            "{\"unix_ms\":42,\"episode\":7,\"agent_steps\":4200,\"worker_id\":\"a\\\"1\","
            "\"worker_episode\":6,\"length\":600,\"return\":241.3,"
            "\"mean_reward\":0.3333333333333333,\"weights_version\":12,\"wall_s\":81.5,"
            "\"final_root_height\":0.95,\"mean_root_height\":0.86,\"max_root_height\":1.2,"
            "\"final_forward_speed\":-0.1,\"mean_forward_speed\":0,"
            "\"max_forward_speed\":1e-20,\"frac_standing\":0.4}");
  EXPECT_EQ(EpisodeSummary(r), "last ep 7: return 241.3 mean_r 0.33 max_root_height 1.20 success 0.40");
  r.clear_frac_standing();
  EXPECT_EQ(EpisodeSummary(r), "last ep 7: return 241.3 mean_r 0.33");
}

TEST(ProgressTrackerTest, TheRunFolderAppendsOneEpisodeLinePerRecord) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/episodes_run";
  std::filesystem::remove_all(dir);
  auto task = Task("humanoid_getup");
  ProgressTracker tracker(task.get(), kStart);
  std::optional<polo::EpisodeRecord> r = FeedEpisode(&tracker, 0, kHeights.size());
  ASSERT_TRUE(r);
  {
    absl::StatusOr<std::unique_ptr<RunFolder>> folder = RunFolder::Create(dir, polo::RunConfig());
    ASSERT_TRUE(folder.ok()) << folder.status();
    ASSERT_TRUE((*folder)->AppendEpisode(*r).ok());
    r->set_episode(2);
    ASSERT_TRUE((*folder)->AppendEpisode(*r).ok());
  }
  std::ifstream in(dir + "/episodes.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("{\"unix_ms\":", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(",\"episode\":1,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(",\"episode\":2,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"frac_standing\":0.4}"), std::string::npos) << lines[1];
}

TEST(CpuMeterTest, TheWindowCoversTheLastTenSecondsAndTheTotalEverything) {
  double cpu = 5.0;  // Used before the meter starts: not counted.
  CpuMeter meter([&cpu] { return cpu; }, /*cores=*/2, kStart);
  CpuMeter::Reading reading;
  for (int t = 1; t <= 30; ++t) {
    if (t > 10) cpu += 2.0;  // Idle for 10 s, then both cores busy.
    reading = meter.Read(kStart + absl::Seconds(t));
    if (t == 10) {
      EXPECT_NEAR(reading.window, 0.0, 1e-12);
    }
  }
  EXPECT_NEAR(reading.window, 1.0, 1e-12);
  EXPECT_NEAR(reading.total, 40.0 / 60.0, 1e-12);
}

TEST(CpuMeterTest, TheProcessUtilisationIsAFractionAfterBurningCpu) {
  CpuMeter meter;
  const absl::Time start = absl::Now();
  volatile double x = 0;
  while (absl::Now() - start < absl::Milliseconds(300)) {
    for (int i = 0; i < 10000; ++i) x = x + 1e-9 * i;
  }
  const CpuMeter::Reading reading = meter.Read(absl::Now());
  EXPECT_GT(reading.total, 0.0);
  EXPECT_LE(reading.total, 1.05);
  EXPECT_GE(reading.window, 0.0);
  EXPECT_LE(reading.window, 1.05);
  polo::Progress p;
  auto task = Task("humanoid_getup");
  ProgressTracker tracker(task.get(), start);
  tracker.Fill(absl::Now(), &p);
  EXPECT_GE(p.cpu_utilisation(), 0.0);
  EXPECT_LE(p.cpu_utilisation(), 1.05);
  EXPECT_LE(p.cpu_utilisation_total(), 1.05);
}

}  // namespace
}  // namespace polo::server
