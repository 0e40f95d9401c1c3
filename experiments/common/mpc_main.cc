// The paper's MPC baseline: runs MPPI on any task for a number of steps, with
// no value (plain MPC) or with a value ensemble saved by the learner (paper
// Fig. 3 right, with --value_only; --untrained_value_seed for the untrained
// control), on the nominal model or one with a larger head (--head_scale,
// Fig. 4b), and prints per-step metrics (--trace: a CSV of every step,
// trace.h). The episode runs through the evaluation driver (evaluation.h).
//
//   bazel run -c opt //experiments:mpc -- --task=humanoid_getup --horizon=64
//       --rollouts=120 --steps=600
//
// Acting starts from the task's preset (the learner's, config/presets.h);
// the MPPI flags (planner/mppi_flags.h) override it where given.
//
// Ends with one key=value line: mean_reward, final_<metric>, max_<metric>,
// ms_per_step, mean_effective_samples.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "experiments/common/evaluation.h"
#include "experiments/common/trace.h"
#include "learner/ensemble_weights.h"
#include "learner/seed_schedule.h"
#include "learner/torch_ensemble.h"
#include "models/physics_state.h"
#include "models/state_file.h"
#include "planner/mppi_flags.h"
#include "planner/thread_pool.h"
#include "util/paths.h"

ABSL_FLAG(std::string, task, "humanoid_getup", "task name (see models/registry.h)");
ABSL_FLAG(int, steps, 600, "agent steps to run");
ABSL_FLAG(int, threads, polo::planner::HardwareThreads(),
          "rollout threads (default: this machine's cores)");
ABSL_FLAG(std::string, value, "", "saved value ensemble (EnsembleWeights file); empty = plain MPC");
ABSL_FLAG(double, kappa, 1.0, "optimism kappa of the eq. 6 aggregate (0 = mean)");
ABSL_FLAG(int, print_every, 10, "print a progress line every this many steps (0 = never)");
ABSL_FLAG(double, head_scale, 1.0,
          "humanoid tasks: head size times this, mass at the same density (paper Fig. 4b; "
          "refused on other tasks)");
ABSL_FLAG(std::optional<uint64_t>, untrained_value_seed, std::nullopt,
          "with --value: replace its weights by the untrained ensemble of the same spec (random "
          "nets and priors) that a POLO run with this --seed starts from");
ABSL_FLAG(std::string, trace, "",
          "write one CSV line per step (step, reward, the task's metrics, effective samples; "
          "with --value also the value of the state the step starts from)");
ABSL_FLAG(bool, trace_features, false,
          "with --trace and --value: also the value features of the state each step starts from "
          "(columns x0, x1, ...), the input of the value column");
ABSL_FLAG(std::string, record, "",
          "write every step's physics state to this file (models/state_file.h), for "
          "//tools:render");

namespace polo {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "mpc: %s\n", std::string(status.message()).c_str());
  return 2;
}

// The version-0 ensemble of `spec` that a POLO run with run seed `seed`
// starts from, initialised as the learner's trainer does.
absl::StatusOr<EnsembleWeights> UntrainedWeights(const polo::EnsembleSpec& spec, uint64_t seed) {
  absl::StatusOr<std::unique_ptr<learner::TorchEnsemble>> ensemble =
      learner::TorchEnsemble::Create(spec, learner::TrainerSeed(seed));
  if (!ensemble.ok()) return ensemble.status();
  return (*ensemble)->ToWeights(0);
}

absl::StatusOr<experiments::EvaluationOptions> OptionsFromFlags() {
  experiments::EvaluationOptions options;
  options.task = absl::GetFlag(FLAGS_task);
  options.task_options.head_scale = absl::GetFlag(FLAGS_head_scale);
  absl::StatusOr<planner::MppiSettings> settings =
      planner::MppiSettingsFromFlags(experiments::PresetMppiSettings(options.task));
  if (!settings.ok()) return settings.status();
  options.mppi = *settings;
  options.threads = absl::GetFlag(FLAGS_threads);
  options.value_path = absl::GetFlag(FLAGS_value);
  options.kappa = absl::GetFlag(FLAGS_kappa);
  const std::optional<uint64_t> untrained_seed = absl::GetFlag(FLAGS_untrained_value_seed);
  if (untrained_seed.has_value() && options.value_path.empty()) {
    return absl::InvalidArgumentError(
        "--untrained_value_seed needs --value: the file gives the ensemble's spec");
  }
  if (options.value_path.empty() && !options.mppi.rollouts.with_reward) {
    return absl::InvalidArgumentError(
        "--value_only needs --value: with neither rewards nor a value every rollout scores 0");
  }
  if (untrained_seed.has_value()) {
    options.replace_weights = [seed = *untrained_seed](const EnsembleWeights& weights) {
      return UntrainedWeights(weights.spec(), seed);
    };
  }
  return options;
}

