#include "planner/agent.h"

#include <algorithm>
#include <utility>

#include "models/physics_state.h"

namespace polo::planner {

Agent::Agent(const models::Task* task, std::unique_ptr<Mppi> mppi)
    : task_(task), mppi_(std::move(mppi)), data_(mj_makeData(task->model())) {
  state_.assign(models::PhysicsStateSize(task->model()), 0.0);
  features_.assign(task->num_features(), 0.0);
  metrics_.assign(task->metric_names().size(), 0.0);
  plan_.assign(mppi_->nominal().size(), 0.0);
}

absl::StatusOr<std::unique_ptr<Agent>> Agent::Create(const models::Task* task,
                                                     const MppiSettings& settings,
                                                     ThreadPool* pool) {
  absl::StatusOr<std::unique_ptr<Mppi>> mppi = Mppi::Create(task, settings, pool);
  if (!mppi.ok()) return mppi.status();
  auto agent = std::unique_ptr<Agent>(new Agent(task, *std::move(mppi)));
  if (agent->data_ == nullptr) return absl::ResourceExhaustedError("mj_makeData failed");
  agent->Reset(settings.seed);
  return agent;
}

void Agent::Reset(uint64_t seed) {
  task_->Reset(task_->model(), data_.get(), seed);
  episode_seed_ = seed;
  episode_step_ = 0;
  mppi_->Reset();
  std::fill(plan_.begin(), plan_.end(), 0.0);
  Observe();
}

void Agent::Observe() {
  const mjModel* m = task_->model();
  models::CapturePhysicsState(m, data_.get(), state_.data());
  task_->Features(m, data_.get(), features_.data());
  task_->Metrics(m, data_.get(), metrics_.data());
}

AgentStep Agent::Step(uint64_t step, TerminalValue* value) {
  const mjModel* m = task_->model();
  AgentStep result;
  result.planner = mppi_->Optimize(state_.data(), step, value);
  absl::Span<const double> action = mppi_->action();
  for (int i = 0; i < m->nu; ++i) data_->ctrl[i] = action[i];
  task_->Step(m, data_.get());
  result.reward = task_->Reward(m, data_.get());
  std::copy(mppi_->nominal().begin(), mppi_->nominal().end(), plan_.begin());
  mppi_->Shift();
  // The world changes in ways the planner did not model (a no-op for most
  // tasks); after the reward, so r(s_t, a_t) is scored on s_t as it was.
  ++episode_step_;
  task_->Disturb(m, data_.get(), episode_seed_, episode_step_);
  // Step left the kinematics before s_{t+1}; features and metrics are of it.
  mj_forward(m, data_.get());
  Observe();
  return result;
}

void Agent::CopyPlan(int steps, float* out) const {
  const int nu = task_->model()->nu;
  const int horizon = static_cast<int>(plan_.size()) / nu;
  for (int t = 0; t < steps; ++t) {
    const double* row = plan_.data() + static_cast<size_t>(std::min(t, horizon - 1)) * nu;
    for (int i = 0; i < nu; ++i) out[t * nu + i] = static_cast<float>(row[i]);
  }
}

}  // namespace polo::planner
