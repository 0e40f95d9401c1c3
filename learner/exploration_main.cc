// The paper's exploration experiment (Fig. 2a) on a reward-free point-mass
// world: POLO (H = 32), greedy POLO (H = 1) and random actions, each over
// several seeds.
//
//   bazel run -c opt //learner:exploration -- --task=point_mass_maze
//       --steps=1000 --seeds=3
//
// Writes <out>/coverage.csv (method,seed,step,coverage) and, where Debian's python3
// with matplotlib is installed, <out>/coverage.png (mean ± std over seeds).
// Ends with one key=value line: coverage_<method> (mean over seeds of the
// final covered fraction of the grid), coverage_<method>_std and
// ms_per_step_<method>.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "learner/exploration.h"
#include "models/registry.h"

ABSL_FLAG(std::string, task, "point_mass_maze", "point_mass_box or point_mass_maze");
ABSL_FLAG(int, steps, 1000, "agent steps per run");
ABSL_FLAG(int, seeds, 3, "seeds per method (the paper uses 10)");
ABSL_FLAG(int, horizon, 32, "POLO planning horizon (greedy is always 1)");
ABSL_FLAG(double, kappa, 5.0, "optimism kappa of eq. 6");
ABSL_FLAG(double, prior_scale, 0, "beta, weight of the random prior nets (0: the default)");
ABSL_FLAG(double, gamma, 0, "discount of acting and targets (0: the default)");
ABSL_FLAG(int, gradient_steps, 0, "G, Adam steps per update (0: the default)");
ABSL_FLAG(double, learning_rate, 0, "Adam learning rate (0: the default)");
ABSL_FLAG(std::string, target_mode, "shared",
          "eq. 7 targets: shared (one set of rollouts for all members) or per_member");
ABSL_FLAG(int, threads, 2, "rollout threads");
ABSL_FLAG(std::string, out, "", "output folder (default runs/exploration_<task>)");

namespace polo {
namespace {

constexpr char kPlotScript[] = R"py(
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
runs = {}
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        runs.setdefault(row["method"], {}).setdefault(row["seed"], []).append(float(row["coverage"]))
plt.figure(figsize=(5, 3.5))
for method, seeds in runs.items():
    curves = np.array(list(seeds.values())) * 100
    mean, std = curves.mean(0), curves.std(0)
    steps = np.arange(1, len(mean) + 1)
    plt.plot(steps, mean, label=method)
    plt.fill_between(steps, mean - std, mean + std, alpha=0.25)
plt.xlabel("agent steps"); plt.ylabel("grid covered (%)"); plt.title(sys.argv[3])
plt.legend(); plt.tight_layout(); plt.savefig(sys.argv[2], dpi=120)
)py";

int Fail(const std::string& message) {
  std::fprintf(stderr, "exploration: %s\n", message.c_str());
  return 2;
}

int Run() {
  const std::string task_name = absl::GetFlag(FLAGS_task);
  auto task = models::MakeTask(task_name);
  if (!task.ok()) return Fail(std::string(task.status().message()));
  if ((*task)->coverage_grid() == nullptr) {
    return Fail("--task: " + task_name + " has no coverage grid; expected a point-mass world");
  }
  const int steps = absl::GetFlag(FLAGS_steps), seeds = absl::GetFlag(FLAGS_seeds);
  if (steps < 1) return Fail(absl::StrCat("--steps: got ", steps, ", expected >= 1"));
  if (seeds < 1) return Fail(absl::StrCat("--seeds: got ", seeds, ", expected >= 1"));
  if (absl::GetFlag(FLAGS_horizon) < 1) return Fail("--horizon: expected >= 1");
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) out = "runs/exploration_" + task_name;
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return Fail("--out: cannot create " + out + ": " + error.message());
  const std::string csv_path = out + "/coverage.csv";
  std::ofstream csv(csv_path);
  if (!csv) return Fail("--out: cannot write " + csv_path);
  csv << "method,seed,step,coverage\n";

