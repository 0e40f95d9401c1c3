// The service on humanoid_getup as separate processes on loopback (tag
// "slow"): a short run of //server:learner with its in-process workers
// completes, writes finite metrics, two episode records and a checkpoint
// whose weights.pb drives //experiments:mpc --value; and a second remote
// target worker shortens the target part of a synchronous update, since an
// update's M target states are split across the target workers connected
// when it starts (server/learner_core_training.cc, RunUpdateRounds). Every
// wait has a deadline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "proto/polo.pb.h"
#include "tests/e2e/subprocess.h"

namespace polo::testing {
namespace {

class HumanoidServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    address_ = absl::StrCat("127.0.0.1:", port_);
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = absl::StrCat(OutputDir(), "/", info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  std::unique_ptr<Subprocess> Start(const std::string& name, std::vector<std::string> argv) {
    return std::make_unique<Subprocess>(std::move(argv), absl::StrCat(dir_, "/", name, ".log"));
  }

  template <typename Message>
  std::optional<Message> CliJson(const std::string& command) {
    return polo::testing::CliJson<Message>(address_, command);
  }

  // Connected target workers as `cli workers --json` lists them (-1 if the
  // learner does not answer).
  int ConnectedTargetWorkers() {
    std::optional<polo::ListWorkersResponse> list = CliJson<polo::ListWorkersResponse>("workers");
    if (!list) return -1;
    int n = 0;
    for (const polo::WorkerInfo& w : list->workers()) {
      n += w.kind() == polo::TARGET_WORKER && w.connected();
    }
    return n;
  }

  int port_ = 0;
  std::string address_;
  std::string dir_;
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<polo::Progress> ReadMetrics(const std::string& path) {
  std::vector<polo::Progress> out;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // unix_ms
  for (const std::string& line : ReadLines(path)) {
    polo::Progress p;
    if (google::protobuf::util::JsonStringToMessage(line, &p, options).ok()) out.push_back(p);
  }
  return out;
}

// Names of the double fields of `m` (recursively, repeated included) that
// hold a NaN or an infinity; empty if all are finite.
std::vector<std::string> NonFiniteFields(const google::protobuf::Message& m,
                                         const std::string& prefix = "") {
  std::vector<std::string> bad;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    const std::string name = prefix + f->name();
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          if (!std::isfinite(r->GetRepeatedDouble(m, f, i))) bad.push_back(absl::StrCat(name, "[", i, "]"));
        }
      } else if (!std::isfinite(r->GetDouble(m, f))) {
        bad.push_back(name);
      }
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
               !f->is_repeated()) {
      std::vector<std::string> inner = NonFiniteFields(r->GetMessage(m, f), name + ".");
      bad.insert(bad.end(), inner.begin(), inner.end());
    }
  }
  return bad;
}

// The number under `key` of a flat JSON object (episodes.jsonl writes a
// non-finite number as null, so null reads as NaN); nullopt if absent.
std::optional<double> NumberField(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end()) return std::nullopt;
  if (it->second.kind_case() != google::protobuf::Value::kNumberValue) return std::nan("");
  return it->second.number_value();
}

// "k1=v1 k2=v2 ..." (the last line //experiments:mpc prints) as a map.
std::map<std::string, std::string> KeyValues(const std::string& line) {
  std::map<std::string, std::string> out;
  for (absl::string_view kv : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (parts.size() == 2) out[parts[0]] = parts[1];
  }
  return out;
}

// User + system CPU seconds of process `pid` so far (0 if unreadable).
double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after "(comm)": state is field 3, utime 14 and stime 15.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  const std::vector<std::string> fields =
      absl::StrSplit(stat.substr(paren + 2), ' ', absl::SkipEmpty());
  double utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtod(fields[11], &utime) ||
      !absl::SimpleAtod(fields[12], &stime)) {
    return 0;
  }
  return (utime + stime) / sysconf(_SC_CLK_TCK);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

