// The committed humanoid_getup value exported as TorchScript at κ = 1
// (//tools:export, python/polo/export.py) and loaded with LibTorch's
// torch::jit::load: its forward (eq. 6) and members() give what
// learner::OptimisticValue and EigenEnsemble give for the same features, to
// 1e-6 of the size of the row's members (both run the nets in float32; the
// export also normalises and aggregates in float32, so its error is a few
// float32 steps of the members, ~40 here, also where eq. 6 is near 0).
#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "learner/eigen_ensemble.h"
#include "learner/ensemble_weights.h"
#include "learner/optimistic_value.h"
#include "learner/torch_ensemble.h"

namespace polo {
namespace {

std::string Runfile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return std::string(srcdir == nullptr ? "." : srcdir) + "/polo/" + path;
}

// Rows of features about the size of the humanoid's, from a fixed seed.
std::vector<double> Features(int rows, int num_features) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 0.5);
  std::vector<double> x(static_cast<size_t>(rows) * num_features);
  for (double& v : x) v = normal(rng);
  return x;
}

// max over rows i (and columns j) of |actual - expected| / scale[i].
double MaxScaledError(const torch::Tensor& actual, const std::vector<double>& expected,
                      const std::vector<double>& scale) {
  const torch::Tensor a = actual.to(torch::kDouble).contiguous().reshape({-1});
  EXPECT_EQ(a.numel(), static_cast<int64_t>(expected.size()));
  const size_t columns = expected.size() / scale.size();
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst, std::abs(a[i].item<double>() - expected[i]) / scale[i / columns]);
  }
  return worst;
}

TEST(TorchScriptExportTest, LibTorchGivesTheEigenEnsemblesValuesAndMembers) {
  ASSERT_TRUE(learner::SetLibTorchThreads(1).ok());
  absl::StatusOr<EnsembleWeights> weights = learner::LoadEnsembleWeights(
      Runfile("results/humanoid/runs/humanoid_getup/weights.pb"));
  ASSERT_TRUE(weights.ok()) << weights.status();
  const int rows = 64;
  const int nf = weights->spec().num_features();
  const int k_members = weights->spec().ensemble_size();
  const std::vector<double> x = Features(rows, nf);

  absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> value =
      learner::OptimisticValue::Create(*weights, /*kappa=*/1.0);
  ASSERT_TRUE(value.ok()) << value.status();
  std::vector<double> expected(rows);
  (*value)->Evaluate(x.data(), rows, expected.data());
  absl::StatusOr<std::unique_ptr<learner::EigenEnsemble>> ensemble =
      learner::EigenEnsemble::Create(*weights);
  ASSERT_TRUE(ensemble.ok()) << ensemble.status();
  std::vector<double> members(static_cast<size_t>(rows) * k_members);
  (*ensemble)->EvaluateMembers(x.data(), rows, members.data());
  std::vector<double> scale(rows, 0.0);
  for (int i = 0; i < rows; ++i) {
    for (int k = 0; k < k_members; ++k) {
      scale[i] = std::max(scale[i], std::abs(members[i * k_members + k]));
    }
  }

  torch::jit::script::Module module;
  try {
    module = torch::jit::load(Runfile("tests/export/humanoid_getup_kappa1.pt"));
  } catch (const c10::Error& e) {
    FAIL() << "torch::jit::load: " << e.what();
  }
  module.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor input =
      torch::from_blob(const_cast<double*>(x.data()), {rows, nf}, torch::kDouble)
          .to(torch::kFloat);
  const torch::Tensor output = module.forward({input}).toTensor();
  EXPECT_EQ(output.sizes(), (std::vector<int64_t>{rows}));
  const double value_error = MaxScaledError(output, expected, scale);
  EXPECT_LE(value_error, 1e-6);
  const torch::Tensor member_output = module.get_method("members")({input}).toTensor();
  EXPECT_EQ(member_output.sizes(), (std::vector<int64_t>{rows, k_members}));
  const double member_error = MaxScaledError(member_output, members, scale);
  EXPECT_LE(member_error, 1e-6);
  std::printf("max error / members' size: value %.3g, members %.3g\n", value_error, member_error);
}

}  // namespace
}  // namespace polo
