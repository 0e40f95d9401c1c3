// The workers' Prometheus metrics (--metrics_listen on //worker:actor and
// //worker:target_worker), read at scrape time. Actor: steps, episodes,
// unaccepted states, MPPI planning time of the last step, its effective
// sample size and rollout steps per second, the weights version planned
// with. Target worker: jobs and states done, jobs dropped as late.
#ifndef POLO_WORKER_WORKER_METRICS_H_
#define POLO_WORKER_WORKER_METRICS_H_

#include <prometheus/collectable.h>

#include <vector>

#include "worker/actor.h"
#include "worker/target_worker.h"

namespace polo::worker {

class ActorMetrics final : public prometheus::Collectable {
 public:
  explicit ActorMetrics(const Actor* actor) : actor_(actor) {}  // Must outlive this.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const Actor* actor_;
};

class TargetWorkerMetrics final : public prometheus::Collectable {
 public:
  explicit TargetWorkerMetrics(const TargetWorker* worker) : worker_(worker) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const TargetWorker* worker_;
};

}  // namespace polo::worker

#endif  // POLO_WORKER_WORKER_METRICS_H_