  learner::PoloSettings settings = learner::PointMassPoloSettings(absl::GetFlag(FLAGS_horizon));
  settings.kappa = absl::GetFlag(FLAGS_kappa);
  const double gamma = absl::GetFlag(FLAGS_gamma);
  if (gamma < 0 || gamma > 1) return Fail(absl::StrCat("--gamma: got ", gamma, ", expected in (0, 1]"));
  if (gamma > 0) settings.acting.rollouts.gamma = settings.targets.rollouts.gamma = gamma;
  if (absl::GetFlag(FLAGS_gradient_steps) < 0) return Fail("--gradient_steps: expected >= 0");
  if (absl::GetFlag(FLAGS_gradient_steps) > 0) {
    settings.gradient_steps = absl::GetFlag(FLAGS_gradient_steps);
  }
  if (absl::GetFlag(FLAGS_learning_rate) < 0) return Fail("--learning_rate: expected > 0");
  if (absl::GetFlag(FLAGS_learning_rate) > 0) {
    settings.trainer.learning_rate = absl::GetFlag(FLAGS_learning_rate);
  }
  const std::string target_mode = absl::GetFlag(FLAGS_target_mode);
  if (target_mode == "per_member") {
    settings.targets.mode = learner::TargetMode::kPerMember;
  } else if (target_mode != "shared") {
    return Fail("--target_mode: got \"" + target_mode + "\", expected shared or per_member");
  }
  if (absl::GetFlag(FLAGS_prior_scale) < 0) return Fail("--prior_scale: expected >= 0");
  if (absl::GetFlag(FLAGS_prior_scale) > 0) {
    settings.ensemble.set_prior_scale(absl::GetFlag(FLAGS_prior_scale));
  }
  std::string summary = absl::StrCat("task=", task_name, " steps=", steps, " seeds=", seeds);
  for (auto method : {learner::ExplorationMethod::kPolo, learner::ExplorationMethod::kGreedy,
                      learner::ExplorationMethod::kRandom}) {
    const char* name = learner::ExplorationMethodName(method);
    double sum = 0, sum_squares = 0, seconds = 0;
    for (int seed = 0; seed < seeds; ++seed) {
      auto run = learner::RunExploration(**task, method, settings, steps, seed,
                                         absl::GetFlag(FLAGS_threads));
      if (!run.ok()) return Fail(std::string(run.status().message()));
      for (int t = 0; t < steps; ++t) {
        csv << name << "," << seed << "," << t + 1 << "," << run->coverage[t] << "\n";
      }
      const double final_coverage = run->coverage.back();
      sum += final_coverage;
      sum_squares += final_coverage * final_coverage;
      seconds += run->seconds_per_step;
      std::printf("method=%s seed=%d coverage=%.4f ms_per_step=%.2f\n", name, seed,
                  final_coverage, 1000 * run->seconds_per_step);
      std::fflush(stdout);
    }
    const double mean = sum / seeds;
    const double std = std::sqrt(std::max(0.0, sum_squares / seeds - mean * mean));
    absl::StrAppend(&summary, " coverage_", name, "=", mean, " coverage_", name, "_std=", std,
                    " ms_per_step_", name, "=", 1000 * seconds / seeds);
  }
  csv.close();
  const std::string script_path = out + "/plot_coverage.py";
  std::ofstream(script_path) << kPlotScript;
  const std::string png_path = out + "/coverage.png";
  const std::string command = "/usr/bin/python3 " + script_path + " " + csv_path + " " + png_path + " " +
                              task_name + " 2>/dev/null";
  if (std::system(command.c_str()) == 0) {
    std::printf("wrote %s and %s\n", csv_path.c_str(), png_path.c_str());
  } else {
    std::printf("wrote %s (no plot: python3 with matplotlib not available)\n", csv_path.c_str());
  }
  std::printf("%s\n", summary.c_str());
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
