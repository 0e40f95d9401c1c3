// Does a value rank MPPI's batch as what then happens ranks it? Runs MPC
// with a saved value (as //experiments:mpc does) to the steps given, and
// there takes the batch MPPI scores: K rollouts of H steps from the state
// s_t around the warm-started nominal, with the same noise as the agent's
// own Optimize. For each rollout k it replays the controls to its end state
// s_H^k and continues from there for --continuation_steps with MPC (plain,
// or with the same value), the world as the agent lives it (the task's
// disturbances included), and records
//   R_k   the rollout's running return Σ_{i<H} γ^i r,
//   V_k   its terminal term γ^H V̂(s_H^k), what MPPI adds to R_k,
//   G_k   γ^H Σ_{i<T} γ^i r of the continuation, what V_k stands for.
// Prints, per checked step, Pearson's and Spearman's correlation of V_k
// with G_k over the batch, and G_k of MPPI's favourite rollout with the
// value (argmax R + V) against that of plain MPC's (argmax R) and the best.
//
//   bazel run -c opt //experiments:value_ranking -- --task=hand_cube
//     --horizon=8 --rollouts=80 --temperature=0.1 --temperature_mode=absolute
//     --value=RUN/checkpoints/ckpt-2500-100/weights.pb --kappa=0 --seed=0
//     --at=20,40 --continuation_steps=100 --out=/tmp/ranking.csv
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "experiments/correlation.h"
#include "experiments/task_weights.h"
#include "learner/ensemble_weights.h"
#include "learner/optimistic_value.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "planner/agent.h"
#include "planner/mppi.h"
#include "planner/mppi_flags.h"
#include "planner/rollouts.h"
#include "planner/thread_pool.h"
#include "util/paths.h"

ABSL_FLAG(std::string, task, "hand_cube", "task name (see models/registry.h)");
ABSL_FLAG(std::string, value, "", "saved value ensemble (EnsembleWeights file), required");
ABSL_FLAG(double, kappa, 0.0, "optimism kappa of the eq. 6 aggregate (0 = mean)");
ABSL_FLAG(std::string, at, "20", "comma-separated agent steps at which to check the batch");
ABSL_FLAG(int, continuation_steps, 100, "steps of MPC after each rollout's end state");
ABSL_FLAG(bool, continuation_value, false,
          "continue with MPC using the value (default: plain MPC, the same MPPI settings)");
ABSL_FLAG(int, threads, polo::planner::HardwareThreads(), "rollout threads");
ABSL_FLAG(std::string, out, "", "CSV of every rollout (step, k, R, V, G); empty = none");

namespace polo {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "value_ranking: %s\n", std::string(status.message()).c_str());
  return 2;
}

using experiments::Pearson;
using experiments::Spearman;

size_t ArgMax(const std::vector<double>& x) {
  return static_cast<size_t>(std::max_element(x.begin(), x.end()) - x.begin());
}

