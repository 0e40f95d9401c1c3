// The paper's exploration experiment (Fig. 2a) on a reward-free point-mass
// world: POLO (H = 32), greedy POLO (H = 1) and random actions, each over
// several seeds.
//
//   bazel run -c opt //experiments:exploration -- --task=point_mass_maze
//       --steps=1000 --seeds=3
//
// Settings: the task's preset (config/presets.h, PointMassTask::
// ApplyPresets), as the learner's; the MPPI flags of planner/mppi_flags.h
// (--horizon, --temperature, --seed, ...) override it where given.
//
// Writes <out>/coverage.csv (method,seed,step,coverage), value_maps.csv
// (method,seed,x,y,value: V̂ at rest at each cell centre at the end, Fig. 2b),
// paths.csv (method,seed,step,x,y), walls.csv (name,x_min,y_min,x_max,y_max:
// the world's box geoms) and, where Debian's python3 with
// matplotlib is installed, coverage.png (mean ± std over seeds) and
// value_maps.png (first seed), drawn by plot_exploration.py beside this
// file. A relative --out is taken from the directory the command was typed
// in (default runs/exploration_<task> there).
// Ends with one key=value line: coverage_<method> (mean over seeds of the
// final covered fraction of the grid), coverage_<method>_std and
// ms_per_step_<method>.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "experiments/exploration/exploration.h"
#include "learner/occupancy_grid.h"
#include "config/polo_settings.h"
#include "config/presets.h"
#include "config/run_config.h"
#include "learner/polo_loop.h"
#include "models/registry.h"
#include "mujoco/mujoco.h"
#include "planner/mppi_flags.h"
#include "planner/thread_pool.h"
#include "util/paths.h"

ABSL_FLAG(std::string, task, "point_mass_maze", "point_mass_box or point_mass_maze");
ABSL_FLAG(int, steps, 1000, "agent steps per run");
ABSL_FLAG(int, seeds, 3, "seeds per method, from --seed on (the paper uses 10)");
// Learning flags: unset keeps the task preset's value.
ABSL_FLAG(std::optional<double>, kappa, std::nullopt, "optimism kappa of eq. 6 (>= 0; preset 5)");
ABSL_FLAG(std::optional<double>, prior_scale, std::nullopt,
          "beta, weight of the random prior nets (>= 0; preset 1)");
ABSL_FLAG(std::optional<int>, gradient_steps, std::nullopt,
          "G, Adam steps per update (>= 0; preset 64)");
ABSL_FLAG(std::optional<double>, learning_rate, std::nullopt,
          "Adam learning rate (> 0; preset 1e-2)");
ABSL_FLAG(std::string, target_mode, "shared",
          "eq. 7 targets: shared (one set of rollouts for all members) or per_member");
ABSL_FLAG(std::string, methods, "polo,greedy,random", "comma-separated methods to run");
ABSL_FLAG(std::optional<double>, weight_decay, std::nullopt,
          "eq. 5 regulariser sigma^2/(lambda N) (>= 0; preset 0)");
ABSL_FLAG(std::optional<double>, target_noise, std::nullopt,
          "eq. 5 target noise sigma (>= 0; preset 0)");
ABSL_FLAG(int, threads, polo::planner::HardwareThreads(),
          "rollout threads (default: this machine's cores)");
ABSL_FLAG(std::string, out, "", "output folder (default runs/exploration_<task>)");

namespace polo {
namespace {

// *field = the flag's value where it was given; InvalidArgument naming the
// flag unless that value is finite and >= min.
template <typename T>
absl::Status SetIfGiven(const absl::Flag<std::optional<T>>& flag, const char* name, T min,
                        T* field) {
  const std::optional<T> value = absl::GetFlag(flag);
  if (!value.has_value()) return absl::OkStatus();
  if (!(*value >= min && std::isfinite(static_cast<double>(*value)))) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": got ", *value, ", expected finite and >= ", min));
  }
  *field = *value;
  return absl::OkStatus();
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "exploration: %s\n", message.c_str());
  return 2;
}

// The plotting script, found in the binary's runfiles (bazel run, bazel-bin)
// or beside the sources (run from the repository root); empty if none.
std::string PlotScriptPath(const std::string& argv0) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* runfiles = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(fs::path(runfiles) / "polo/experiments/exploration/plot_exploration.py");
  }
  candidates.push_back(fs::path(argv0 + ".runfiles") /
                       "polo/experiments/exploration/plot_exploration.py");
  candidates.push_back("experiments/exploration/plot_exploration.py");
  for (const fs::path& p : candidates) {
    std::error_code error;
    if (fs::is_regular_file(p, error)) return fs::absolute(p, error).string();
  }
  return "";
}

