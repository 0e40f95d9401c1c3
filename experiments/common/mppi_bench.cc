// Measures, in one run, the raw mj_step rate and the MPPI rollout step rate
// on the same model and start state, with 1 and 2 threads, terminal-value
// evaluation (a 6 × 2×16 tanh ensemble, the paper's) included.
//
//   bazel run -c opt //experiments:mppi_bench
//
// Raw rate: one thread steps the model from the task's start state with
// controls drawn like MPPI's (nominal 0 + N(0, σ²), clamped), restoring the
// start state every H steps as rollouts do. Rollout rate: K·H agent steps
// of substeps() physics steps each per MPPI iteration over its wall time. Ends with one key=value line for the
// first task (humanoid at paper settings), then one per further task.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "learner/optimistic_value.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "planner/mppi.h"
#include "proto/ensemble.pb.h"

ABSL_FLAG(std::string, tasks, "humanoid_getup,point_mass_maze", "comma-separated tasks");
ABSL_FLAG(double, seconds, 3.0, "measuring time per configuration");
ABSL_FLAG(int, horizon, 64, "H");
ABSL_FLAG(int, rollouts, 120, "K");

namespace polo {
namespace {

using Clock = std::chrono::steady_clock;

// A paper-sized ensemble with random weights: the cost, not the values, matters.
EnsembleWeights RandomEnsemble(int num_features) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  EnsembleWeights w;
  w.mutable_spec()->set_num_features(num_features);
  w.mutable_spec()->set_ensemble_size(6);
  w.mutable_spec()->add_hidden_sizes(16);
  w.mutable_spec()->add_hidden_sizes(16);
  w.mutable_spec()->set_activation(EnsembleSpec::TANH);
  w.mutable_spec()->set_prior_scale(1.0);
  for (int i = 0; i < num_features; ++i) {
    w.mutable_normalisation()->add_offset(0.0);
    w.mutable_normalisation()->add_scale(1.0);
  }
  const int widths[] = {num_features, 16, 16, 1};
  for (int k = 0; k < 6; ++k) {
    EnsembleMember* member = w.add_members();
    for (Mlp* net : {member->mutable_trained(), member->mutable_prior()}) {
      for (int l = 0; l < 3; ++l) {
        DenseLayer* layer = net->add_layers();
        layer->set_in_features(widths[l]);
        layer->set_out_features(widths[l + 1]);
        for (int j = 0; j < widths[l] * widths[l + 1]; ++j) layer->add_weights(normal(rng));
        for (int j = 0; j < widths[l + 1]; ++j) layer->add_bias(normal(rng));
      }
    }
  }
  return w;
}

double RawStepsPerSecond(const models::Task& task, double seconds, int horizon, double sigma) {
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), 0);
  std::vector<double> start(models::PhysicsStateSize(m));
  models::CapturePhysicsState(m, d.get(), start.data());
  std::mt19937 rng(2);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> controls(static_cast<size_t>(horizon) * m->nu * 16);
  for (double& c : controls) c = std::clamp(normal(rng), -1.0, 1.0);
  long steps = 0;
  const auto start_time = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    models::RestorePhysicsState(m, start.data(), d.get());
    const double* u = controls.data() + (steps / horizon % 16) * horizon * m->nu;
    for (int t = 0; t < horizon; ++t) {
      for (int i = 0; i < m->nu; ++i) d->ctrl[i] = u[t * m->nu + i];
      mj_step(m, d.get());
    }
    steps += horizon;
    elapsed = std::chrono::duration<double>(Clock::now() - start_time).count();
  }
  return steps / elapsed;
}

double RolloutStepsPerSecond(const models::Task& task, int threads, double seconds, int horizon,
                             int rollouts, planner::TerminalValue* value) {
  planner::MppiSettings settings;
  settings.rollouts.horizon = horizon;
  settings.rollouts.num_rollouts = rollouts;
  planner::ThreadPool pool(threads);
  auto mppi = planner::Mppi::Create(&task, settings, &pool);
  if (!mppi.ok()) {
    std::fprintf(stderr, "%s\n", std::string(mppi.status().message()).c_str());
    return 0;
  }
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), 0);
  std::vector<double> state(models::PhysicsStateSize(m));
  models::CapturePhysicsState(m, d.get(), state.data());
  long steps = 0;
  uint64_t step = 0;
  const auto start_time = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    (*mppi)->Optimize(state.data(), step++, value);  // Same state: same work as raw.
    (*mppi)->Reset();
    steps += static_cast<long>(horizon) * rollouts * task.substeps();
    elapsed = std::chrono::duration<double>(Clock::now() - start_time).count();
  }
  return steps / elapsed;
}

int Run() {
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int horizon = absl::GetFlag(FLAGS_horizon);
  const int rollouts = absl::GetFlag(FLAGS_rollouts);
  for (const std::string& name :
       std::vector<std::string>(absl::StrSplit(absl::GetFlag(FLAGS_tasks), ','))) {
    auto task = models::MakeTask(name);
    if (!task.ok()) {
      std::fprintf(stderr, "mppi_bench: %s\n", std::string(task.status().message()).c_str());
      return 2;
    }
    auto value = learner::OptimisticValue::Create(RandomEnsemble((*task)->num_features()), 1.0);
    if (!value.ok()) {
      std::fprintf(stderr, "mppi_bench: %s\n", std::string(value.status().message()).c_str());
      return 2;
    }
    const double raw = RawStepsPerSecond(**task, seconds, horizon, 0.2);
    const double one = RolloutStepsPerSecond(**task, 1, seconds, horizon, rollouts, value->get());
    const double two = RolloutStepsPerSecond(**task, 2, seconds, horizon, rollouts, value->get());
    std::printf(
        "task=%s horizon=%d rollouts=%d ensemble=6x2x16 raw_steps_per_s=%.0f "
        "rollout_steps_per_s_1t=%.0f rollout_steps_per_s_2t=%.0f efficiency_1t=%.3f "
        "speedup_2t=%.3f agent_step_ms_2t=%.1f\n",
        (*task)->name().c_str(), horizon, rollouts, raw, one, two, one / raw, two / one,
        1000.0 * horizon * rollouts / two);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
