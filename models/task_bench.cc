// How much a task's per-step work (Reward after every mj_step, Features at
// the end of a horizon) costs next to raw physics, how long a Reset takes,
// and the raw mj_step rate at rest (from the reset state, with the controls
// Reset left, after kSettleSteps: e.g. the humanoid lying still, the hand
// holding its cube).
//
//   bazel run -c opt //models:task_bench [-- task_name ...]
//
// Prints one line per task and ends with one key=value line (the worst ratio
// of step+reward rate to raw step rate, over the tasks measured).
#include <mujoco/mujoco.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "models/physics_state.h"
#include "models/registry.h"
#include "models/task.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSteps = 20000;
constexpr int kHorizon = 64;
constexpr int kRepeats = 3;
constexpr int kSettleSteps = 200;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void SetControl(const mjModel* m, int t, mjData* d) {
  for (int j = 0; j < m->nu; ++j) d->ctrl[j] = 0.2 * ((t + j) % 3 - 1);
}

// Steps per second over kSteps steps in rollouts of kHorizon steps, each
// restored from the task's reset state as MPPI does, with or without the
// task's reward (every step) and features (end of each rollout).
double StepsPerSecond(const polo::models::Task& task, const std::vector<double>& start_state,
                      mjData* d, bool with_task, double* sink) {
  const mjModel* m = task.model();
  std::vector<double> features(task.num_features());
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < kSteps; ++t) {
    if (t % kHorizon == 0) polo::models::RestorePhysicsState(m, start_state.data(), d);
    SetControl(m, t, d);
    mj_step(m, d);
    if (!with_task) continue;
    *sink += task.Reward(m, d);
    if (t % kHorizon == kHorizon - 1) {
      task.Features(m, d, features.data());
      *sink += features[0];
    }
  }
  return kSteps / Seconds(start);
}

// Raw steps per second of kSteps plain mj_step calls from the current state,
// controls untouched.
double RestStepsPerSecond(const mjModel* m, mjData* d) {
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < kSteps; ++t) mj_step(m, d);
  return kSteps / Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> names(argv + 1, argv + argc);
  if (names.empty()) names = polo::models::TaskNames();
  double worst_ratio = 1e9, sink = 0;
  for (const std::string& name : names) {
    absl::StatusOr<std::unique_ptr<polo::models::Task>> task = polo::models::MakeTask(name);
    if (!task.ok()) {
      std::fprintf(stderr, "%s\n", task.status().ToString().c_str());
      return 1;
    }
    const mjModel* m = (*task)->model();
    std::unique_ptr<mjData, polo::models::MjDataDeleter> d(mj_makeData(m));
    Clock::time_point start = Clock::now();
    for (int i = 0; i < 10; ++i) (*task)->Reset(m, d.get(), i);
    const double reset_ms = Seconds(start) / 10 * 1e3;
    std::vector<double> state(polo::models::PhysicsStateSize(m));
    polo::models::CapturePhysicsState(m, d.get(), state.data());
    // Best of kRepeats, interleaved, against noise from other processes.
    double raw = 0, full = 0, rest = 0;
    for (int r = 0; r < kRepeats; ++r) {
      raw = std::max(raw, StepsPerSecond(**task, state, d.get(), false, &sink));
      full = std::max(full, StepsPerSecond(**task, state, d.get(), true, &sink));
    }
    (*task)->Reset(m, d.get(), 0);
    for (int t = 0; t < kSettleSteps; ++t) mj_step(m, d.get());
    for (int r = 0; r < kRepeats; ++r) rest = std::max(rest, RestStepsPerSecond(m, d.get()));
    worst_ratio = std::min(worst_ratio, full / raw);
    std::printf(
        "%-22s reset %.2f ms  raw %.0f steps/s  with reward+features %.0f steps/s  "
        "ratio %.3f  at rest %.0f steps/s (%d contacts)\n",
        name.c_str(), reset_ms, raw, full, full / raw, rest, d->ncon);
  }
  std::printf("worst_task_overhead_ratio=%.3f (sink %g)\n", worst_ratio, sink);
  return 0;
}
