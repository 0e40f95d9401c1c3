// //cluster:scale_bench — how the service scales with actor and target
// worker processes: the real binaries (//cluster:learner with no in-process
// workers, --actors //worker:actor and --target_workers //worker:target_worker
// processes, each with its own thread count) on loopback, for a fixed time
// after a warm-up. Run first with one actor, then with --actors, each time
// from a fresh learner, so that per_actor_efficiency compares the two in
// the same invocation on the same machine. Tag "bench".
//
//   bazel run -c opt //cluster:scale_bench -- --actors=K --target_workers=M --seconds=S
//
// Prints one "phase" line per run, then one line:
//   actors=… target_workers=… agent_steps_per_s=… per_actor_efficiency=…
//   updates_per_s=… learner_cpu=… target_wait_s_per_update=…
// per_actor_efficiency: agent steps/s per actor with --actors over the same
// with one actor. learner_cpu: cores the learner process used (CPU s over
// wall s). target_wait_s_per_update: the mean time an update waited for
// its targets. The phase lines add the workers' CPU (cores) and the mean
// update time, the inputs of the saturation model in docs/measurements.md.
// Every process gets SIGKILL if this one dies; every wait has a deadline.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "util/subprocess.h"

ABSL_FLAG(int, actors, 4, "actor processes in the measured run (the baseline run has one)");
ABSL_FLAG(int, target_workers, 2, "target-worker processes in both runs");
ABSL_FLAG(double, seconds, 60, "measured wall seconds per run, after the warm-up");
ABSL_FLAG(int, warmup_updates, 2, "updates completed before measuring");
ABSL_FLAG(int, actor_threads, 1, "rollout threads per actor process");
ABSL_FLAG(int, target_threads, 1, "rollout threads per target-worker process");
ABSL_FLAG(std::string, task, "humanoid_getup", "the learner's --task (its presets apply)");
ABSL_FLAG(std::string, mode, "sync", "the learner's --mode: sync or async");
ABSL_FLAG(std::string, learner_flags, "",
          "more learner flags, space-separated (e.g. \"--horizon=16 --target_states=64\")");
ABSL_FLAG(double, startup_timeout_s, 600, "longest wait for the warm-up updates");
ABSL_FLAG(bool, keep_logs, false, "keep the processes' logs and run folders (printed at the end)");

namespace {

using polo::util::Subprocess;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "scale_bench: %s\n", std::string(status.message()).c_str());
  return 2;
}

// A binary of this workspace beside this one in the runfiles tree (bazel
// run starts in <bench>.runfiles/polo; a direct start has argv[0]).
absl::StatusOr<std::string> Binary(const std::string& argv0, const std::string& relative) {
  std::vector<std::string> candidates;
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(absl::StrCat(dir, "/polo/", relative));
  }
  candidates.push_back(absl::StrCat(argv0, ".runfiles/polo/", relative));
  candidates.push_back(relative);
  for (const std::string& c : candidates) {
    if (access(c.c_str(), X_OK) == 0) return std::filesystem::absolute(c).string();
  }
  return absl::NotFoundError(absl::StrCat(relative, ": not found in the runfiles (run it with ",
                                          "bazel run -c opt //cluster:scale_bench)"));
}

struct Binaries {
  std::string learner, actor, target_worker;
};

struct Sample {
  polo::Progress progress;
  double learner_cpu = 0, actor_cpu = 0, target_cpu = 0;
  absl::Time time;
};

struct PhaseResult {
  int actors = 0;
  double wall_s = 0;
  double agent_steps = 0, updates = 0;
  double learner_cpu = 0, actor_cpu = 0, target_cpu = 0;  // Cores.
  double target_wait_s = 0, update_s = 0;                  // Means per update seen.

  double steps_per_s() const { return agent_steps / wall_s; }
};

class Phase {
 public:
  Phase(const Binaries& bin, const std::string& dir, int actors) : actors_(actors) {
    std::filesystem::create_directories(dir);
    const int port = polo::util::FreePort();
    address_ = absl::StrCat("127.0.0.1:", port);
    std::vector<std::string> learner_argv = {
        bin.learner,
        "--listen=" + address_,
        "--actors=0",
        "--target_workers=0",
        "--progress=false",
        "--tensorboard=false",
        "--checkpoint_every_s=36000",
        "--total_steps=0",
        "--task=" + absl::GetFlag(FLAGS_task),
        "--mode=" + absl::GetFlag(FLAGS_mode),
        "--run_dir=" + dir + "/run"};
    for (absl::string_view f :
         absl::StrSplit(absl::GetFlag(FLAGS_learner_flags), ' ', absl::SkipEmpty())) {
      learner_argv.emplace_back(f);
    }
    learner_ = std::make_unique<Subprocess>(learner_argv, dir + "/learner.log");
    for (int i = 0; i < absl::GetFlag(FLAGS_target_workers); ++i) {
      targets_.push_back(std::make_unique<Subprocess>(
          std::vector<std::string>{bin.target_worker, "--learner=" + address_,
                                   absl::StrCat("--threads=", absl::GetFlag(FLAGS_target_threads))},
          absl::StrCat(dir, "/target", i, ".log")));
    }
    for (int i = 0; i < actors; ++i) {
      actors_procs_.push_back(std::make_unique<Subprocess>(
          std::vector<std::string>{bin.actor, "--learner=" + address_,
                                   absl::StrCat("--threads=", absl::GetFlag(FLAGS_actor_threads))},
          absl::StrCat(dir, "/actor", i, ".log")));
    }
    stub_ = polo::Learner::NewStub(polo::rpc::MakeLearnerChannel(address_));
  }