int Run() {
  absl::StatusOr<std::unique_ptr<models::Task>> task_or =
      models::MakeTask(absl::GetFlag(FLAGS_task), {});
  if (!task_or.ok()) return Fail(task_or.status());
  const models::Task& task = **task_or;
  const mjModel* m = task.model();
  absl::StatusOr<planner::MppiSettings> settings = planner::MppiSettingsFromFlags();
  if (!settings.ok()) return Fail(settings.status());
  std::vector<int> at;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_at), ',')) {
    int step = 0;
    if (!absl::SimpleAtoi(part, &step) || step < 1) {
      return Fail(absl::InvalidArgumentError(
          absl::StrCat("--at: got \"", part, "\", expected agent steps >= 1")));
    }
    at.push_back(step);
  }
  std::sort(at.begin(), at.end());
  const int continuation = absl::GetFlag(FLAGS_continuation_steps);
  if (continuation < 1) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--continuation_steps: got ", continuation, ", expected >= 1")));
  }
  if (absl::GetFlag(FLAGS_value).empty()) {
    return Fail(absl::InvalidArgumentError("--value: required (the value to check)"));
  }
  absl::StatusOr<EnsembleWeights> weights =
      experiments::LoadTaskWeights("value", absl::GetFlag(FLAGS_value), task);
  if (!weights.ok()) return Fail(weights.status());
  absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> value =
      learner::OptimisticValue::Create(*weights, absl::GetFlag(FLAGS_kappa));
  if (!value.ok()) return Fail(value.status());

  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 1 || threads > 256) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("--threads: got ", threads, ", expected 1..256")));
  }
  planner::ThreadPool pool(threads);
  absl::StatusOr<std::unique_ptr<planner::Agent>> agent =
      planner::Agent::Create(&task, *settings, &pool);
  if (!agent.ok()) return Fail(agent.status());
  planner::RolloutSettings batch_settings = settings->rollouts;
  batch_settings.with_features = true;
  absl::StatusOr<std::unique_ptr<planner::Rollouts>> batch =
      planner::Rollouts::Create(&task, batch_settings, &pool);
  if (!batch.ok()) return Fail(batch.status());
  absl::StatusOr<std::unique_ptr<planner::Mppi>> planner_or =
      planner::Mppi::Create(&task, *settings, &pool);
  if (!planner_or.ok()) return Fail(planner_or.status());
  planner::Mppi& mppi = **planner_or;
  planner::TerminalValue* continuation_value =
      absl::GetFlag(FLAGS_continuation_value) ? value->get() : nullptr;

  const int h = settings->rollouts.horizon;
  const int k_count = settings->rollouts.num_rollouts;
  const int nu = m->nu;
  const double gamma = settings->rollouts.gamma;
  const double terminal_discount = std::pow(gamma, h);
  const uint64_t seed = settings->seed;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(nullptr, &std::fclose);
  if (!absl::GetFlag(FLAGS_out).empty()) {
    const std::string path = util::ResolveUserPath(absl::GetFlag(FLAGS_out));
    out.reset(std::fopen(path.c_str(), "w"));
    if (out == nullptr) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("--out: cannot write '", path, "'")));
    }
    std::fprintf(out.get(), "step,k,running_return,terminal_value,continuation_return\n");
  }
  models::UniqueMjData d(mj_makeData(m));
  std::vector<double> state((*agent)->physics_state().size());
  std::vector<float> plan(static_cast<size_t>(h) * nu);
  std::vector<double> nominal(static_cast<size_t>(h) * nu);
  std::vector<double> values(k_count);
  int step = 0;
  for (int check : at) {
    for (; step < check; ++step) (*agent)->Step(step, value->get());
    // The batch the agent's own Optimize draws at this step: the nominal is
    // the last plan shifted by one step (Mppi::Shift), the noise keyed alike.
    (*agent)->CopyPlan(h, plan.data());
    for (int t = 0; t < h; ++t) {
      const int from = std::min(t + 1, h - 1);
      for (int i = 0; i < nu; ++i) nominal[t * nu + i] = plan[from * nu + i];
    }
    const std::vector<double> s_t((*agent)->physics_state().begin(),
                                  (*agent)->physics_state().end());
    (*batch)->Run(s_t.data(), nominal.data(),
                  planner::NoiseKey{seed, static_cast<uint64_t>(step), 0, 0});
    (*value)->Evaluate((*batch)->terminal_features(), k_count, values.data());
    std::vector<double> r(k_count), v(k_count), g(k_count);
    for (int k = 0; k < k_count; ++k) {
      r[k] = (*batch)->running_return(k);
      v[k] = terminal_discount * values[k];
      models::RestorePhysicsState(m, s_t.data(), d.get());
      const double* u = (*batch)->controls(k);
      for (int t = 0; t < h; ++t) {
        for (int i = 0; i < nu; ++i) d->ctrl[i] = u[t * nu + i];
        mj_step(m, d.get());
      }
      mj_forward(m, d.get());
      mppi.Reset();
      double ret = 0, discount = 1;
      for (int t = 0; t < continuation; ++t) {
        models::CapturePhysicsState(m, d.get(), state.data());
        const uint64_t episode_step = static_cast<uint64_t>(step + h + t);
        mppi.Optimize(state.data(), episode_step, continuation_value);
        for (int i = 0; i < nu; ++i) d->ctrl[i] = mppi.action()[i];
        mj_step(m, d.get());
        ret += discount * task.Reward(m, d.get());
        discount *= gamma;
        mppi.Shift();
        task.Disturb(m, d.get(), seed, episode_step + 1);
        mj_forward(m, d.get());
      }
      g[k] = terminal_discount * ret;
      if (out != nullptr) {
        std::fprintf(out.get(), "%d,%d,%.9g,%.9g,%.9g\n", step, k, r[k], v[k], g[k]);
      }
    }
    std::vector<double> score(k_count), truth(k_count);
    for (int k = 0; k < k_count; ++k) {
      score[k] = r[k] + v[k];
      truth[k] = r[k] + g[k];
    }
    std::printf(
        "step=%d pearson_v_g=%.3f spearman_v_g=%.3f spearman_score_truth=%.3f "
        "truth_of_value_pick=%.4f truth_of_plain_pick=%.4f truth_best=%.4f truth_mean=%.4f\n",
        step, Pearson(v, g), Spearman(v, g), Spearman(score, truth), truth[ArgMax(score)],
        truth[ArgMax(r)], truth[ArgMax(truth)],
        std::accumulate(truth.begin(), truth.end(), 0.0) / k_count);
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
