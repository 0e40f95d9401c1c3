// //experiments:value_fit — fits a value ensemble, offline, to the discounted
// returns that plain MPC itself gets, and saves it. A check of what a value
// of POLO's class can do for MPC when it is learnt from plentiful on-policy
// data rather than online from 2500 steps: MPC with V^MPC as its terminal
// value is a rollout-style improvement on MPC: what it does for MPC
// (//experiments:mpc --value) and how it ranks MPPI's batch
// (//experiments:value_ranking) is the bar POLO's online value, learnt from
// less and from its own states, has to clear.
//
//   bazel run -c opt //experiments:value_fit -- --task=hand_cube --horizon=8
//       --rollouts=80 --temperature=0.02 --temperature_mode=absolute
//       --spec_from=$PWD/results/hand/runs/hand_cube/horizon8/seed0/weights.pb
//       --episodes=30 --data=/tmp/h8.data --out=/tmp/fit_h8.pb      (one line)
//
// Data: --episodes episodes of --steps agent steps of plain MPC (or, with
// --act_value, of MPC with that value: one step of policy iteration), episode e
// from seed --first_seed + e (as //experiments:mpc --seed=...: the MPPI
// seed and the task's episode seed). For each of the first --keep states
// of an episode the target is its discounted return, truncated at the
// episode's end: G_t = Σ_{j=t}^{steps-1} γ^{j-t} r_j (γ: --gamma), so the
// truncation error is at most γ^(steps-keep) times the largest |return|.
// The last --holdout episodes are not trained on; they give the held-out
// fit. Training: the learner's Trainer (eq. 5, randomised priors, Adam),
// every member on the same targets, the spec (sizes, prior scale, value
// scale and offset) read from --spec_from, input normalisation as the
// learner's (identity) unless --normalise_inputs. Prints the fit (MSE, Pearson r) on the training
// and held-out states, and writes the weights to --out. --data caches the collected states and
// returns, so that other training settings can be tried without collecting again (a cache collected
// under other task, MPPI or episode flags is refused). Deterministic: the same flags give the same
// bytes, with any --threads.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "experiments/common/evaluation.h"
#include "experiments/common/task_weights.h"
#include "experiments/value/correlation.h"
#include "learner/ensemble_weights.h"
#include "learner/seed_schedule.h"
#include "learner/trainer.h"
#include "planner/mppi_flags.h"
#include "planner/thread_pool.h"
#include "proto/ensemble.pb.h"
#include "util/atomic_file.h"
#include "util/paths.h"

ABSL_FLAG(std::string, task, "hand_cube", "task name (see models/registry.h)");
ABSL_FLAG(int, episodes, 30, "plain-MPC episodes to collect (the last --holdout are held out)");
ABSL_FLAG(int, holdout, 5, "episodes held out of training, for the held-out fit");
ABSL_FLAG(uint64_t, first_seed, 100, "seed of the first episode (episode e: first_seed + e)");
ABSL_FLAG(int, steps, 1300, "agent steps per episode");
ABSL_FLAG(int, keep, 1000,
          "states per episode used, from its start (their returns run to --steps)");
ABSL_FLAG(std::string, spec_from, "", "ensemble weights file whose spec (sizes, scales) to fit");
ABSL_FLAG(int, gradient_steps, 20000, "Adam steps");
ABSL_FLAG(int, minibatch_size, 64, "rows per Adam step");
ABSL_FLAG(double, learning_rate, 1e-3, "Adam learning rate");
ABSL_FLAG(uint64_t, train_seed, 0, "seeds the nets, priors and minibatches");
ABSL_FLAG(std::string, out, "", "weights file to write");
ABSL_FLAG(std::string, data, "",
          "cache of the collected states and returns: read if it exists (refused unless "
          "written under the same task, MPPI and episode flags), else written after collecting");
ABSL_FLAG(double, weight_decay, 0.0, "coefficient of |theta|^2 (learner/trainer.h)");
ABSL_FLAG(bool, normalise_inputs, false,
          "standardise each feature by its mean and standard deviation over the training "
          "states (the learner does not: identity)");
ABSL_FLAG(std::string, act_value, "",
          "collect with MPC using this value (eq. 6 at --act_kappa) instead of plain MPC: the "
          "fit is then of that planner's returns (one step of policy iteration)");
