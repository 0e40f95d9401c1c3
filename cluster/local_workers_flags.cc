#include "cluster/local_workers_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "planner/thread_pool.h"

ABSL_FLAG(int, actors, 1, "in-process actor workers (0 = remote actors only)");
// Every phase gets the whole machine: in SYNCHRONOUS mode acting and target
// computation alternate. The actor parallelises over its rollouts; target
// work is split over states, one job per connected worker, so one
// single-thread worker per core wastes no time in per-state thread
// synchronisation (humanoid_getup, N = 16, 24 rollouts: 0.945 of the raw
// step rate on 2 cores vs 0.87 for one 2-thread worker; docs/measurements.md).
ABSL_FLAG(int, target_workers, polo::planner::HardwareThreads(),
          "in-process target workers (0 = remote only; default: this machine's cores)");
ABSL_FLAG(int, actor_threads, 0,
          "rollout threads per in-process actor (0: this machine's cores split over the "
          "--actors, at least 1 each)");
ABSL_FLAG(int, target_threads, 1, "rollout threads per in-process target worker");

namespace polo::cluster {

absl::StatusOr<LocalWorkersOptions> LocalWorkersOptionsFromFlags() {
  LocalWorkersOptions o;
  o.actors = absl::GetFlag(FLAGS_actors);
  o.target_workers = absl::GetFlag(FLAGS_target_workers);
  o.actor_threads = absl::GetFlag(FLAGS_actor_threads);
  if (o.actor_threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--actor_threads: got ", o.actor_threads,
        ", expected >= 1, or 0 to split this machine's cores over the --actors"));
  }
  if (o.actor_threads == 0) o.actor_threads = SplitActorThreads(o.actors, planner::HardwareThreads());
  o.target_threads = absl::GetFlag(FLAGS_target_threads);
  if (absl::Status s = LocalWorkers::Validate(o); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", s.message()));
  }
  return o;
}

}  // namespace polo::cluster
