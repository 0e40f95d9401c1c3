// The paper's MPC baseline: runs MPPI on any task for a number of steps, with
// no value (plain MPC) or with a value ensemble saved by the learner (paper
// Fig. 3 right, with --value_only; --untrained_value_seed for the untrained
// control), on the nominal model or one with a larger head (--head_scale,
// Fig. 4b), and prints per-step metrics (--trace: a CSV of every step).
//
//   bazel run -c opt //experiments:mpc -- --task=humanoid_getup --horizon=64
//       --rollouts=120 --steps=600
//
// Ends with one key=value line: mean_reward, final_<metric>, max_<metric>,
// ms_per_step, mean_effective_samples.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "experiments/task_weights.h"
#include "learner/ensemble_weights.h"
#include "learner/optimistic_value.h"
#include "learner/seed_schedule.h"
#include "learner/torch_ensemble.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "models/state_file.h"
#include "planner/agent.h"
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

// One CSV line per step: step, reward, the task's metrics, effective
// samples, the spreads over the batch of the running returns and of the
// terminal values γ^H V̂ (MppiStats), and with a value V̂(s_t) (eq. 6 at
// the run's κ) of the state s_t the step starts from: beside the rewards
// that follow it, a check of what the value predicts against the
// discounted return the policy got.
class Trace {
 public:
  absl::Status Open(const std::string& path, const std::vector<std::string>& metric_names,
                    bool with_value) {
    file_.reset(std::fopen(path.c_str(), "w"));
    if (file_ == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("--trace: cannot write '", path, "'"));
    }
    with_value_ = with_value;
    std::fprintf(file_.get(), "step,reward,%s,effective_samples,return_spread,value_spread%s\n",
                 absl::StrJoin(metric_names, ",").c_str(), with_value ? ",value" : "");
    return absl::OkStatus();
  }
  void Add(int step, double reward, absl::Span<const double> metrics,
           const planner::MppiStats& planner, double value) {
    if (file_ == nullptr) return;
    std::fprintf(file_.get(), "%d,%.9g", step, reward);
    for (double x : metrics) std::fprintf(file_.get(), ",%.9g", x);
    std::fprintf(file_.get(), ",%.9g,%.9g,%.9g", planner.effective_samples, planner.return_spread,
                 planner.value_spread);
    if (with_value_) std::fprintf(file_.get(), ",%.9g", value);
    std::fprintf(file_.get(), "\n");
  }
  bool open() const { return file_ != nullptr; }
  absl::Status Close() {
    if (file_ == nullptr) return absl::OkStatus();
    const bool ok = std::ferror(file_.get()) == 0 && std::fclose(file_.release()) == 0;
    return ok ? absl::OkStatus() : absl::DataLossError("--trace: write failed");
  }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  bool with_value_ = false;
};