// A progress line: the step, its reward, the task's metrics of the state it
// reached and MPPI's effective samples.
void PrintProgress(const experiments::StepResult& result, const planner::Agent& agent) {
  const std::vector<std::string>& names = agent.task().metric_names();
  std::string line = absl::StrCat("step=", result.step, " reward=", result.reward);
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&line, " ", names[i], "=", agent.metrics()[i]);
  }
  absl::StrAppend(&line, " ess=", result.planner.effective_samples);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Every step's physics state, s_0 to s_T, for //tools:render.
absl::Status WriteRecord(const std::string& path, const models::Task& task,
                         std::vector<double> states) {
  models::StateFile record;
  record.task = task.name();
  record.state_size = models::PhysicsStateSize(task.model());
  record.states = std::move(states);
  if (absl::Status s = models::WriteStateFile(path, record); !s.ok()) return s;
  std::fprintf(stderr, "mpc: recorded %zu states in %s\n", record.count(), path.c_str());
  return absl::OkStatus();
}

// The closing key=value line.
std::string Summary(const experiments::Evaluation& evaluation,
                    const experiments::EpisodeRecord& episode) {
  const std::vector<std::string>& names = evaluation.task().metric_names();
  const size_t steps = episode.rewards.size();
  std::string summary = absl::StrCat("task=", evaluation.task().name(),
                                     " horizon=", evaluation.mppi().rollouts.horizon,
                                     " steps=", steps, " mean_reward=", episode.mean_reward());
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&summary, " final_", names[i], "=", episode.final_metrics[i], " max_", names[i],
                    "=", episode.max_metrics[i]);
  }
  absl::StrAppend(&summary, " ms_per_step=", 1000 * episode.seconds / steps,
                  " mean_effective_samples=", episode.mean_effective_samples());
  return summary;
}

int Run() {
  absl::StatusOr<experiments::EvaluationOptions> options = OptionsFromFlags();
  if (!options.ok()) return Fail(options.status());
  const int steps = absl::GetFlag(FLAGS_steps);
  if (steps < 1) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("--steps: got ", steps, ", expected >= 1")));
  }
  absl::StatusOr<std::unique_ptr<experiments::Evaluation>> evaluation =
      experiments::Evaluation::Create(*options);
  if (!evaluation.ok()) return Fail(evaluation.status());
  const models::Task& task = (*evaluation)->task();
  const bool with_value = (*evaluation)->value() != nullptr;
  experiments::Trace trace;
  if (!absl::GetFlag(FLAGS_trace).empty()) {
    const int trace_features = absl::GetFlag(FLAGS_trace_features) ? task.num_features() : 0;
    if (absl::Status s = trace.Open(util::ResolveUserPath(absl::GetFlag(FLAGS_trace)),
                                    task.metric_names(), with_value, trace_features);
        !s.ok()) {
      return Fail(s);
    }
  }
  const std::string record_path = util::ResolveUserPath(absl::GetFlag(FLAGS_record));
  const int print_every = absl::GetFlag(FLAGS_print_every);
  experiments::RunOptions run;
  run.steps = steps;
  run.value_before = trace.open();
  run.record_states = !record_path.empty();
  // The features of s_t, the state the step starts from: the agent's before
  // the first step, then those of the state each step reached.
  const absl::Span<const double> start = (*evaluation)->agent().features();
  std::vector<double> features_before(start.begin(), start.end());
  run.on_step = [&](const experiments::StepResult& result, const planner::Agent& agent) {
    trace.Add(result.step, result.reward, agent.metrics(), result.planner, result.value_before,
              features_before);
    features_before.assign(agent.features().begin(), agent.features().end());
    if (print_every > 0 && result.step % print_every == 0) PrintProgress(result, agent);
  };
  experiments::EpisodeRecord episode = (*evaluation)->Run(run);
  if (absl::Status s = trace.Close(); !s.ok()) return Fail(s);
  if (!record_path.empty()) {
    if (absl::Status s = WriteRecord(record_path, task, std::move(episode.states)); !s.ok()) {
      return Fail(s);
    }
  }
  std::printf("%s\n", Summary(**evaluation, episode).c_str());
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Runs MPPI (plain MPC, or with a saved value) on a task.");
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