// Runs argv[0] with the arguments as given (no shell: paths with spaces or
// quotes stay one argument) and waits; its exit status, or -1 if it could
// not start or did not exit normally.
int RunProgram(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// The reference loop's settings from `task`'s preset (config/presets.h)
// with the flags given applied. MPPI flags (planner/mppi_flags.h) not
// given keep the preset's values; --horizon is POLO's (greedy's is 1) and --gamma
// discounts acting and targets alike.
absl::StatusOr<learner::PoloSettings> SettingsFromFlags(const models::Task& task) {
  learner::PoloSettings settings = config::PoloSettingsFromConfig(config::PresetRunConfig(task));
  absl::StatusOr<planner::MppiSettings> acting = planner::MppiSettingsFromFlags(settings.acting);
  if (!acting.ok()) return acting.status();
  settings.acting = *acting;
  settings.targets.rollouts.gamma = settings.acting.rollouts.gamma;
  double prior_scale = settings.ensemble.prior_scale();
  for (const absl::Status& status :
       {SetIfGiven(FLAGS_kappa, "kappa", 0.0, &settings.kappa),
        SetIfGiven(FLAGS_prior_scale, "prior_scale", 0.0, &prior_scale),
        SetIfGiven(FLAGS_gradient_steps, "gradient_steps", 0, &settings.gradient_steps),
        SetIfGiven(FLAGS_learning_rate, "learning_rate", 0.0, &settings.trainer.learning_rate),
        SetIfGiven(FLAGS_weight_decay, "weight_decay", 0.0, &settings.trainer.weight_decay),
        SetIfGiven(FLAGS_target_noise, "target_noise", 0.0, &settings.trainer.target_noise)}) {
    if (!status.ok()) return status;
  }
  settings.ensemble.set_prior_scale(prior_scale);
  const std::string target_mode = absl::GetFlag(FLAGS_target_mode);
  if (target_mode == "per_member") {
    settings.targets.mode = learner::TargetMode::kPerMember;
  } else if (target_mode != "shared") {
    return absl::InvalidArgumentError("--target_mode: got \"" + target_mode +
                                      "\", expected shared or per_member");
  }
  if (absl::Status status = learner::ValidatePoloSettings(settings); !status.ok()) return status;
  return settings;
}

absl::StatusOr<std::vector<experiments::ExplorationMethod>> MethodsFromFlags() {
  using experiments::ExplorationMethod;
  std::vector<ExplorationMethod> methods;
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_methods), ',')) {
    bool known = false;
    for (auto method :
         {ExplorationMethod::kPolo, ExplorationMethod::kGreedy, ExplorationMethod::kRandom}) {
      if (name == experiments::ExplorationMethodName(method)) {
        methods.push_back(method);
        known = true;
      }
    }
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("--methods: got \"", name, "\", expected polo, greedy or random"));
    }
  }
  return methods;
}

// The world's walls, for the value maps: every box geom of the world body,
// as the rectangle it covers in (x, y) (the walls are axis-aligned).
absl::Status WriteWalls(const mjModel* m, const std::string& walls_path) {
  std::ofstream walls(walls_path);
  if (!walls) return absl::InvalidArgumentError("--out: cannot write " + walls_path);
  walls << "name,x_min,y_min,x_max,y_max\n";
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_bodyid[g] != 0 || m->geom_type[g] != mjGEOM_BOX) continue;
    const mjtNum* pos = m->geom_pos + 3 * g;
    const mjtNum* size = m->geom_size + 3 * g;
    const char* name = mj_id2name(m, mjOBJ_GEOM, g);
    walls << (name != nullptr ? name : "") << "," << pos[0] - size[0] << "," << pos[1] - size[1]
          << "," << pos[0] + size[0] << "," << pos[1] + size[1] << "\n";
  }
  return absl::OkStatus();
}

// The CSV files of <out>, headers written.
struct Outputs {
  std::string csv_path, maps_path, paths_path;
  std::ofstream csv, maps, paths;

  absl::Status Open(const std::string& out) {
    csv_path = out + "/coverage.csv";
    csv.open(csv_path);
    if (!csv) return absl::InvalidArgumentError("--out: cannot write " + csv_path);
    csv << "method,seed,step,coverage\n";
    maps_path = out + "/value_maps.csv";
    paths_path = out + "/paths.csv";
    maps.open(maps_path);
    paths.open(paths_path);
    if (!maps || !paths) {
      return absl::InvalidArgumentError("--out: cannot write " + maps_path + " and " + paths_path);
    }
    maps << "method,seed,x,y,value\n";
    paths << "method,seed,step,x,y\n";
    return absl::OkStatus();
  }
};

// One run's rows: coverage after each step, the path, the value map.
void WriteRun(const char* name, uint64_t seed, const experiments::ExplorationRun& run,
              const models::CoverageGrid& grid, Outputs* outputs) {
  for (size_t t = 0; t < run.coverage.size(); ++t) {
    outputs->csv << name << "," << seed << "," << t + 1 << "," << run.coverage[t] << "\n";
  }
  for (size_t t = 0; 2 * t < run.path.size(); ++t) {
    outputs->paths << name << "," << seed << "," << t << "," << run.path[2 * t] << ","
                   << run.path[2 * t + 1] << "\n";
  }
  for (size_t i = 0; i < run.value_map.size(); ++i) {
    double xy[2];
    learner::CellCentre(grid, static_cast<int>(i), xy);
    outputs->maps << name << "," << seed << "," << xy[0] << "," << xy[1] << "," << run.value_map[i]
                  << "\n";
  }
}

