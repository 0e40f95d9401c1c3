#include "learner/exploration.h"

#include <chrono>
#include <random>

#include "learner/occupancy_grid.h"
#include "planner/thread_pool.h"

namespace polo::learner {

const char* ExplorationMethodName(ExplorationMethod method) {
  switch (method) {
    case ExplorationMethod::kPolo:
      return "polo";
    case ExplorationMethod::kGreedy:
      return "greedy";
    case ExplorationMethod::kRandom:
      return "random";
  }
  return "unknown";
}

PoloSettings PointMassPoloSettings(int horizon) {
  PoloSettings s;
  s.acting.rollouts.horizon = horizon;
  s.acting.rollouts.num_rollouts = 64;
  s.acting.rollouts.noise_sigma = 0.5;
  s.acting.rollouts.noise_smoothing = 0.9;
  s.acting.rollouts.gamma = 0.99;
  s.acting.temperature = 0.1;
  s.acting.temperature_mode = planner::TemperatureMode::kNormalized;
  s.targets.rollouts.horizon = 8;
  s.targets.rollouts.num_rollouts = 16;
  s.targets.rollouts.noise_sigma = 0.5;
  s.targets.rollouts.noise_smoothing = 0.9;
  s.targets.rollouts.gamma = 0.99;
  s.ensemble.set_ensemble_size(6);
  s.ensemble.add_hidden_sizes(32);
  s.ensemble.add_hidden_sizes(32);
  s.ensemble.set_activation(polo::EnsembleSpec::TANH);
  s.ensemble.set_prior_scale(1.0);
  s.trainer.minibatch_size = 32;
  // Learning speed matters more than anything else tried (README,
  // exploration): G = 64 at 1e-2 roughly doubles coverage over G = 16 at
  // 3e-3 for both POLO and greedy.
  s.trainer.learning_rate = 1e-2;
  s.gradient_steps = 64;
  s.update_every = 16;
  s.kappa = 5.0;
  return s;
}

namespace {

ExplorationRun RandomRun(const models::Task& task, int steps, uint64_t seed,
                         OccupancyGrid* grid) {
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), seed);
  std::mt19937_64 rng(seed);
  ExplorationRun run;
  double xy[2];
  task.PlanarPosition(m, d.get(), xy);
  grid->Visit(xy[0], xy[1]);
  for (int t = 0; t < steps; ++t) {
    for (int i = 0; i < m->nu; ++i) {
      std::uniform_real_distribution<double> uniform(m->actuator_ctrlrange[2 * i],
                                                     m->actuator_ctrlrange[2 * i + 1]);
      d->ctrl[i] = uniform(rng);
    }
    mj_step(m, d.get());
    mj_forward(m, d.get());
    task.PlanarPosition(m, d.get(), xy);
    grid->Visit(xy[0], xy[1]);
    run.coverage.push_back(grid->coverage());
  }
  return run;
}

}  // namespace

absl::StatusOr<ExplorationRun> RunExploration(const models::Task& task, ExplorationMethod method,
                                              const PoloSettings& settings, int steps,
                                              uint64_t seed, int threads) {
  if (task.coverage_grid() == nullptr) {
    return absl::FailedPreconditionError("task " + task.name() + " has no coverage grid");
  }
  OccupancyGrid grid(*task.coverage_grid());
  const auto start = std::chrono::steady_clock::now();
  ExplorationRun run;
  if (method == ExplorationMethod::kRandom) {
    run = RandomRun(task, steps, seed, &grid);
  } else {
    PoloSettings s = settings;
    if (method == ExplorationMethod::kGreedy) s.acting.rollouts.horizon = 1;
    s.seed = seed;
    s.episode_length = steps;  // One life, no resets (paper Fig. 2).
    planner::ThreadPool pool(threads);
    absl::StatusOr<std::unique_ptr<PoloLoop>> loop = PoloLoop::Create(&task, s, &pool);
    if (!loop.ok()) return loop.status();
    double xy[2];
    task.PlanarPosition(task.model(), (*loop)->agent().data(), xy);
    grid.Visit(xy[0], xy[1]);
    for (int t = 0; t < steps; ++t) {
      absl::StatusOr<PoloStep> step = (*loop)->Step();
      if (!step.ok()) return step.status();
      task.PlanarPosition(task.model(), (*loop)->agent().data(), xy);
      grid.Visit(xy[0], xy[1]);
      run.coverage.push_back(grid.coverage());
    }
  }
  run.seconds_per_step =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
  return run;
}

}  // namespace polo::learner
