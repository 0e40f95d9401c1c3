// Times ensemble inference: Eigen (what planners use) against LibTorch,
// for the paper's humanoid ensemble (6 members × 2 hidden layers × 16,
// tanh, 34 features) on a batch of 120 (one MPPI step's terminal states)
// and on a single state; and one trainer update at the paper's humanoid
// settings (G = 64 Adam steps of minibatch n = 32). Run with
//   bazel run -c opt //learner:ensemble_bench
// Ends with one key=value line: thread CPU microseconds per call (the
// machine is shared, so wall time is also printed but less reliable).
// LibTorch runs with one thread.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "learner/eigen_ensemble.h"
#include "learner/torch_ensemble.h"
#include "learner/test_weights.h"
#include "learner/trainer.h"

namespace polo::learner {
namespace {

double ThreadCpuMicroseconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

struct Timing {
  double wall_us;  // Per call, wall clock.
  double cpu_us;   // Per call, this thread's CPU time: less sensitive to other load.
};

template <typename Fn>
Timing TimePerCall(Fn fn, int calls) {
  for (int i = 0; i < calls / 10 + 1; ++i) fn();  // Warm up.
  const double cpu_start = ThreadCpuMicroseconds();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) fn();
  const std::chrono::duration<double, std::micro> wall = std::chrono::steady_clock::now() - start;
  return {wall.count() / calls, (ThreadCpuMicroseconds() - cpu_start) / calls};
}

int Main() {
  if (!SetLibTorchThreads(1).ok()) return 1;
  const int nf = 34, k_members = 6;
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(nf, k_members, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
  std::unique_ptr<EigenEnsemble> eigen_ensemble = *EigenEnsemble::Create(weights);
  std::unique_ptr<TorchEnsemble> torch_ensemble = *TorchEnsemble::FromWeights(weights);
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> uniform(-2, 2);
  std::vector<double> x(120 * nf), values(120 * k_members);
  for (double& v : x) v = uniform(rng);

  double cpu[4];
  int r = 0;
  for (int batch : {120, 1}) {
    const int calls = batch == 1 ? 200000 : 20000;
    const Timing eigen = TimePerCall(
        [&] { eigen_ensemble->EvaluateMembers(x.data(), batch, values.data()); }, calls);
    const Timing torch = TimePerCall(
        [&] { (void)torch_ensemble->EvaluateMembers(x.data(), batch, values.data()); },
        calls / 20);
    std::printf("batch %3d: eigen %8.2f us cpu (%8.2f wall)  torch %8.2f us cpu (%8.2f wall)\n",
                batch, eigen.cpu_us, eigen.wall_us, torch.cpu_us, torch.wall_us);
    cpu[r++] = eigen.cpu_us;
    cpu[r++] = torch.cpu_us;
  }

  TrainerSettings settings;  // G = 64, n = 32, one LibTorch thread.
  std::unique_ptr<Trainer> trainer = *Trainer::Create(weights.spec(), settings);
  std::vector<double> features(1000 * nf), targets(1000 * k_members);
  for (double& v : features) v = uniform(rng);
  for (double& v : targets) v = uniform(rng);
  const Timing update = TimePerCall([&] { (void)trainer->Train(features, targets); }, 50);
  std::printf("trainer update (64 steps of 32): %.2f ms cpu (%.2f wall)\n", update.cpu_us / 1e3,
              update.wall_us / 1e3);
  std::printf(
      "eigen_b120_us=%.2f torch_b120_us=%.2f eigen_b1_us=%.2f torch_b1_us=%.2f "
      "train_update_ms=%.2f\n",
      cpu[0], cpu[1], cpu[2], cpu[3], update.cpu_us / 1e3);
  return 0;
}

}  // namespace
}  // namespace polo::learner

int main() { return polo::learner::Main(); }