TEST_F(HumanoidServiceTest, AShortHumanoidRunCompletesAndItsCheckpointDrivesMpc) {
  // Two 100-step episodes with cheap planning (one in-process actor and one
  // in-process target worker, the learner's defaults).
  const std::string run_dir = dir_ + "/run";
  auto learner = Start(
      "learner",
      {RunfilePath("cluster/learner"), absl::StrCat("--listen=127.0.0.1:", port_),
       "--run_dir=" + run_dir, "--progress=false", "--checkpoint_every_s=3600",
       "--task=humanoid_getup", "--episode_length=100", "--total_steps=200", "--horizon=16",
       "--rollouts=32", "--target_horizon=8", "--target_rollouts=8", "--target_states=32",
       "--gradient_steps=8", "--warm_start=true"});
  // Well under a minute unloaded; generous because other work may share
  // the cores.
  std::optional<int> exit_code = learner->Wait(absl::Now() + absl::Seconds(600));
  ASSERT_TRUE(exit_code.has_value()) << "learner did not finish\n" << learner->Log();
  ASSERT_EQ(*exit_code, 0) << learner->Log();

  // One actor, 200 steps of 100: exactly two complete episodes.
  const std::vector<std::string> episodes = ReadLines(run_dir + "/episodes.jsonl");
  ASSERT_EQ(episodes.size(), 2u) << absl::StrJoin(episodes, "\n");
  for (const std::string& line : episodes) {
    google::protobuf::Struct record;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &record).ok()) << line;
    EXPECT_EQ(NumberField(record, "length"), 100.0) << line;
    const std::optional<double> ret = NumberField(record, "return");
    ASSERT_TRUE(ret.has_value()) << line;
    EXPECT_TRUE(std::isfinite(*ret)) << line;
    const std::optional<double> height = NumberField(record, "max_root_height");
    ASSERT_TRUE(height.has_value()) << line;
    EXPECT_GT(*height, 0.0) << line;
    const std::optional<double> standing = NumberField(record, "frac_standing");
    ASSERT_TRUE(standing.has_value()) << line;
    EXPECT_GE(*standing, 0.0) << line;
    EXPECT_LE(*standing, 1.0) << line;
  }

  // Updates at t = 16, 32, ..., 192 (Z = 16, updates from t = Z): 12, each
  // with finite numbers.
  const std::vector<polo::Progress> metrics = ReadMetrics(run_dir + "/metrics.jsonl");
  ASSERT_EQ(metrics.size(), 12u) << absl::StrJoin(ReadLines(run_dir + "/metrics.jsonl"), "\n");
  for (const polo::Progress& p : metrics) {
    EXPECT_TRUE(std::isfinite(p.value_loss())) << p.ShortDebugString();
    EXPECT_TRUE(NonFiniteFields(p).empty())
        << absl::StrJoin(NonFiniteFields(p), ", ") << " in " << p.ShortDebugString();
  }
  EXPECT_EQ(metrics.back().updates(), 12u);
  EXPECT_EQ(metrics.back().agent_steps(), 192u);

  // The final checkpoint, named in LATEST, holds the ensemble for the planner.
  std::ifstream latest_file(run_dir + "/checkpoints/LATEST");
  std::string latest;
  std::getline(latest_file, latest);
  latest = std::string(absl::StripAsciiWhitespace(latest));
  ASSERT_FALSE(latest.empty()) << "no checkpoints/LATEST";
  const std::string weights = absl::StrCat(run_dir, "/checkpoints/", latest, "/weights.pb");
  ASSERT_TRUE(std::filesystem::exists(weights)) << weights;

  // MPC with that value runs and reports a finite mean reward.
  std::optional<std::string> mpc = RunAndCapture(
      {RunfilePath("experiments/common/mpc"), "--task=humanoid_getup", "--value=" + weights, "--steps=20",
       "--horizon=8", "--rollouts=16", "--threads=1", "--print_every=0"},
      absl::Seconds(300));
  ASSERT_TRUE(mpc.has_value()) << "//experiments:mpc failed or timed out";
  std::vector<std::string> mpc_lines = absl::StrSplit(*mpc, '\n', absl::SkipEmpty());
  ASSERT_FALSE(mpc_lines.empty());
  const std::map<std::string, std::string> summary = KeyValues(mpc_lines.back());
  ASSERT_TRUE(summary.count("mean_reward")) << mpc_lines.back();
  double mean_reward = NAN;
  ASSERT_TRUE(absl::SimpleAtod(summary.at("mean_reward"), &mean_reward)) << mpc_lines.back();
  EXPECT_TRUE(std::isfinite(mean_reward)) << mpc_lines.back();
  EXPECT_EQ(summary.count("steps") ? summary.at("steps") : "", "20") << mpc_lines.back();
}