ABSL_FLAG(double, act_kappa, 0.0, "optimism of --act_value's aggregate (0 = the members' mean)");
ABSL_FLAG(int, threads, polo::planner::HardwareThreads(), "rollout threads (1..256)");

namespace polo {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "value_fit: %s\n", std::string(status.message()).c_str());
  return 2;
}

absl::Status Bad(const char* flag, const std::string& got, const char* expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": got ", got, ", expected ", expected));
}

struct Fit {
  double mse = 0;
  double pearson = 0;
};

absl::StatusOr<Fit> Measure(const learner::Trainer& trainer, const std::vector<double>& features,
                            const std::vector<double>& targets) {
  const int n = static_cast<int>(targets.size());
  const int k = trainer.spec().ensemble_size();
  std::vector<double> members(static_cast<size_t>(n) * k);
  Fit fit;
  if (n == 0) return fit;
  if (absl::Status s = trainer.EvaluateMembers(features.data(), n, members.data()); !s.ok()) {
    return s;
  }
  std::vector<double> means(n);
  for (int i = 0; i < n; ++i) {
    const double* row = members.data() + static_cast<size_t>(i) * k;
    means[i] = std::accumulate(row, row + k, 0.0) / k;
    fit.mse += (means[i] - targets[i]) * (means[i] - targets[i]);
  }
  fit.mse /= n;
  fit.pearson = experiments::Pearson(means, targets);
  return fit;
}

// What the --data cache holds states of: the task, the acting MPPI and the
// episodes. A cache written under other flags is refused, naming both.
std::string DataKey(const std::string& task, const planner::MppiSettings& s) {
  return absl::StrCat(
      "task=", task, " horizon=", s.rollouts.horizon, " rollouts=", s.rollouts.num_rollouts,
      " gamma=", s.rollouts.gamma, " sigma=", s.rollouts.noise_sigma,
      " noise_smoothing=", s.rollouts.noise_smoothing, " temperature=", s.temperature,
      " temperature_mode=", static_cast<int>(s.temperature_mode), " iterations=", s.iterations,
      " episodes=", absl::GetFlag(FLAGS_episodes), " holdout=", absl::GetFlag(FLAGS_holdout),
      " first_seed=", absl::GetFlag(FLAGS_first_seed), " steps=", absl::GetFlag(FLAGS_steps),
      " keep=", absl::GetFlag(FLAGS_keep), " act_value=", absl::GetFlag(FLAGS_act_value),
      " act_kappa=", absl::GetFlag(FLAGS_act_kappa));
}

// The --data cache: the key's length and text, then four arrays (training
// features and returns, held-out features and returns), each as a count
// then that many doubles, in this machine's byte order. Written atomically
// (util/atomic_file.h), so an interrupted run leaves no half cache.
absl::Status WriteData(const std::string& path, const std::string& key,
                       const std::vector<double>& train_x, const std::vector<double>& train_y,
                       const std::vector<double>& hold_x, const std::vector<double>& hold_y) {
  std::string bytes;
  const auto append = [&bytes](const void* data, size_t size) {
    bytes.append(static_cast<const char*>(data), size);
  };
  const uint64_t key_size = key.size();
  append(&key_size, sizeof key_size);
  append(key.data(), key.size());
  for (const std::vector<double>* v : {&train_x, &train_y, &hold_x, &hold_y}) {
    const uint64_t n = v->size();
    append(&n, sizeof n);
    append(v->data(), n * sizeof(double));
  }
  return util::WriteFileAtomically(path, bytes);
}

// NotFound if there is no cache at `path` (then it is collected and
// written); InvalidArgument naming both keys if it holds other data;
// DataLoss if it is truncated.
absl::Status ReadData(const std::string& path, const std::string& key, int nf,
                      std::vector<double>* train_x, std::vector<double>* train_y,
                      std::vector<double>* hold_x, std::vector<double>* hold_y) {
  absl::StatusOr<std::string> bytes = util::ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  size_t at = 0;
  const auto take = [&](void* out, uint64_t size) {
    if (size > bytes->size() - at) return false;
    std::memcpy(out, bytes->data() + at, size);
    at += size;
    return true;
  };
  const absl::Status truncated = absl::DataLossError(
      absl::StrCat("--data: '", path, "' is truncated or not a value_fit cache"));
  uint64_t key_size = 0;
  if (!take(&key_size, sizeof key_size) || key_size > bytes->size() - at) return truncated;
  const std::string stored = bytes->substr(at, key_size);
  at += key_size;
  if (stored != key) {
    return absl::InvalidArgumentError(absl::StrCat("--data: '", path, "' holds states of \"",
                                                   stored, "\", expected \"", key, "\""));
  }
  for (std::vector<double>* v : {train_x, train_y, hold_x, hold_y}) {
    uint64_t n = 0;
    if (!take(&n, sizeof n) || n > (bytes->size() - at) / sizeof(double)) return truncated;
    v->resize(n);
    take(v->data(), n * sizeof(double));
  }
  if (train_x->size() != train_y->size() * nf || hold_x->size() != hold_y->size() * nf) {
    return truncated;
  }
  return absl::OkStatus();
}

