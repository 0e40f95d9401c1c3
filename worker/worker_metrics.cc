#include "worker/worker_metrics.h"

#include "util/metrics.h"

namespace polo::worker {

std::vector<prometheus::MetricFamily> ActorMetrics::Collect() const {
  const Actor::Stats s = actor_->stats();
  return {
      util::Counter("polo_actor_steps_total", "Agent steps this actor took.", s.steps),
      util::Counter("polo_actor_episodes_total", "Episodes this actor finished.", s.episodes),
      util::Gauge("polo_actor_unaccepted_states", "States held, not yet accepted by the learner.",
                  s.unaccepted),
      util::Gauge("polo_actor_planning_seconds", "MPPI time of the last step.", s.last_planning_s),
      util::Gauge("polo_actor_effective_samples", "1 / sum w^2 of the last step's MPPI weights.",
                  s.effective_samples),
      util::Gauge("polo_actor_rollout_steps_per_second",
                  "Simulated steps per second of the last step's planning.", s.rollout_steps_per_s),
      util::Gauge("polo_actor_weights_version", "Weights version of the value planned with.",
                  s.weights_version),
  };
}

std::vector<prometheus::MetricFamily> TargetWorkerMetrics::Collect() const {
  return {
      util::Counter("polo_target_worker_jobs_total", "Target jobs done and accepted.",
                    worker_->jobs_done()),
      util::Counter("polo_target_worker_states_total", "States of those jobs.",
                    worker_->states_done()),
      util::Counter("polo_target_worker_late_jobs_total",
                    "Jobs whose result came after the lease expired (dropped).",
                    worker_->jobs_late()),
  };
}

}  // namespace polo::worker
