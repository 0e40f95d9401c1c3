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
#include "experiments/common/evaluation.h"
#include "experiments/value/correlation.h"
#include "models/physics_state.h"
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

absl::StatusOr<std::vector<int>> ParseAt(const std::string& text) {
  std::vector<int> at;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int step = 0;
    if (!absl::SimpleAtoi(part, &step) || step < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--at: got \"", part, "\", expected agent steps >= 1"));
    }
    at.push_back(step);
  }
  std::sort(at.begin(), at.end());
  return at;
}

// Per rollout k of a checked batch: R_k, V_k and G_k (the file comment).
struct Batch {
  std::vector<double> r, v, g;
};

// MPPI's batch at the agent's state, each rollout continued with MPC.
class RankingCheck {
 public:
  // The batch's rollouts and the continuations' MPPI share the
  // evaluation's task, settings and rollout threads; it must outlive this.
  static absl::StatusOr<std::unique_ptr<RankingCheck>> Create(experiments::Evaluation* evaluation,
                                                              int continuation_steps,
                                                              bool continuation_value) {
    const planner::MppiSettings& settings = evaluation->mppi();
    planner::RolloutSettings batch_settings = settings.rollouts;
    batch_settings.with_features = true;
    absl::StatusOr<std::unique_ptr<planner::Rollouts>> batch =
        planner::Rollouts::Create(&evaluation->task(), batch_settings, evaluation->pool());
    if (!batch.ok()) return batch.status();
    absl::StatusOr<std::unique_ptr<planner::Mppi>> mppi =
        planner::Mppi::Create(&evaluation->task(), settings, evaluation->pool());
    if (!mppi.ok()) return mppi.status();
    return std::unique_ptr<RankingCheck>(
        new RankingCheck(evaluation, *std::move(batch), *std::move(mppi), continuation_steps,
                         continuation_value ? evaluation->value() : nullptr));
  }

  // The batch the agent's own Optimize draws at agent step `step` (the
  // agent is at that step's state), scored and continued.
  Batch Check(int step) {
    planner::Agent& agent = evaluation_->agent();
    const int h = settings_.rollouts.horizon, nu = m_->nu;
    const int k_count = settings_.rollouts.num_rollouts;
    // The nominal is the last plan shifted by one step (Mppi::Shift), the
    // noise keyed alike.
    agent.CopyPlan(h, plan_.data());
    for (int t = 0; t < h; ++t) {
      const int from = std::min(t + 1, h - 1);
      for (int i = 0; i < nu; ++i) nominal_[t * nu + i] = plan_[from * nu + i];
    }
    const std::vector<double> s_t(agent.physics_state().begin(), agent.physics_state().end());
    batch_->Run(s_t.data(), nominal_.data(),
                planner::NoiseKey{settings_.seed, static_cast<uint64_t>(step), 0, 0});
    evaluation_->value()->Evaluate(batch_->terminal_features(), k_count, values_.data());
    Batch out{std::vector<double>(k_count), std::vector<double>(k_count),
              std::vector<double>(k_count)};
    for (int k = 0; k < k_count; ++k) {
      out.r[k] = batch_->running_return(k);
      out.v[k] = terminal_discount_ * values_[k];
      out.g[k] = terminal_discount_ * Continue(s_t.data(), batch_->controls(k), step);
    }
    return out;
  }

 private:
  RankingCheck(experiments::Evaluation* evaluation, std::unique_ptr<planner::Rollouts> batch,
               std::unique_ptr<planner::Mppi> mppi, int continuation_steps,
               planner::TerminalValue* continuation_value)
      : evaluation_(evaluation),
        task_(evaluation->task()),
        m_(task_.model()),
        settings_(evaluation->mppi()),
        batch_(std::move(batch)),
        mppi_(std::move(mppi)),
        continuation_steps_(continuation_steps),
        continuation_value_(continuation_value),
        terminal_discount_(std::pow(settings_.rollouts.gamma, settings_.rollouts.horizon)),
        d_(mj_makeData(m_)),
        state_(models::PhysicsStateSize(m_)),
        plan_(static_cast<size_t>(settings_.rollouts.horizon) * m_->nu),
        nominal_(plan_.size()),
        values_(settings_.rollouts.num_rollouts) {}

  // Replays controls `u` (H × nu) from s_t to the rollout's end state, then
  // runs MPC from there as the agent lives the world (the task's
  // disturbances included); the continuation's discounted return.
  double Continue(const double* s_t, const double* u, int step) {
    const int h = settings_.rollouts.horizon, nu = m_->nu;
    const double gamma = settings_.rollouts.gamma;
    models::RestorePhysicsState(m_, s_t, d_.get());
    for (int t = 0; t < h; ++t) {
      for (int i = 0; i < nu; ++i) d_->ctrl[i] = u[t * nu + i];
      task_.Step(m_, d_.get());
    }
    mj_forward(m_, d_.get());
    mppi_->Reset();
    double ret = 0, discount = 1;
    for (int t = 0; t < continuation_steps_; ++t) {
      models::CapturePhysicsState(m_, d_.get(), state_.data());
      const uint64_t episode_step = static_cast<uint64_t>(step + h + t);
      mppi_->Optimize(state_.data(), episode_step, continuation_value_);
      for (int i = 0; i < nu; ++i) d_->ctrl[i] = mppi_->action()[i];
      task_.Step(m_, d_.get());
      ret += discount * task_.Reward(m_, d_.get());
      discount *= gamma;
      mppi_->Shift();
      task_.Disturb(m_, d_.get(), settings_.seed, episode_step + 1);
      mj_forward(m_, d_.get());
    }
    return ret;
  }