// The flags' checks that need no task: InvalidArgument naming the flag.
absl::Status CheckFlags() {
  const int episodes = absl::GetFlag(FLAGS_episodes), holdout = absl::GetFlag(FLAGS_holdout);
  const int steps = absl::GetFlag(FLAGS_steps), keep = absl::GetFlag(FLAGS_keep);
  const int threads = absl::GetFlag(FLAGS_threads);
  if (episodes < 2) return Bad("episodes", absl::StrCat(episodes), ">= 2");
  if (holdout < 1 || holdout >= episodes) {
    return Bad("holdout", absl::StrCat(holdout), "1..episodes-1");
  }
  if (steps < 1) return Bad("steps", absl::StrCat(steps), ">= 1");
  if (keep < 1 || keep > steps) return Bad("keep", absl::StrCat(keep), "1..steps");
  if (threads < 1 || threads > 256) return Bad("threads", absl::StrCat(threads), "1..256");
  if (absl::GetFlag(FLAGS_out).empty()) return Bad("out", "\"\"", "a file to write");
  if (absl::GetFlag(FLAGS_spec_from).empty()) {
    return Bad("spec_from", "\"\"", "an ensemble weights file");
  }
  return absl::OkStatus();
}

// The states and discounted returns to fit, training and held out.
struct Data {
  std::vector<double> train_x, train_y, hold_x, hold_y;
};

// The episodes (plain MPC, or MPC with --act_value) and their discounted
// returns; written to `data_path` (if given) after the last.
absl::Status Collect(experiments::Evaluation& evaluation, const std::string& data_path,
                     Data* data) {
  const int episodes = absl::GetFlag(FLAGS_episodes), holdout = absl::GetFlag(FLAGS_holdout);
  const int steps = absl::GetFlag(FLAGS_steps), keep = absl::GetFlag(FLAGS_keep);
  const double gamma = evaluation.mppi().rollouts.gamma;
  for (int e = 0; e < episodes; ++e) {
    const uint64_t seed = absl::GetFlag(FLAGS_first_seed) + static_cast<uint64_t>(e);
    if (absl::Status s = evaluation.Restart(seed); !s.ok()) return s;
    experiments::RunOptions run;
    run.steps = steps;
    run.keep_features = keep;
    const experiments::EpisodeRecord episode = evaluation.Run(run);
    const std::vector<double>& rewards = episode.rewards;
    std::vector<double> returns(steps);
    double g = 0;
    for (int t = steps - 1; t >= 0; --t) returns[t] = g = rewards[t] + gamma * g;
    const bool held_out = e >= episodes - holdout;
    std::vector<double>& x = held_out ? data->hold_x : data->train_x;
    std::vector<double>& y = held_out ? data->hold_y : data->train_y;
    x.insert(x.end(), episode.features.begin(), episode.features.end());
    y.insert(y.end(), returns.begin(), returns.begin() + keep);
    double mean = 0;
    for (double r : rewards) mean += r;
    std::printf("episode %d seed %llu mean_reward %.4f G_0 %.3f%s\n", e,
                static_cast<unsigned long long>(seed), mean / steps, returns[0],
                held_out ? " (held out)" : "");
    std::fflush(stdout);
  }
  if (data_path.empty()) return absl::OkStatus();
  return WriteData(data_path, DataKey(evaluation.task().name(), evaluation.mppi()), data->train_x,
                   data->train_y, data->hold_x, data->hold_y);
}