int Run() {
  models::TaskOptions task_options;
  task_options.head_scale = absl::GetFlag(FLAGS_head_scale);
  absl::StatusOr<std::unique_ptr<models::Task>> task =
      models::MakeTask(absl::GetFlag(FLAGS_task), task_options);
  if (!task.ok()) return Fail(task.status());
  absl::StatusOr<planner::MppiSettings> settings = planner::MppiSettingsFromFlags();
  if (!settings.ok()) return Fail(settings.status());
  const int steps = absl::GetFlag(FLAGS_steps);
  const int threads = absl::GetFlag(FLAGS_threads);
  if (steps < 1) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("--steps: got ", steps, ", expected >= 1")));
  }
  if (threads < 1 || threads > 256) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("--threads: got ", threads, ", expected 1..256")));
  }
  std::unique_ptr<learner::OptimisticValue> value;
  const std::optional<uint64_t> untrained_seed = absl::GetFlag(FLAGS_untrained_value_seed);
  if (untrained_seed.has_value() && absl::GetFlag(FLAGS_value).empty()) {
    return Fail(absl::InvalidArgumentError(
        "--untrained_value_seed needs --value: the file gives the ensemble's spec"));
  }
  if (!absl::GetFlag(FLAGS_value).empty()) {
    absl::StatusOr<EnsembleWeights> weights =
        experiments::LoadTaskWeights("value", absl::GetFlag(FLAGS_value), **task);
    if (weights.ok() && untrained_seed.has_value()) {
      weights = UntrainedWeights(weights->spec(), *untrained_seed);
    }
    if (!weights.ok()) return Fail(weights.status());
    absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> v =
        learner::OptimisticValue::Create(*weights, absl::GetFlag(FLAGS_kappa));
    if (!v.ok()) return Fail(v.status());
    value = *std::move(v);
  } else if (settings->rollouts.with_reward == false) {
    return Fail(absl::InvalidArgumentError(
        "--value_only needs --value: with neither rewards nor a value every rollout scores 0"));
  }

  planner::ThreadPool pool(threads);
  absl::StatusOr<std::unique_ptr<planner::Agent>> agent =
      planner::Agent::Create(task->get(), *settings, &pool);
  if (!agent.ok()) return Fail(agent.status());

  const std::vector<std::string>& names = (*task)->metric_names();
  std::vector<double> max_metric(names.size(), std::numeric_limits<double>::lowest());
  double total_reward = 0, total_ess = 0;
  const int print_every = absl::GetFlag(FLAGS_print_every);
  const auto start = std::chrono::steady_clock::now();
  models::StateFile record;
  record.task = (*task)->name();
  record.state_size = models::PhysicsStateSize((*task)->model());
  const std::string record_path = util::ResolveUserPath(absl::GetFlag(FLAGS_record));
  Trace trace;
  if (!absl::GetFlag(FLAGS_trace).empty()) {
    if (absl::Status s =
            trace.Open(util::ResolveUserPath(absl::GetFlag(FLAGS_trace)), names, value != nullptr);
        !s.ok()) {
      return Fail(s);
    }
  }
  for (int step = 0; step < steps; ++step) {
    if (!record_path.empty()) {
      record.states.insert(record.states.end(), (*agent)->physics_state().begin(),
                           (*agent)->physics_state().end());
    }
    double value_before = 0;
    if (value != nullptr && trace.open()) {
      value->Evaluate((*agent)->features().data(), 1, &value_before);
    }
    planner::AgentStep result = (*agent)->Step(step, value.get());
    total_reward += result.reward;
    total_ess += result.planner.effective_samples;
    trace.Add(step + 1, result.reward, (*agent)->metrics(), result.planner, value_before);
    for (size_t i = 0; i < names.size(); ++i) {
      max_metric[i] = std::max(max_metric[i], (*agent)->metrics()[i]);
    }
    if (print_every > 0 && (step + 1) % print_every == 0) {
      std::string line = absl::StrCat("step=", step + 1, " reward=", result.reward);
      for (size_t i = 0; i < names.size(); ++i) {
        absl::StrAppend(&line, " ", names[i], "=", (*agent)->metrics()[i]);
      }
      absl::StrAppend(&line, " ess=", result.planner.effective_samples);
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (absl::Status s = trace.Close(); !s.ok()) return Fail(s);
  if (!record_path.empty()) {
    // The state after the last step too: the replay shows where it ended.
    record.states.insert(record.states.end(), (*agent)->physics_state().begin(),
                         (*agent)->physics_state().end());
    if (absl::Status s = models::WriteStateFile(record_path, record); !s.ok()) return Fail(s);
    std::fprintf(stderr, "mpc: recorded %zu states in %s\n", record.count(), record_path.c_str());
  }
  std::string summary =
      absl::StrCat("task=", (*task)->name(), " horizon=", settings->rollouts.horizon,
                   " steps=", steps, " mean_reward=", total_reward / steps);
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&summary, " final_", names[i], "=", (*agent)->metrics()[i], " max_", names[i],
                    "=", max_metric[i]);
  }
  absl::StrAppend(&summary, " ms_per_step=", 1000 * seconds / steps,
                  " mean_effective_samples=", total_ess / steps);
  std::printf("%s\n", summary.c_str());
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Runs MPPI (plain MPC, or with a saved value) on a task.");
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