  experiments::Evaluation* evaluation_;
  const models::Task& task_;
  const mjModel* m_;
  const planner::MppiSettings settings_;
  std::unique_ptr<planner::Rollouts> batch_;
  std::unique_ptr<planner::Mppi> mppi_;
  const int continuation_steps_;
  planner::TerminalValue* continuation_value_;
  const double terminal_discount_;
  models::UniqueMjData d_;
  std::vector<double> state_;
  std::vector<float> plan_;
  std::vector<double> nominal_;
  std::vector<double> values_;
};

// The step's line: how the value's order of the batch compares with what
// followed each rollout.
void PrintCheck(int step, const Batch& b) {
  const size_t k_count = b.r.size();
  std::vector<double> score(k_count), truth(k_count);
  for (size_t k = 0; k < k_count; ++k) {
    score[k] = b.r[k] + b.v[k];
    truth[k] = b.r[k] + b.g[k];
  }
  std::printf(
      "step=%d pearson_v_g=%.3f spearman_v_g=%.3f spearman_score_truth=%.3f "
      "truth_of_value_pick=%.4f truth_of_plain_pick=%.4f truth_best=%.4f truth_mean=%.4f\n",
      step, Pearson(b.v, b.g), Spearman(b.v, b.g), Spearman(score, truth), truth[ArgMax(score)],
      truth[ArgMax(b.r)], truth[ArgMax(truth)],
      std::accumulate(truth.begin(), truth.end(), 0.0) / static_cast<int>(k_count));
  std::fflush(stdout);
}

absl::StatusOr<experiments::EvaluationOptions> OptionsFromFlags() {
  experiments::EvaluationOptions options;
  options.task = absl::GetFlag(FLAGS_task);
  absl::StatusOr<planner::MppiSettings> settings =
      planner::MppiSettingsFromFlags(experiments::PresetMppiSettings(options.task));
  if (!settings.ok()) return settings.status();
  options.mppi = *settings;
  options.threads = absl::GetFlag(FLAGS_threads);
  options.value_path = absl::GetFlag(FLAGS_value);
  options.kappa = absl::GetFlag(FLAGS_kappa);
  if (options.value_path.empty()) {
    return absl::InvalidArgumentError("--value: required (the value to check)");
  }
  return options;
}

int Run() {
  absl::StatusOr<experiments::EvaluationOptions> options = OptionsFromFlags();
  if (!options.ok()) return Fail(options.status());
  absl::StatusOr<std::vector<int>> at = ParseAt(absl::GetFlag(FLAGS_at));
  if (!at.ok()) return Fail(at.status());
  const int continuation = absl::GetFlag(FLAGS_continuation_steps);
  if (continuation < 1) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--continuation_steps: got ", continuation, ", expected >= 1")));
  }
  absl::StatusOr<std::unique_ptr<experiments::Evaluation>> evaluation =
      experiments::Evaluation::Create(*options);
  if (!evaluation.ok()) return Fail(evaluation.status());
  absl::StatusOr<std::unique_ptr<RankingCheck>> check = RankingCheck::Create(
      evaluation->get(), continuation, absl::GetFlag(FLAGS_continuation_value));
  if (!check.ok()) return Fail(check.status());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(nullptr, &std::fclose);
  if (!absl::GetFlag(FLAGS_out).empty()) {
    const std::string path = util::ResolveUserPath(absl::GetFlag(FLAGS_out));
    out.reset(std::fopen(path.c_str(), "w"));
    if (out == nullptr) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("--out: cannot write '", path, "'")));
    }
    std::fprintf(out.get(), "step,k,running_return,terminal_value,continuation_return\n");
  }
  for (int step : *at) {
    experiments::RunOptions run;
    run.steps = step - (*evaluation)->steps_taken();
    if (run.steps > 0) (*evaluation)->Run(run);
    const Batch batch = (*check)->Check((*evaluation)->steps_taken());
    for (size_t k = 0; out != nullptr && k < batch.r.size(); ++k) {
      std::fprintf(out.get(), "%d,%zu,%.9g,%.9g,%.9g\n", (*evaluation)->steps_taken(), k,
                   batch.r[k], batch.v[k], batch.g[k]);
    }
    PrintCheck((*evaluation)->steps_taken(), batch);
  }
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
