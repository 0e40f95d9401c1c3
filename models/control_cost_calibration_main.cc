// Measures the unweighted control cost tau' M^-1 tau of the humanoid under
// random controls from the upright pose, the numbers behind
// HumanoidTask::kControlCostWeight (chosen so that the weighted mean is about
// 0.1, a tenth of the reward scale).
//
//   bazel run -c opt //models:control_cost_calibration
//
// Ends with one key=value line.
#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>

#include "models/humanoid_task.h"
#include "models/humanoid_walk_task.h"
#include "models/task_util.h"

namespace {

constexpr int kEpisodes = 20;

struct Stats {
  double mean = 0, std = 0, max = 0;
};

enum class Control { kUniform, kBangBang, kGaussian };

// One control value: uniform in [-1, 1]; its sign (bang-bang); or
// N(0, 0.2^2) clamped to [-1, 1], MPPI's exploration noise around a zero
// nominal (Box-Muller on two uniforms).
double SampleControl(Control kind, polo::util::SplitMix64& rng) {
  const double u = rng.Uniform(-1, 1);
  switch (kind) {
    case Control::kUniform:
      return u;
    case Control::kBangBang:
      return u < 0 ? -1.0 : 1.0;
    case Control::kGaussian:
      break;
  }
  const double radius = std::sqrt(-2.0 * std::log(1.0 - 0.5 * (u + 1.0)));
  const double normal = radius * std::cos(2.0 * M_PI * rng.Uniform(0, 1));
  return std::clamp(0.2 * normal, -1.0, 1.0);
}

// Runs kEpisodes episodes of random control and summarises tau' M^-1 tau
// after every step.
Stats Measure(const polo::models::HumanoidTask& task, Control kind) {
  const mjModel* m = task.model();
  std::unique_ptr<mjData, polo::models::MjDataDeleter> d(mj_makeData(m));
  polo::util::SplitMix64 rng(static_cast<uint64_t>(kind) + 1);
  double sum = 0, sum_sq = 0, max = 0;
  int64_t n = 0;
  for (int episode = 0; episode < kEpisodes; ++episode) {
    task.Reset(m, d.get(), episode);
    for (int t = 0; t < task.episode_length(); ++t) {
      for (int i = 0; i < m->nu; ++i) d->ctrl[i] = SampleControl(kind, rng);
      mj_step(m, d.get());
      const double cost =
          task.ControlCost(m, d.get()) / polo::models::HumanoidTask::kControlCostWeight;
      sum += cost;
      sum_sq += cost * cost;
      max = std::max(max, cost);
      ++n;
    }
  }
  Stats stats;
  stats.mean = sum / n;
  stats.std = std::sqrt(std::max(0.0, sum_sq / n - stats.mean * stats.mean));
  stats.max = max;
  return stats;
}

}  // namespace

int main() {
  absl::StatusOr<std::unique_ptr<polo::models::Task>> task =
      polo::models::HumanoidWalkTask::Create();
  if (!task.ok()) {
    std::fprintf(stderr, "%s\n", task.status().ToString().c_str());
    return 1;
  }
  const auto& humanoid = static_cast<const polo::models::HumanoidTask&>(**task);
  const Stats uniform = Measure(humanoid, Control::kUniform);
  const Stats bang_bang = Measure(humanoid, Control::kBangBang);
  const Stats gaussian = Measure(humanoid, Control::kGaussian);
  const double w = polo::models::HumanoidTask::kControlCostWeight;
  std::printf("%d episodes x %d steps from the upright pose\n", kEpisodes,
              humanoid.episode_length());
  std::printf("uniform ctrl:   mean %.4g  std %.4g  max %.4g  -> 0.1/mean = %.3g\n", uniform.mean,
              uniform.std, uniform.max, 0.1 / uniform.mean);
  std::printf("bang-bang ctrl: mean %.4g  std %.4g  max %.4g  -> 0.1/mean = %.3g\n", bang_bang.mean,
              bang_bang.std, bang_bang.max, 0.1 / bang_bang.mean);
  std::printf("N(0, 0.2) ctrl:  mean %.4g  std %.4g  max %.4g\n", gaussian.mean, gaussian.std,
              gaussian.max);
  std::printf("weight=%g uniform_mean_cost=%.4f bang_bang_mean_cost=%.4f gaussian_mean_cost=%.4f\n",
              w, w * uniform.mean, w * bang_bang.mean, w * gaussian.mean);
  return 0;
}
