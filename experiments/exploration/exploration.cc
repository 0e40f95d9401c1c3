#include "experiments/exploration/exploration.h"

#include <chrono>
#include <random>

#include "learner/eigen_ensemble.h"
#include "learner/occupancy_grid.h"
#include "planner/thread_pool.h"

namespace polo::experiments {

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

namespace {

ExplorationRun RandomRun(const models::Task& task, int steps, uint64_t seed,
                         learner::OccupancyGrid* grid) {
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), seed);
  std::mt19937_64 rng(seed);
  ExplorationRun run;
  double xy[2];
  task.PlanarPosition(m, d.get(), xy);
  grid->Visit(xy[0], xy[1]);
  run.path = {xy[0], xy[1]};
  for (int t = 0; t < steps; ++t) {
    for (int i = 0; i < m->nu; ++i) {
      std::uniform_real_distribution<double> uniform(m->actuator_ctrlrange[2 * i],
                                                     m->actuator_ctrlrange[2 * i + 1]);
      d->ctrl[i] = uniform(rng);
    }
    task.Step(m, d.get());
    mj_forward(m, d.get());
    task.PlanarPosition(m, d.get(), xy);
    grid->Visit(xy[0], xy[1]);
    run.path.insert(run.path.end(), {xy[0], xy[1]});
    run.coverage.push_back(grid->coverage());
  }
  return run;
}

// V̂ at rest at every cell centre: the agent's joints are its x and y slides
// (models/point_mass_*.xml), so qpos = (x, y) and qvel = 0 place it there.
absl::StatusOr<std::vector<double>> ValueMap(const models::Task& task,
                                             const learner::PoloLoop& loop, double kappa) {
  absl::StatusOr<polo::EnsembleWeights> weights = loop.weights();
  if (!weights.ok()) return weights.status();
  absl::StatusOr<std::unique_ptr<learner::EigenEnsemble>> ensemble =
      learner::EigenEnsemble::Create(*weights);
  if (!ensemble.ok()) return ensemble.status();
  const models::CoverageGrid& g = *task.coverage_grid();
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  const int cells = g.cells_per_side * g.cells_per_side;
  const int nf = task.num_features(), k = (*ensemble)->ensemble_size();
  std::vector<double> features(static_cast<size_t>(cells) * nf), members(cells * k);
  for (int cell = 0; cell < cells; ++cell) {
    mj_resetData(m, d.get());
    learner::CellCentre(g, cell, d->qpos);
    mj_forward(m, d.get());
    task.Features(m, d.get(), &features[static_cast<size_t>(cell) * nf]);
  }
  (*ensemble)->EvaluateMembers(features.data(), cells, members.data());
  std::vector<double> values(cells);
  learner::EigenEnsemble::Aggregate(members.data(), cells, k, kappa, values.data());
  return values;
}

}  // namespace

absl::StatusOr<ExplorationRun> RunExploration(const models::Task& task, ExplorationMethod method,
                                              const learner::PoloSettings& settings, int steps,
                                              uint64_t seed, int threads) {
  if (task.coverage_grid() == nullptr) {
    return absl::FailedPreconditionError("task " + task.name() + " has no coverage grid");
  }
  learner::OccupancyGrid grid(*task.coverage_grid());
  const auto start = std::chrono::steady_clock::now();
  ExplorationRun run;
  if (method == ExplorationMethod::kRandom) {
    run = RandomRun(task, steps, seed, &grid);
  } else {
    learner::PoloSettings s = settings;
    if (method == ExplorationMethod::kGreedy) s.acting.rollouts.horizon = 1;
    s.seed = seed;
    s.episode_length = steps;  // One life, no resets (paper Fig. 2).
    planner::ThreadPool pool(threads);
    absl::StatusOr<std::unique_ptr<learner::PoloLoop>> loop =
        learner::PoloLoop::Create(&task, s, &pool);
    if (!loop.ok()) return loop.status();
    double xy[2];
    task.PlanarPosition(task.model(), (*loop)->agent().data(), xy);
    grid.Visit(xy[0], xy[1]);
    run.path = {xy[0], xy[1]};
    for (int t = 0; t < steps; ++t) {
      absl::StatusOr<learner::PoloStep> step = (*loop)->Step();
      if (!step.ok()) return step.status();
      task.PlanarPosition(task.model(), (*loop)->agent().data(), xy);
      grid.Visit(xy[0], xy[1]);
      run.path.insert(run.path.end(), {xy[0], xy[1]});
      run.coverage.push_back(grid.coverage());
    }
    absl::StatusOr<std::vector<double>> map = ValueMap(task, **loop, s.kappa);
    if (!map.ok()) return map.status();
    run.value_map = *std::move(map);
  }
  run.seconds_per_step =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
  return run;
}

}  // namespace polo::experiments