// Trains the spec of `like` on the training data (every member on the same
// returns), prints the fit before and after, and writes the weights to --out.
absl::Status FitAndSave(const EnsembleWeights& like, const Data& data) {
  learner::TrainerSettings ts;
  ts.weight_decay = absl::GetFlag(FLAGS_weight_decay);
  ts.learning_rate = absl::GetFlag(FLAGS_learning_rate);
  ts.minibatch_size = absl::GetFlag(FLAGS_minibatch_size);
  ts.gradient_steps = absl::GetFlag(FLAGS_gradient_steps);
  ts.seed = learner::TrainerSeed(absl::GetFlag(FLAGS_train_seed));
  absl::StatusOr<std::unique_ptr<learner::Trainer>> trainer =
      learner::Trainer::Create(like.spec(), ts);
  if (!trainer.ok()) return trainer.status();
  if (absl::GetFlag(FLAGS_normalise_inputs)) {
    if (absl::Status s = (*trainer)->SetInputNormalisationFromData(data.train_x); !s.ok()) {
      return s;
    }
  }
  const int k = like.spec().ensemble_size();
  const size_t n = data.train_y.size();
  std::vector<double> targets(n * k);
  for (size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) targets[i * k + j] = data.train_y[i];
  }
  const absl::StatusOr<Fit> train_before = Measure(**trainer, data.train_x, data.train_y);
  const absl::StatusOr<Fit> before = Measure(**trainer, data.hold_x, data.hold_y);
  if (!train_before.ok()) return train_before.status();
  if (!before.ok()) return before.status();
  absl::StatusOr<learner::TrainStats> stats = (*trainer)->Train(data.train_x, targets);
  if (!stats.ok()) return stats.status();
  const absl::StatusOr<Fit> train_fit = Measure(**trainer, data.train_x, data.train_y);
  const absl::StatusOr<Fit> hold_fit = Measure(**trainer, data.hold_x, data.hold_y);
  if (!train_fit.ok()) return train_fit.status();
  if (!hold_fit.ok()) return hold_fit.status();
  std::printf(
      "fit: %zu training states, %zu held out; before training: training mse %.3f, held-out "
      "mse %.3f r %.3f; after %d steps: training mse %.3f r %.3f, held-out mse %.3f r %.3f\n",
      n, data.hold_y.size(), train_before->mse, before->mse, before->pearson, stats->gradient_steps,
      train_fit->mse, train_fit->pearson, hold_fit->mse, hold_fit->pearson);
  absl::StatusOr<EnsembleWeights> weights = (*trainer)->ExportWeights();
  if (!weights.ok()) return weights.status();
  return learner::SaveEnsembleWeights(*weights, util::ResolveUserPath(absl::GetFlag(FLAGS_out)));
}

int Run() {
  absl::StatusOr<planner::MppiSettings> settings =
      planner::MppiSettingsFromFlags(experiments::PresetMppiSettings(absl::GetFlag(FLAGS_task)));
  if (!settings.ok()) return Fail(settings.status());
  if (absl::Status s = CheckFlags(); !s.ok()) return Fail(s);
  experiments::EvaluationOptions options;
  options.task = absl::GetFlag(FLAGS_task);
  options.mppi = *settings;
  options.threads = absl::GetFlag(FLAGS_threads);
  options.value_path = absl::GetFlag(FLAGS_act_value);
  options.value_flag = "act_value";
  options.kappa = absl::GetFlag(FLAGS_act_kappa);
  absl::StatusOr<std::unique_ptr<experiments::Evaluation>> evaluation =
      experiments::Evaluation::Create(options);
  if (!evaluation.ok()) return Fail(evaluation.status());
  const models::Task& task = (*evaluation)->task();
  absl::StatusOr<EnsembleWeights> like =
      experiments::LoadTaskWeights("spec_from", absl::GetFlag(FLAGS_spec_from), task);
  if (!like.ok()) return Fail(like.status());

  Data data;
  const std::string data_path = util::ResolveUserPath(absl::GetFlag(FLAGS_data));
  if (!data_path.empty()) {
    if (absl::Status s = ReadData(data_path, DataKey(task.name(), *settings), task.num_features(),
                                  &data.train_x, &data.train_y, &data.hold_x, &data.hold_y);
        s.ok()) {
      std::printf("read %zu + %zu states from %s\n", data.train_y.size(), data.hold_y.size(),
                  data_path.c_str());
    } else if (!absl::IsNotFound(s)) {
      return Fail(s);
    }
  }
  if (data.train_y.empty()) {
    if (absl::Status s = Collect(**evaluation, data_path, &data); !s.ok()) return Fail(s);
  }
  if (absl::Status s = FitAndSave(*like, data); !s.ok()) return Fail(s);
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}
