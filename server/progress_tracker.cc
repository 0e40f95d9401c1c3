#include "server/progress_tracker.h"

#include <algorithm>
#include <cmath>

#include "models/physics_state.h"

namespace polo::server {

ProgressTracker::ProgressTracker(const models::Task* task)
    : task_(task), data_(mj_makeData(task->model())) {
  if (const models::CoverageGrid* grid = task->coverage_grid()) {
    visited_cells_.assign(static_cast<size_t>(grid->cells_per_side) * grid->cells_per_side, 0);
  }
}

void ProgressTracker::AddState(const std::string& worker_id, const polo::VisitedState& state) {
  double& open = open_returns_[worker_id];
  open += state.reward();
  if (state.episode_end()) {
    ++episodes_;
    returns_.push_back(open);
    while (returns_.size() > 10) returns_.pop_front();
    open = 0.0;
  }
  metrics_.emplace_back(state.metrics().begin(), state.metrics().end());
  while (metrics_.size() > 100) metrics_.pop_front();

  const models::CoverageGrid* grid = task_->coverage_grid();
  if (grid == nullptr) return;
  const mjModel* m = task_->model();
  models::RestorePhysicsState(m, state.physics_state().data(), data_.get());
  mj_kinematics(m, data_.get());
  double xy[2];
  if (!task_->PlanarPosition(m, data_.get(), xy)) return;
  const int n = grid->cells_per_side;
  const int cx = static_cast<int>(std::floor((xy[0] - grid->x_min) / (grid->x_max - grid->x_min) * n));
  const int cy = static_cast<int>(std::floor((xy[1] - grid->y_min) / (grid->y_max - grid->y_min) * n));
  if (cx < 0 || cy < 0 || cx >= n || cy >= n) return;
  visited_cells_[static_cast<size_t>(cy) * n + cx] = 1;
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
  if (visited_cells_.empty()) return -1.0;
  const size_t visited = std::count(visited_cells_.begin(), visited_cells_.end(), 1);
  return static_cast<double>(visited) / visited_cells_.size();
}

void ProgressTracker::Fill(absl::Time now, polo::Progress* p) const {
  p->set_episodes(episodes_);
  if (!returns_.empty()) {
    p->set_last_episode_return(returns_.back());
    double sum = 0;
    for (double r : returns_) sum += r;
    p->set_mean_episode_return(sum / returns_.size());
  }
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
}

void ProgressTracker::Save(polo::ProgressSnapshot* s) const {
  s->set_episodes(episodes_);
  s->clear_recent_returns();
  for (double r : returns_) s->add_recent_returns(r);
  s->set_visited_cells(std::string(visited_cells_.begin(), visited_cells_.end()));
  s->set_targets_computed(targets_);
}

void ProgressTracker::Restore(const polo::ProgressSnapshot& s) {
  episodes_ = s.episodes();
  returns_.assign(s.recent_returns().begin(), s.recent_returns().end());
  if (s.visited_cells().size() == visited_cells_.size()) {
    visited_cells_.assign(s.visited_cells().begin(), s.visited_cells().end());
  }
  targets_ = s.targets_computed();
}

}  // namespace polo::server