  ~Phase() {
    for (auto& p : actors_procs_) p->Signal(SIGTERM);
    for (auto& p : targets_) p->Signal(SIGTERM);
    for (auto& p : actors_procs_) p->Stop(absl::Seconds(10));
    for (auto& p : targets_) p->Stop(absl::Seconds(10));
    learner_->Stop(absl::Seconds(20));
  }

  absl::StatusOr<PhaseResult> Measure() {
    const absl::Time startup_deadline =
        absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_startup_timeout_s));
    const uint64_t warmup = absl::GetFlag(FLAGS_warmup_updates);
    std::optional<Sample> begin;
    while (!begin) {
      if (absl::Status s = CheckAlive(); !s.ok()) return s;
      if (absl::Now() > startup_deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "--startup_timeout_s: fewer than --warmup_updates=", warmup, " updates after ",
            absl::GetFlag(FLAGS_startup_timeout_s), " s"));
      }
      std::optional<Sample> s = Take();
      if (s && s->progress.updates() >= warmup) begin = s;
      absl::SleepFor(absl::Milliseconds(50));
    }
    // Poll often enough to see each update's own times (an update takes
    // far longer than 10 ms at any preset).
    const absl::Time end = begin->time + absl::Seconds(absl::GetFlag(FLAGS_seconds));
    uint64_t seen = begin->progress.updates();
    double wait_sum = 0, update_sum = 0;
    int counted = 0;
    Sample last = *begin;
    while (absl::Now() < end) {
      absl::SleepFor(absl::Milliseconds(10));
      std::optional<Sample> s = Take();
      if (!s) continue;
      if (s->progress.updates() > seen) {
        wait_sum += s->progress.last_update_targets_s();
        update_sum += s->progress.last_update_s();
        ++counted;
        seen = s->progress.updates();
      }
      last = *s;
    }
    if (absl::Status s = CheckAlive(); !s.ok()) return s;
    PhaseResult r;
    r.actors = actors_;
    r.wall_s = absl::ToDoubleSeconds(last.time - begin->time);
    r.agent_steps = static_cast<double>(last.progress.agent_steps() - begin->progress.agent_steps());
    r.updates = static_cast<double>(last.progress.updates() - begin->progress.updates());
    r.learner_cpu = (last.learner_cpu - begin->learner_cpu) / r.wall_s;
    r.actor_cpu = (last.actor_cpu - begin->actor_cpu) / r.wall_s;
    r.target_cpu = (last.target_cpu - begin->target_cpu) / r.wall_s;
    if (counted > 0) {
      r.target_wait_s = wait_sum / counted;
      r.update_s = update_sum / counted;
    }
    return r;
  }

 private:
  absl::Status CheckAlive() {
    if (!learner_->running()) {
      return absl::InternalError(
          absl::StrCat("the learner ended early; its log:\n", learner_->Log()));
    }
    for (auto* group : {&actors_procs_, &targets_}) {
      for (auto& p : *group) {
        if (!p->running()) {
          return absl::InternalError(
              absl::StrCat(p->log_path(), ": the worker ended early; its log:\n", p->Log()));
        }
      }
    }
    return absl::OkStatus();
  }

  static double SumCpu(const std::vector<std::unique_ptr<Subprocess>>& group) {
    double sum = 0;
    for (const auto& p : group) sum += p->CpuSeconds().value_or(0);
    return sum;
  }

  std::optional<Sample> Take() {
    Sample s;
    const grpc::Status status = stub_->GetProgress(
        polo::rpc::ContextWithTimeout(absl::Seconds(5)).get(), {}, &s.progress);
    if (!status.ok()) return std::nullopt;
    s.time = absl::Now();
    s.learner_cpu = learner_->CpuSeconds().value_or(0);
    s.actor_cpu = SumCpu(actors_procs_);
    s.target_cpu = SumCpu(targets_);
    return s;
  }

  int actors_;
  std::string address_;
  std::unique_ptr<Subprocess> learner_;
  std::vector<std::unique_ptr<Subprocess>> targets_;
  std::vector<std::unique_ptr<Subprocess>> actors_procs_;
  std::unique_ptr<polo::Learner::Stub> stub_;
};

