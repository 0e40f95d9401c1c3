#include "server/learner_metrics.h"

#include <string>
#include <utility>
#include <vector>

#include "util/metrics.h"

namespace polo::server {

namespace {

using util::Counter;
using util::Gauge;

std::vector<prometheus::MetricFamily> ProgressCounters(const polo::Progress& p) {
  return {
      Counter("polo_agent_steps_total", "Agent steps accepted (all actors).", p.agent_steps()),
      Counter("polo_episodes_total", "Episodes completed.", p.episodes()),
      Counter("polo_updates_total", "Ensemble updates completed.", p.updates()),
      Counter("polo_gradient_steps_total", "Adam steps taken.", p.gradient_steps()),
      Counter("polo_duplicate_states_total", "Resent states dropped as duplicates.",
              p.duplicates_dropped()),
      Counter("polo_target_jobs_reassigned_total", "Target jobs leased again after a lease expired.",
              p.jobs_reassigned()),
      Counter("polo_target_results_late_total", "Target results dropped as late.",
              p.late_results_dropped()),
      Counter("polo_targets_computed_total", "States whose targets came back.", p.targets_computed()),
  };
}

std::vector<prometheus::MetricFamily> ProgressGauges(const polo::Progress& p) {
  return {
      Gauge("polo_weights_version", "Newest published weights version.", p.weights_version()),
      Gauge("polo_replay_states", "States in the replay buffer.", p.replay_size()),
      Gauge("polo_target_jobs_queued", "Target jobs waiting for a worker.", p.jobs_queued()),
      Gauge("polo_target_jobs_leased", "Target jobs a worker holds now.", p.jobs_leased()),
      Gauge("polo_value_loss", "Mean training loss of the last update.", p.value_loss()),
      Gauge("polo_last_update_seconds", "Wall time of the last update.", p.last_update_s()),
      Gauge("polo_last_update_target_wait_seconds",
            "Of the last update, the time spent waiting for targets.", p.last_update_targets_s()),
      Gauge("polo_last_weights_published_timestamp_seconds",
            "Unix time of the newest weights (alert when it stops moving).",
            static_cast<double>(p.weights_published_unix_us()) * 1e-6),
      Gauge("polo_update_failures", "Updates failed in a row (0 when the last succeeded).",
            p.update_failures()),
      Gauge("polo_cpu_utilisation_ratio", "Learner process CPU time / (wall time x cores), ~10 s.",
            p.cpu_utilisation()),
      Gauge("polo_states_per_second", "Accepted agent steps per second, ~10 s.",
            p.states_per_second()),
      Gauge("polo_uptime_seconds", "Seconds since the learner started.", p.uptime_s()),
      Gauge("process_resident_memory_bytes", "Resident memory of the learner process.",
            static_cast<double>(p.resident_bytes())),
  };
}

// The task's measures: the last episode's return and success share,
// coverage on reward-free worlds.
void AddTaskMeasures(const polo::Progress& p, std::vector<prometheus::MetricFamily>* out) {
  if (p.has_last_episode()) {
    const polo::EpisodeRecord& e = p.last_episode();
    out->push_back(Gauge("polo_last_episode_return", "Return of the last completed episode.",
                         e.return_()));
    if (e.has_frac_standing()) {
      out->push_back(Gauge("polo_last_episode_standing_ratio",
                           "Share of the last episode's steps meeting the task's success "
                           "measure (humanoid tasks: standing).",
                           e.frac_standing()));
    }
  }
  if (p.coverage() >= 0) {
    out->push_back(Gauge("polo_coverage_ratio", "Point mass: share of the grid visited.",
                         p.coverage()));
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> LearnerMetrics::Collect() const {
  const polo::Progress p = core_->GetProgress();
  std::vector<prometheus::MetricFamily> out = ProgressCounters(p);
  for (prometheus::MetricFamily& f : ProgressGauges(p)) out.push_back(std::move(f));
  out.push_back(core_->UpdateStats().update_seconds.Family(
      "polo_update_duration_seconds", "Wall time of each update in this learner process."));
  AddTaskMeasures(p, &out);
  prometheus::MetricFamily workers =
      util::GaugeFamily("polo_workers_connected", "Workers seen within 10 s, by kind.");
  util::AddSample(&workers, core_->WorkersConnected(polo::ACTOR), {{"kind", "actor"}});
  util::AddSample(&workers, core_->WorkersConnected(polo::TARGET_WORKER),
                  {{"kind", "target_worker"}});
  out.push_back(std::move(workers));
  if (calls_ != nullptr) {
    prometheus::MetricFamily handled = util::CounterFamily(
        "polo_grpc_server_handled_total", "RPCs finished, by method and status code.");
    for (const auto& [key, n] : calls_->Get()) {
      util::AddSample(&handled, static_cast<double>(n),
                      {{"code", std::to_string(static_cast<int>(key.second))},
                       {"method", key.first}});
    }
    out.push_back(std::move(handled));
  }
  return out;
}

}  // namespace polo::server