TEST_F(HumanoidServiceTest, ASecondTargetWorkerCutsTheTargetTimeOfASynchronousUpdateToAtMostSixTenths) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two cores";
  // Targets for M = 64 states per update (32 rollouts x 16 steps each), one
  // remote actor with small planning so that the targets dominate, and
  // single-thread target workers.
  const std::string run_dir = dir_ + "/run";
  auto learner = Start(
      "learner",
      {RunfilePath("cluster/learner"), absl::StrCat("--listen=127.0.0.1:", port_),
       "--run_dir=" + run_dir, "--progress=false", "--checkpoint_every_s=3600",
       "--task=humanoid_getup", "--mode=sync", "--actors=0", "--target_workers=0",
       "--total_steps=0", "--horizon=8", "--rollouts=16", "--target_states=64",
       "--target_horizon=16", "--target_rollouts=32", "--gradient_steps=16"});
  auto actor = Start("actor", {RunfilePath("worker/actor"), "--learner=" + address_, "--threads=1"});
  auto first = Start("target0", {RunfilePath("worker/target_worker"), "--learner=" + address_,
                                 "--threads=1"});

  // last_update_targets_s of updates first..first+count-1 from metrics.jsonl
  // (one line per update, so none is missed however fast they come); polled
  // often so that the CPU readings around a window hold its targets only.
  auto targets_seconds = [&](uint64_t first_update, int count) -> std::vector<double> {
    const absl::Time deadline = absl::Now() + absl::Seconds(600);
    while (absl::Now() < deadline && learner->running()) {
      std::vector<double> seconds;
      for (const polo::Progress& p : ReadMetrics(run_dir + "/metrics.jsonl")) {
        if (p.updates() >= first_update && p.updates() < first_update + count) {
          seconds.push_back(p.last_update_targets_s());
        }
      }
      if (static_cast<int>(seconds.size()) == count) return seconds;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return {};
  };

  // One worker: skip update 1 (workers connecting, weights first fetched).
  constexpr int kUpdates = 5;
  ASSERT_EQ(targets_seconds(1, 1).size(), 1u) << learner->Log() << first->Log();
  const double first_cpu_before = CpuSeconds(first->pid());
  const std::vector<double> one = targets_seconds(2, kUpdates);
  ASSERT_EQ(one.size(), static_cast<size_t>(kUpdates)) << learner->Log() << first->Log();
  const double one_cpu = CpuSeconds(first->pid()) - first_cpu_before;
  EXPECT_EQ(ConnectedTargetWorkers(), 1);

  auto second = Start("target1", {RunfilePath("worker/target_worker"),
                                  "--learner=" + address_, "--threads=1"});
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline && ConnectedTargetWorkers() < 2) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(ConnectedTargetWorkers(), 2) << second->Log();
  // An update that was running when the second worker registered was split
  // for one worker: measure from the one after it.
  std::optional<polo::Progress> now = CliJson<polo::Progress>("progress");
  ASSERT_TRUE(now.has_value());
  ASSERT_EQ(targets_seconds(now->updates() + 1, 1).size(), 1u) << learner->Log();
  const double cpu_before[2] = {CpuSeconds(first->pid()), CpuSeconds(second->pid())};
  const std::vector<double> two = targets_seconds(now->updates() + 2, kUpdates);
  ASSERT_EQ(two.size(), static_cast<size_t>(kUpdates)) << learner->Log();
  const double two_cpu[2] = {CpuSeconds(first->pid()) - cpu_before[0],
                             CpuSeconds(second->pid()) - cpu_before[1]};
  // Both workers took part: each has targets accepted.
  std::optional<polo::ListWorkersResponse> workers = CliJson<polo::ListWorkersResponse>("workers");
  ASSERT_TRUE(workers.has_value());
  for (const polo::WorkerInfo& w : workers->workers()) {
    if (w.kind() == polo::TARGET_WORKER) {
      EXPECT_GT(w.items(), 0u) << w.worker_id();
    }
  }

  // The ideal is 0.5 (two equal halves in parallel); 0.6 is the issue's
  // acceptance bound, leaving room for lease round trips and the halves'
  // uneven progress. Medians over 5 updates so that one disturbed update
  // does not decide. The bound assumes a core for each worker: with other
  // processes busy on the machine (and the kernel's autogroup scheduling
  // giving this test's session one share among the busy sessions), the
  // workers' CPU shares printed below (CPU seconds / target wall seconds)
  // show how much each one got.
  const double median_one = Median(one);
  const double median_two = Median(two);
  const double sum_one = std::accumulate(one.begin(), one.end(), 0.0);
  const double sum_two = std::accumulate(two.begin(), two.end(), 0.0);
  std::printf(
      "last_update_targets_s: one worker [%s] median %.3f s; two workers [%s] median %.3f s; "
      "ratio %.3f\n"
      "target worker CPU s per update: one %.3f; two %.3f + %.3f; CPU share during targets: "
      "one %.2f; two %.2f + %.2f\n",
      absl::StrJoin(one, ", ").c_str(), median_one, absl::StrJoin(two, ", ").c_str(), median_two,
      median_two / median_one, one_cpu / kUpdates, two_cpu[0] / kUpdates, two_cpu[1] / kUpdates,
      one_cpu / sum_one, two_cpu[0] / sum_two, two_cpu[1] / sum_two);
  EXPECT_LE(median_two, 0.6 * median_one)
      << "one worker: " << absl::StrJoin(one, ", ") << "\ntwo workers: " << absl::StrJoin(two, ", ")
      << "\nCPU share during targets: one " << one_cpu / sum_one << ", two " << two_cpu[0] / sum_two
      << " + " << two_cpu[1] / sum_two << " (below ~0.9 each: the workers were short of cores)";

  // Workers first, while the learner still answers their goodbyes (an
  // actor whose learner vanished mid-call exits with CANCELLED).
  actor->Signal(SIGTERM);
  first->Signal(SIGTERM);
  second->Signal(SIGTERM);
  EXPECT_EQ(actor->Wait(absl::Now() + absl::Seconds(30)), 0) << actor->Log();
  EXPECT_EQ(first->Wait(absl::Now() + absl::Seconds(30)), 0) << first->Log();
  EXPECT_EQ(second->Wait(absl::Now() + absl::Seconds(30)), 0) << second->Log();
  learner->Signal(SIGTERM);
  EXPECT_EQ(learner->Wait(absl::Now() + absl::Seconds(120)), 0) << learner->Log();
}

}  // namespace
}  // namespace polo::testing
