#include "experiments/common/evaluation.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "config/presets.h"
#include "config/run_config.h"
#include "experiments/common/task_weights.h"

namespace polo::experiments {

planner::MppiSettings PresetMppiSettings(const std::string& task) {
  absl::StatusOr<polo::RunConfig> preset = config::PresetRunConfig(task);
  if (!preset.ok()) return planner::MppiSettings();
  return config::MppiSettingsFromConfig(*preset, preset->seed());
}
namespace {

absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> LoadValue(
    const EvaluationOptions& options, const models::Task& task) {
  absl::StatusOr<EnsembleWeights> weights =
      LoadTaskWeights(options.value_flag, options.value_path, task);
  if (weights.ok() && options.replace_weights) weights = options.replace_weights(*weights);
  if (!weights.ok()) return weights.status();
  return learner::OptimisticValue::Create(*weights, options.kappa);
}

}  // namespace

double EpisodeRecord::total_reward() const {
  double total = 0;
  for (double r : rewards) total += r;
  return total;
}

double EpisodeRecord::mean_reward() const { return total_reward() / rewards.size(); }

double EpisodeRecord::mean_effective_samples() const {
  double total = 0;
  for (double n : effective_samples) total += n;
  return total / effective_samples.size();
}

Evaluation::Evaluation(std::unique_ptr<models::Task> task, const planner::MppiSettings& mppi,
                       int threads, std::unique_ptr<learner::OptimisticValue> value)
    : task_(std::move(task)),
      mppi_(mppi),
      value_(std::move(value)),
      pool_(std::make_unique<planner::ThreadPool>(threads)) {}

absl::StatusOr<std::unique_ptr<Evaluation>> Evaluation::Create(const EvaluationOptions& options) {
  if (options.threads < 1 || options.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("--threads: got ", options.threads, ", expected 1..256"));
  }
  absl::StatusOr<std::unique_ptr<models::Task>> task =
      models::MakeTask(options.task, options.task_options);
  if (!task.ok()) return task.status();
  std::unique_ptr<learner::OptimisticValue> value;
  if (!options.value_path.empty()) {
    absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> loaded = LoadValue(options, **task);
    if (!loaded.ok()) return loaded.status();
    value = *std::move(loaded);
  }
  auto evaluation = std::unique_ptr<Evaluation>(
      new Evaluation(*std::move(task), options.mppi, options.threads, std::move(value)));
  if (absl::Status s = evaluation->Restart(options.mppi.seed); !s.ok()) return s;
  return evaluation;
}

absl::Status Evaluation::Restart(uint64_t seed) {
  planner::MppiSettings settings = mppi_;
  settings.seed = seed;
  agent_.reset();
  absl::StatusOr<std::unique_ptr<planner::Agent>> agent =
      planner::Agent::Create(task_.get(), settings, pool_.get());
  if (!agent.ok()) return agent.status();
  agent_ = *std::move(agent);
  steps_taken_ = 0;
  return absl::OkStatus();
}

EpisodeRecord Evaluation::Run(const RunOptions& options) {
  EpisodeRecord record;
  const size_t num_metrics = task_->metric_names().size();
  record.max_metrics.assign(num_metrics, std::numeric_limits<double>::lowest());
  const auto keep_state = [&] {
    record.states.insert(record.states.end(), agent_->physics_state().begin(),
                         agent_->physics_state().end());
  };
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < options.steps; ++t) {
    if (options.record_states) keep_state();
    if (t < options.keep_features) {
      record.features.insert(record.features.end(), agent_->features().begin(),
                             agent_->features().end());
    }
    StepResult result;
    result.step = t + 1;
    if (value_ != nullptr && options.value_before) {
      value_->Evaluate(agent_->features().data(), 1, &result.value_before);
    }
    planner::AgentStep step = agent_->Step(static_cast<uint64_t>(steps_taken_++), value_.get());
    result.reward = step.reward;
    result.planner = step.planner;
    record.rewards.push_back(step.reward);
    record.effective_samples.push_back(step.planner.effective_samples);
    for (size_t i = 0; i < num_metrics; ++i) {
      record.max_metrics[i] = std::max(record.max_metrics[i], agent_->metrics()[i]);
    }
    if (options.on_step) options.on_step(result, *agent_);
  }
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The state after the last step too: a replay shows where it ended.
  if (options.record_states) keep_state();
  record.final_metrics.assign(agent_->metrics().begin(), agent_->metrics().end());
  return record;
}

}  // namespace polo::experiments
