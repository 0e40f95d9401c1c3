// The learner's Prometheus metrics (README, "Seeing a run"), read from the
// core at scrape time: nothing is counted twice and no RPC path is slowed.
// Names (all polo_…): agent steps, episodes, updates, gradient steps,
// weights version, replay size, duplicate states, target jobs queued and
// leased, reassigned and late, targets computed, update duration
// (histogram), the last update's wait for targets, value loss, the time of
// the last weights publication, the last episode's return, standing ratio
// and coverage, connected workers by kind, CPU utilisation, failing
// updates, and every finished RPC by method and status code.
#ifndef POLO_SERVER_LEARNER_METRICS_H_
#define POLO_SERVER_LEARNER_METRICS_H_

#include <prometheus/collectable.h>

#include <vector>

#include "rpc/call_counts.h"
#include "server/learner_core.h"

namespace polo::server {

class LearnerMetrics final : public prometheus::Collectable {
 public:
  // Both must outlive this object; `calls` may be null.
  LearnerMetrics(const LearnerCore* core, const rpc::CallCounts* calls)
      : core_(core), calls_(calls) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const LearnerCore* core_;
  const rpc::CallCounts* calls_;
};

}  // namespace polo::server

#endif  // POLO_SERVER_LEARNER_METRICS_H_