// --seeds runs of `method` from --seed on, written to `outputs`; appends
// the method's coverage and cost to `summary`.
absl::Status RunMethod(const models::Task& task, experiments::ExplorationMethod method,
                       const learner::PoloSettings& settings, Outputs* outputs,
                       std::string* summary) {
  const int steps = absl::GetFlag(FLAGS_steps), seeds = absl::GetFlag(FLAGS_seeds);
  const char* name = experiments::ExplorationMethodName(method);
  double sum = 0, sum_squares = 0, seconds = 0;
  const uint64_t first_seed = settings.acting.seed;  // --seed.
  for (uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    auto run = experiments::RunExploration(task, method, settings, steps, seed,
                                           absl::GetFlag(FLAGS_threads));
    if (!run.ok()) return run.status();
    WriteRun(name, seed, *run, *task.coverage_grid(), outputs);
    const double final_coverage = run->coverage.back();
    sum += final_coverage;
    sum_squares += final_coverage * final_coverage;
    seconds += run->seconds_per_step;
    std::printf("method=%s seed=%llu coverage=%.4f ms_per_step=%.2f\n", name,
                static_cast<unsigned long long>(seed), final_coverage,
                1000 * run->seconds_per_step);
    std::fflush(stdout);
  }
  const double mean = sum / seeds;
  const double std = std::sqrt(std::max(0.0, sum_squares / seeds - mean * mean));
  absl::StrAppend(summary, " coverage_", name, "=", mean, " coverage_", name, "_std=", std,
                  " ms_per_step_", name, "=", 1000 * seconds / seeds);
  return absl::OkStatus();
}

// coverage.png and value_maps.png beside the CSVs, where python3 and
// matplotlib are installed; says which was written.
void Plot(const std::string& argv0, const std::string& out, const std::string& csv_path,
          const std::string& task_name) {
  const std::string png_path = out + "/coverage.png";
  const std::string script = PlotScriptPath(argv0);
  const int plotted =
      script.empty() ? -1 : RunProgram({"/usr/bin/python3", script, csv_path, png_path, task_name});
  if (plotted == 0) {
    std::printf("wrote %s, %s and %s/value_maps.png\n", csv_path.c_str(), png_path.c_str(),
                out.c_str());
  } else {
    std::printf("wrote %s (no plot: %s)\n", csv_path.c_str(),
                script.empty() ? "plot_exploration.py not found beside the binary"
                               : "python3 with matplotlib not available or failed");
  }
}

int Run(const std::string& argv0) {
  const std::string task_name = absl::GetFlag(FLAGS_task);
  auto task = models::MakeTask(task_name);
  if (!task.ok()) return Fail(std::string(task.status().message()));
  if ((*task)->coverage_grid() == nullptr) {
    return Fail("--task: " + task_name + " has no coverage grid; expected a point-mass world");
  }
  const int steps = absl::GetFlag(FLAGS_steps), seeds = absl::GetFlag(FLAGS_seeds);
  if (steps < 1) return Fail(absl::StrCat("--steps: got ", steps, ", expected >= 1"));
  if (seeds < 1) return Fail(absl::StrCat("--seeds: got ", seeds, ", expected >= 1"));
  absl::StatusOr<learner::PoloSettings> settings = SettingsFromFlags(**task);
  if (!settings.ok()) return Fail(std::string(settings.status().message()));
  absl::StatusOr<std::vector<experiments::ExplorationMethod>> methods = MethodsFromFlags();
  if (!methods.ok()) return Fail(std::string(methods.status().message()));
  // Relative to the directory `bazel run` was typed in.
  const std::string out =
      util::ResolveUserPath(absl::GetFlag(FLAGS_out).empty() ? "runs/exploration_" + task_name
                                                             : absl::GetFlag(FLAGS_out));
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return Fail("--out: cannot create " + out + ": " + error.message());
  Outputs outputs;
  if (absl::Status s = outputs.Open(out); !s.ok()) return Fail(std::string(s.message()));
  if (absl::Status s = WriteWalls((*task)->model(), out + "/walls.csv"); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  std::string summary = absl::StrCat("task=", task_name, " steps=", steps, " seeds=", seeds);
  for (auto method : *methods) {
    if (absl::Status s = RunMethod(**task, method, *settings, &outputs, &summary); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }
  outputs.csv.close();
  outputs.maps.close();
  outputs.paths.close();
  Plot(argv0, out, outputs.csv_path, task_name);
  std::printf("%s\n", summary.c_str());
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run(argv[0]);
}
