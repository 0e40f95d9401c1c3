// The flags of the binaries that run in-process workers beside a learner
// (//cluster:learner, //cluster:humanoid_bench): --actors,
// --target_workers, --actor_threads and --target_threads, one definition
// for both. cluster/local_workers.h takes LocalWorkersOptions and knows no
// flags.
//
// Stateless.
#ifndef POLO_CLUSTER_LOCAL_WORKERS_FLAGS_H_
#define POLO_CLUSTER_LOCAL_WORKERS_FLAGS_H_

#include "absl/status/statusor.h"
#include "cluster/local_workers.h"

namespace polo::cluster {

// LocalWorkersOptions from the flags; InvalidArgument naming the flag.
absl::StatusOr<LocalWorkersOptions> LocalWorkersOptionsFromFlags();

}  // namespace polo::cluster

#endif  // POLO_CLUSTER_LOCAL_WORKERS_FLAGS_H_
