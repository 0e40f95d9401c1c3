// //cluster:humanoid_bench — what one full humanoid run costs on this
// machine, measured through the service: the learner with its default
// in-process workers (exactly what `//server:learner --task=humanoid_getup`
// starts), run for a few updates after a warm-up. Every learner flag
// applies (--target_states, --horizon, --mode, --target_workers, ...), so
// each lever of the cost can be measured on its own.
//
// Ends with one line:
//   s_per_update=… agent_steps_per_s=… cpu_utilisation=… projected_run_min=…
// followed by the parts: wall seconds of an update and of its targets,
// physics steps per second (acting and targets) and their ratio to the raw
// single-thread mj_step rate of the same model measured in the same run
// times the cores.
//
//   bazel run -c opt //cluster:humanoid_bench [-- --updates=10 ...]
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cluster/local_workers.h"
#include "cluster/local_workers_flags.h"
#include "models/registry.h"
#include "planner/thread_pool.h"
#include "server/learner_core.h"
#include "server/learner_flags.h"
#include "server/learner_service.h"

ABSL_DECLARE_FLAG(std::string, task);
ABSL_FLAG(int, warmup_updates, 2, "updates run before measuring (buffer fills, threads start)");
ABSL_FLAG(int, updates, 10, "updates measured");
ABSL_FLAG(int64_t, lifetime_steps, 12000,
          "agent steps the projection is for (the paper's 20 episodes x 600)");

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// mj_step per second on one thread, from the task's reset state, ~1 s.
double RawStepsPerSecond(const polo::models::Task& task) {
  const mjModel* m = task.model();
  polo::models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), 0);
  int steps = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < absl::Seconds(1)) {
    for (int i = 0; i < 200; ++i) mj_step(m, d.get());
    steps += 200;
    if (d->time > 5) task.Reset(m, d.get(), steps);  // Stay near the task's states.
  }
  return steps / absl::ToDoubleSeconds(absl::Now() - start);
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "humanoid_bench: %s\n", std::string(status.message()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetFlag(&FLAGS_task, "humanoid_getup");
  absl::ParseCommandLine(argc, argv);
  const int warmup = absl::GetFlag(FLAGS_warmup_updates);
  const int measured = absl::GetFlag(FLAGS_updates);
  if (warmup < 1) return Fail(absl::InvalidArgumentError("--warmup_updates: expected >= 1"));
  if (measured < 1) return Fail(absl::InvalidArgumentError("--updates: expected >= 1"));
  absl::StatusOr<polo::RunConfig> config = polo::server::RunConfigFromFlags();
  if (!config.ok()) return Fail(config.status());
  // total_steps stays the run's (12000): the bench measures a few updates
  // of a real run's start, κ schedule included, and stops long before.
  absl::StatusOr<polo::cluster::LocalWorkersOptions> local =
      polo::cluster::LocalWorkersOptionsFromFlags();
  if (!local.ok()) return Fail(local.status());

  absl::StatusOr<std::unique_ptr<polo::models::Task>> task = polo::models::MakeTask(config->task());
  if (!task.ok()) return Fail(task.status());
  const double raw = RawStepsPerSecond(**task);
  const int cores = polo::planner::HardwareThreads();

  polo::server::LearnerOptions options;
  options.config = *config;
  options.listen_address = "localhost:0";
  absl::StatusOr<std::unique_ptr<polo::cluster::LocalCluster>> cluster =
      polo::cluster::LocalCluster::Start(options, *local);
  if (!cluster.ok()) return Fail(polo::server::InFlagTerms(cluster.status()));
  polo::server::LearnerCore* core = (*cluster)->core();
  const polo::RunConfig& c = core->config();
  std::printf("task=%s mode=%s H=%d K=%d N=%d K_t=%d M=%u G=%d n=%d Z=%d warm_start=%d "
              "actors=%d x %d threads, target_workers=%d x %d threads, cores=%d\n",
              c.task().c_str(), polo::LoopMode_Name(c.mode()).c_str(), c.mppi().horizon(),
              c.mppi().num_rollouts(), c.targets().horizon(), c.targets().num_rollouts(),
              c.training().target_states(), c.training().gradient_steps(),
              c.training().minibatch_size(), c.training().update_every(),
              c.targets().warm_start(), local->actors, local->actor_threads,
              local->target_workers, local->target_threads, cores);
  std::fflush(stdout);

  auto wait_for_updates = [&](uint64_t n) {
    while (core->GetProgress().updates() < n) absl::SleepFor(absl::Milliseconds(20));
    return core->GetProgress();
  };
  const polo::Progress begin = wait_for_updates(warmup);
  const absl::Time t0 = absl::Now();
  const double cpu0 = CpuSeconds();
  double update_s = 0, targets_s = 0;
  polo::Progress end = begin;
  for (int u = 1; u <= measured; ++u) {
    end = wait_for_updates(warmup + u);
    update_s += end.last_update_s();
    targets_s += end.last_update_targets_s();
  }
  const double wall = absl::ToDoubleSeconds(absl::Now() - t0);
  const double cpu = CpuSeconds() - cpu0;
  (void)(*cluster)->Stop();

  const double updates = static_cast<double>(end.updates() - begin.updates());
  const double steps = static_cast<double>(end.agent_steps() - begin.agent_steps());
  const double targets = static_cast<double>(end.targets_computed() - begin.targets_computed());
  // Physics steps of acting (H × K per agent step and MPPI iteration) and
  // of targets (N × K_t per state and round; K times that per member mode).
  const double acting_physics =
      steps * c.mppi().horizon() * c.mppi().num_rollouts() * c.mppi().iterations();
  const double target_physics = targets * c.targets().horizon() * c.targets().num_rollouts() *
                                c.targets().iterations() *
                                (c.targets().per_member() ? c.ensemble().ensemble_size() : 1);
  const double physics_per_s = (acting_physics + target_physics) / wall;
  const double agent_steps_per_s = steps / wall;
  std::printf(
      "raw_steps_per_s=%.0f physics_steps_per_s=%.0f physics_efficiency=%.3f "
      "update_s=%.3f update_targets_s=%.3f acting_s_per_update=%.3f\n",
      raw, physics_per_s, physics_per_s / (raw * cores), update_s / measured,
      targets_s / measured, (wall - update_s) / measured);
  std::printf("s_per_update=%.3f agent_steps_per_s=%.2f cpu_utilisation=%.3f projected_run_min=%.1f\n",
              wall / updates, agent_steps_per_s, cpu / (wall * cores),
              absl::GetFlag(FLAGS_lifetime_steps) / agent_steps_per_s / 60.0);
  return 0;
}