void PrintPhase(const PhaseResult& r) {
  std::printf(
      "phase actors=%d target_workers=%d seconds=%.1f agent_steps=%.0f agent_steps_per_s=%.3f "
      "updates=%.0f updates_per_s=%.3f learner_cpu=%.3f actor_cpu=%.3f target_cpu=%.3f "
      "update_s=%.3f target_wait_s_per_update=%.3f\n",
      r.actors, absl::GetFlag(FLAGS_target_workers), r.wall_s, r.agent_steps, r.steps_per_s(),
      r.updates, r.updates / r.wall_s, r.learner_cpu, r.actor_cpu, r.target_cpu, r.update_s,
      r.target_wait_s);
  std::fflush(stdout);
}

absl::Status CheckFlags() {
  auto at_least = [](const char* name, double value, double min) {
    return value >= min ? absl::OkStatus()
                        : absl::InvalidArgumentError(
                              absl::StrCat("--", name, ": got ", value, ", expected >= ", min));
  };
  for (absl::Status s : {
           at_least("actors", absl::GetFlag(FLAGS_actors), 1),
           at_least("target_workers", absl::GetFlag(FLAGS_target_workers), 1),
           at_least("seconds", absl::GetFlag(FLAGS_seconds), 1),
           at_least("warmup_updates", absl::GetFlag(FLAGS_warmup_updates), 1),
           at_least("actor_threads", absl::GetFlag(FLAGS_actor_threads), 1),
           at_least("target_threads", absl::GetFlag(FLAGS_target_threads), 1),
       }) {
    if (!s.ok()) return s;
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "sync" && mode != "async") {
    return absl::InvalidArgumentError(
        absl::StrCat("--mode: got \"", mode, "\", expected sync or async"));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "scale_bench --actors=K --target_workers=M --seconds=S: the service's processes on "
      "loopback, one actor against K");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = CheckFlags(); !s.ok()) return Fail(s);
  Binaries bin;
  for (auto [field, path] : {std::pair{&bin.learner, "cluster/learner"},
                             std::pair{&bin.actor, "worker/actor"},
                             std::pair{&bin.target_worker, "worker/target_worker"}}) {
    absl::StatusOr<std::string> p = Binary(argv[0], path);
    if (!p.ok()) return Fail(p.status());
    *field = *p;
  }
  char tmpl[] = "/tmp/polo_scale_bench_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail(absl::InternalError("mkdtemp under /tmp failed"));
  const std::string dir = tmpl;
  const int actors = absl::GetFlag(FLAGS_actors);
  std::printf("task=%s mode=%s actors=%d x %d threads, target_workers=%d x %d threads, cores=%ld\n",
              absl::GetFlag(FLAGS_task).c_str(), absl::GetFlag(FLAGS_mode).c_str(), actors,
              absl::GetFlag(FLAGS_actor_threads), absl::GetFlag(FLAGS_target_workers),
              absl::GetFlag(FLAGS_target_threads), sysconf(_SC_NPROCESSORS_ONLN));
  std::fflush(stdout);

  std::vector<int> runs = {1};
  if (actors > 1) runs.push_back(actors);
  std::vector<PhaseResult> results;
  for (int k : runs) {
    absl::StatusOr<PhaseResult> r;
    {
      Phase phase(bin, absl::StrCat(dir, "/actors", k), k);
      r = phase.Measure();
    }  // Every process of the run ends before the next starts.
    if (!r.ok()) {  // The logs stay for a look.
      return Fail(absl::Status(r.status().code(),
                               absl::StrCat(r.status().message(), "\n(logs in ", dir, ")")));
    }
    if (r->agent_steps <= 0) {
      return Fail(absl::InternalError(absl::StrCat(
          "no agent step in the measured ", r->wall_s, " s with ", k, " actors (logs in ", dir,
          "/actors", k, "); raise --seconds")));
    }
    PrintPhase(*r);
    results.push_back(*r);
  }
  const PhaseResult& one = results.front();
  const PhaseResult& many = results.back();
  const double efficiency = (many.steps_per_s() / many.actors) / one.steps_per_s();
  std::printf(
      "actors=%d target_workers=%d agent_steps_per_s=%.3f per_actor_efficiency=%.3f "
      "updates_per_s=%.3f learner_cpu=%.3f target_wait_s_per_update=%.3f\n",
      many.actors, absl::GetFlag(FLAGS_target_workers), many.steps_per_s(), efficiency,
      many.updates / many.wall_s, many.learner_cpu, many.target_wait_s);
  if (absl::GetFlag(FLAGS_keep_logs)) {
    std::printf("logs and run folders: %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return 0;
}
