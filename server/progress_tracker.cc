#include "server/progress_tracker.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "models/physics_state.h"

namespace polo::server {

// --- CpuMeter ---

double CpuMeter::ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  auto seconds = [](const timeval& t) { return t.tv_sec + 1e-6 * t.tv_usec; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

CpuMeter::CpuMeter(absl::Time start)
    : CpuMeter(&CpuMeter::ProcessCpuSeconds,
               std::max(1, static_cast<int>(std::thread::hardware_concurrency())), start) {}

CpuMeter::CpuMeter(std::function<double()> cpu_seconds, int cores, absl::Time start)
    : cpu_seconds_(std::move(cpu_seconds)),
      cores_(std::max(1, cores)),
      start_(start),
      start_cpu_(cpu_seconds_()) {
  samples_.emplace_back(start_, start_cpu_);
}

CpuMeter::Reading CpuMeter::Read(absl::Time now) {
  const double cpu = cpu_seconds_();
  auto utilisation = [&](absl::Time from, double from_cpu) {
    const double seconds = absl::ToDoubleSeconds(now - from);
    return seconds > 0 ? (cpu - from_cpu) / (seconds * cores_) : 0.0;
  };
  Reading reading;
  reading.total = utilisation(start_, start_cpu_);
  absl::MutexLock lock(&mu_);
  if (now - samples_.back().first >= absl::Seconds(1)) samples_.emplace_back(now, cpu);
  while (samples_.size() >= 2 && samples_[1].first <= now - absl::Seconds(10)) {
    samples_.pop_front();
  }
  reading.window = utilisation(samples_.front().first, samples_.front().second);
  return reading;
}

// --- ProgressTracker ---

ProgressTracker::ProgressTracker(const models::Task* task, absl::Time started)
    : task_(task), started_(started), cpu_(started) {
  if (const models::CoverageGrid* grid = task->coverage_grid()) grid_.emplace(*grid);
  if (const std::optional<models::SuccessMeasure> success = task->success()) {
    const std::vector<std::string>& names = task->metric_names();
    const auto it = std::find(names.begin(), names.end(), success->metric);
    if (it != names.end()) {
      success_index_ = static_cast<int>(it - names.begin());
      success_threshold_ = success->threshold;
    }
  }
}

std::vector<std::optional<std::array<double, 2>>> PlanarPositions(
    const models::Task& task, const polo::ExperienceBatch& batch, mjData* data) {
  std::vector<std::optional<std::array<double, 2>>> positions(batch.states_size());
  if (task.coverage_grid() == nullptr) return positions;
  const mjModel* m = task.model();
  for (int i = 0; i < batch.states_size(); ++i) {
    models::RestorePhysicsState(m, batch.states(i).physics_state().data(), data);
    mj_kinematics(m, data);
    std::array<double, 2> xy;
    if (task.PlanarPosition(m, data, xy.data())) positions[i] = xy;
  }
  return positions;
}

std::optional<polo::EpisodeRecord> ProgressTracker::AddState(
    const std::string& worker_id, const polo::VisitedState& state,
    const std::optional<std::array<double, 2>>& planar_position, uint64_t agent_steps,
    absl::Time now) {
  if (grid_.has_value() && planar_position.has_value()) {
    grid_->Visit((*planar_position)[0], (*planar_position)[1]);
  }
  metrics_.emplace_back(state.metrics().begin(), state.metrics().end());
  while (metrics_.size() > 100) metrics_.pop_front();

  const size_t num_metrics = task_->metric_names().size();
  OpenEpisode& open = open_[worker_id];
  if (open.length > 0 && open.worker_episode != state.episode()) open = OpenEpisode();
  if (open.length == 0) {
    open.worker_episode = state.episode();
    open.metric_sums.assign(num_metrics, 0.0);
    open.metric_max.assign(num_metrics, -std::numeric_limits<double>::infinity());
    open.metric_last.assign(num_metrics, 0.0);
  }
  ++open.length;
  open.reward_sum += state.reward();
  for (size_t j = 0; j < num_metrics; ++j) {
    const double v = static_cast<int>(j) < state.metrics_size() ? state.metrics(j) : 0.0;
    open.metric_sums[j] += v;
    open.metric_max[j] = std::max(open.metric_max[j], v);
    open.metric_last[j] = v;
  }
  if (success_index_ >= 0 && success_index_ < state.metrics_size() &&
      state.metrics(success_index_) > success_threshold_) {
    ++open.standing;
  }
  if (!state.episode_end()) return std::nullopt;

  ++episodes_;
  returns_.push_back(open.reward_sum);
  while (returns_.size() > 10) returns_.pop_front();
  polo::EpisodeRecord r;
  r.set_episode(episodes_);
  r.set_agent_steps(agent_steps);
  r.set_worker_id(worker_id);
  r.set_worker_episode(state.episode());
  r.set_length(open.length);
  r.set_return_(open.reward_sum);
  r.set_mean_reward(open.reward_sum / open.length);
  r.set_weights_version(state.weights_version());
  r.set_wall_s(absl::ToDoubleSeconds(now - started_));
  for (size_t j = 0; j < num_metrics; ++j) {
    r.add_metric_names(task_->metric_names()[j]);
    r.add_final_metrics(open.metric_last[j]);
    r.add_mean_metrics(open.metric_sums[j] / open.length);
    r.add_max_metrics(open.metric_max[j]);
  }
  if (success_index_ >= 0) {
    r.set_success_metric(task_->metric_names()[success_index_]);
    r.set_frac_standing(static_cast<double>(open.standing) / open.length);
  }
  if (task_->coverage_grid() != nullptr) r.set_coverage(coverage());
  open_.erase(worker_id);
  last_episode_ = r;
  return r;
}

void ProgressTracker::Sample(std::deque<std::pair<absl::Time, uint64_t>>* samples, uint64_t total,
                             absl::Time now) {
  if (samples->empty() || now - samples->back().first >= absl::Seconds(1)) {
    samples->emplace_back(now, total);
  } else {
    samples->back().second = total;
  }
  while (samples->size() > 11) samples->pop_front();
}

double ProgressTracker::Rate(const std::deque<std::pair<absl::Time, uint64_t>>& samples,
                             uint64_t total, absl::Time now) {
  if (samples.empty()) return 0.0;
  const double seconds = absl::ToDoubleSeconds(now - samples.front().first);
  if (seconds < 0.5) return 0.0;
  return static_cast<double>(total - samples.front().second) / seconds;
}

void ProgressTracker::AddStates(uint64_t n, absl::Time now) {
  states_ += n;
  Sample(&state_samples_, states_, now);
}

void ProgressTracker::AddTargets(uint64_t n, absl::Time now) {
  targets_ += n;
  Sample(&target_samples_, targets_, now);
}

double ProgressTracker::coverage() const {
  return grid_.has_value() ? grid_->coverage() : -1.0;
}

void ProgressTracker::Fill(absl::Time now, polo::Progress* p) const {
  p->set_episodes(episodes_);
  if (!returns_.empty()) {
    p->set_last_episode_return(returns_.back());
    double sum = 0;
    for (double r : returns_) sum += r;
    p->set_mean_episode_return(sum / returns_.size());
  }
  if (last_episode_) *p->mutable_last_episode() = *last_episode_;
  const std::vector<std::string>& names = task_->metric_names();
  for (size_t j = 0; j < names.size(); ++j) {
    p->add_metric_names(names[j]);
    double sum = 0;
    for (const auto& row : metrics_) sum += j < row.size() ? row[j] : 0.0;
    p->add_metric_values(metrics_.empty() ? 0.0 : sum / metrics_.size());
  }
  p->set_coverage(coverage());
  p->set_targets_computed(targets_);
  p->set_states_per_second(Rate(state_samples_, states_, now));
  p->set_targets_per_second(Rate(target_samples_, targets_, now));
  const CpuMeter::Reading cpu = cpu_.Read(now);
  p->set_cpu_utilisation(cpu.window);
  p->set_cpu_utilisation_total(cpu.total);
}

void ProgressTracker::Save(polo::ProgressSnapshot* s) const {
  s->set_episodes(episodes_);
  s->clear_recent_returns();
  for (double r : returns_) s->add_recent_returns(r);
  if (grid_.has_value()) s->set_visited_cells(std::string(grid_->cells().begin(), grid_->cells().end()));
  s->set_targets_computed(targets_);
  s->clear_open_episodes();
  for (const auto& [id, open] : open_) {
    if (open.length == 0) continue;
    polo::OpenEpisodeSnapshot& o = (*s->mutable_open_episodes())[id];
    o.set_worker_episode(open.worker_episode);
    o.set_length(open.length);
    o.set_reward_sum(open.reward_sum);
    o.mutable_metric_sums()->Add(open.metric_sums.begin(), open.metric_sums.end());
    o.mutable_metric_max()->Add(open.metric_max.begin(), open.metric_max.end());
    o.mutable_metric_last()->Add(open.metric_last.begin(), open.metric_last.end());
    o.set_standing(open.standing);
  }
  s->set_last_episode(last_episode_ ? last_episode_->SerializeAsString() : std::string());
}

void ProgressTracker::Restore(const polo::ProgressSnapshot& s) {
  episodes_ = s.episodes();
  returns_.assign(s.recent_returns().begin(), s.recent_returns().end());
  if (grid_.has_value()) grid_->Restore(s.visited_cells());
  targets_ = s.targets_computed();
  open_.clear();
  const int num_metrics = static_cast<int>(task_->metric_names().size());
  for (const auto& [id, o] : s.open_episodes()) {
    if (o.length() == 0 || o.metric_sums_size() != num_metrics ||
        o.metric_max_size() != num_metrics || o.metric_last_size() != num_metrics) {
      continue;
    }
    OpenEpisode& open = open_[id];
    open.worker_episode = o.worker_episode();
    open.length = o.length();
    open.reward_sum = o.reward_sum();
    open.metric_sums.assign(o.metric_sums().begin(), o.metric_sums().end());
    open.metric_max.assign(o.metric_max().begin(), o.metric_max().end());
    open.metric_last.assign(o.metric_last().begin(), o.metric_last().end());
    open.standing = o.standing();
  }
  last_episode_.reset();
  polo::EpisodeRecord last;
  if (!s.last_episode().empty() && last.ParseFromString(s.last_episode())) last_episode_ = last;
}

}  // namespace polo::server
