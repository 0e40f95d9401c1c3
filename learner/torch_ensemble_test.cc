// LibTorch ensemble tests. This file includes no LibTorch header (the
// TorchEnsemble API is torch-free), so it compiles fast.
#include "learner/torch_ensemble.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"

#include "learner/eigen_ensemble.h"
#include "learner/test_weights.h"

namespace polo::learner {
namespace {

std::vector<double> RandomFeatures(int rows, int nf, double range, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-range, range);
  std::vector<double> x(static_cast<size_t>(rows) * nf);
  for (double& v : x) v = uniform(rng);
  return x;
}

// Largest |eigen - torch| / max(|torch|, 1) over a random batch. Both run
// float32 nets; only summation order and tanh implementations differ.
double WorstRelativeError(polo::EnsembleSpec::Activation activation, double value_scale = 1.0,
                          double value_offset = 0.0) {
  const int nf = 34, k_members = 6, batch = 120;
  polo::EnsembleSpec spec = MakeSpec(nf, k_members, {16, 16}, activation, 1.7);
  if (value_scale != 1.0) spec.set_value_scale(value_scale);
  if (value_offset != 0.0) spec.set_value_offset(value_offset);
  std::unique_ptr<TorchEnsemble> torch_ensemble = *TorchEnsemble::Create(spec, 5);
  std::vector<double> offset(nf), scale(nf);
  for (int j = 0; j < nf; ++j) {
    offset[j] = 0.1 * j - 1.0;
    scale[j] = 0.5 + 0.05 * j;
  }
  EXPECT_TRUE(torch_ensemble->SetInputNormalisation(offset, scale).ok());
  std::unique_ptr<EigenEnsemble> eigen_ensemble =
      *EigenEnsemble::Create(*torch_ensemble->ToWeights(1));
  const std::vector<double> x = RandomFeatures(batch, nf, 4.0, 8);
  std::vector<double> expected(batch * k_members), actual(batch * k_members);
  EXPECT_TRUE(torch_ensemble->EvaluateMembers(x.data(), batch, expected.data()).ok());
  eigen_ensemble->EvaluateMembers(x.data(), batch, actual.data());
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst,
                     std::abs(actual[i] - expected[i]) / std::max(1.0, std::abs(expected[i])));
  }
  return worst;
}

TEST(TorchEnsembleTest, EigenAndTorchAgreeWithTanh) {
  // 1e-5 is the two inference paths' contract (docs/design.md, "Value ensemble"); measured
  // 3.0e-7 (tanh) and 2.4e-7 (relu) on this batch.
  const double worst = WorstRelativeError(polo::EnsembleSpec::TANH);
  RecordProperty("worst_relative_error", absl::StrFormat("%.3g", worst));
  EXPECT_LT(worst, 1e-5);
}

TEST(TorchEnsembleTest, EigenAndTorchAgreeWithRelu) {
  const double worst = WorstRelativeError(polo::EnsembleSpec::RELU);
  RecordProperty("worst_relative_error", absl::StrFormat("%.3g", worst));
  EXPECT_LT(worst, 1e-5);
}

TEST(TorchEnsembleTest, EigenAndTorchAgreeWithAValueScale) {
  // Same contract, relative to the scaled values.
  const double worst = WorstRelativeError(polo::EnsembleSpec::TANH, 37.0);
  RecordProperty("worst_relative_error", absl::StrFormat("%.3g", worst));
  EXPECT_LT(worst, 1e-5);
}

TEST(TorchEnsembleTest, EigenAndTorchAgreeWithAValueOffset) {
  const double worst = WorstRelativeError(polo::EnsembleSpec::TANH, 3.0, -5.0);
  RecordProperty("worst_relative_error", absl::StrFormat("%.3g", worst));
  EXPECT_LT(worst, 1e-5);
}

TEST(TorchEnsembleTest, AValueOffsetShiftsEveryMembersOutputAndSurvivesWeights) {
  const int nf = 5, k_members = 3, batch = 4;
  const polo::EnsembleSpec spec = MakeSpec(nf, k_members, {8}, polo::EnsembleSpec::TANH, 0.5);
  polo::EnsembleSpec shifted = spec;
  shifted.set_value_offset(-5.0);
  std::unique_ptr<TorchEnsemble> plain = *TorchEnsemble::Create(spec, 3);
  std::unique_ptr<TorchEnsemble> minus_five = *TorchEnsemble::Create(shifted, 3);
  const std::vector<double> x = RandomFeatures(batch, nf, 2.0, 4);
  std::vector<double> v(batch * k_members), v5(batch * k_members), eigen(batch * k_members);
  ASSERT_TRUE(plain->EvaluateMembers(x.data(), batch, v.data()).ok());
  ASSERT_TRUE(minus_five->EvaluateMembers(x.data(), batch, v5.data()).ok());
  // Same seed, same nets: only the offset differs (float nets, a double offset).
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v5[i], v[i] - 5.0, 1e-6);
  // The offset travels in the weights and the actors' Eigen path adds it too.
  const polo::EnsembleWeights weights = *minus_five->ToWeights(1);
  EXPECT_EQ(weights.spec().value_offset(), -5.0);
  (*EigenEnsemble::Create(weights))->EvaluateMembers(x.data(), batch, eigen.data());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(eigen[i], v5[i], 1e-5);
}

TEST(TorchEnsembleTest, AValueScaleMultipliesEveryMembersOutput) {
  const int nf = 5, k_members = 3, batch = 4;
  const polo::EnsembleSpec spec = MakeSpec(nf, k_members, {8}, polo::EnsembleSpec::TANH, 0.5);
  polo::EnsembleSpec scaled = spec;
  scaled.set_value_scale(10.0);
  std::unique_ptr<TorchEnsemble> plain = *TorchEnsemble::Create(spec, 3);
  std::unique_ptr<TorchEnsemble> times_ten = *TorchEnsemble::Create(scaled, 3);
  const std::vector<double> x = RandomFeatures(batch, nf, 2.0, 4);
  std::vector<double> v(batch * k_members), v10(batch * k_members);
  ASSERT_TRUE(plain->EvaluateMembers(x.data(), batch, v.data()).ok());
  ASSERT_TRUE(times_ten->EvaluateMembers(x.data(), batch, v10.data()).ok());
  // Same seed, same nets: only the output unit differs (float nets).
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v10[i], 10.0 * v[i], 1e-5 * std::abs(v10[i]) + 1e-6);
}

TEST(TorchEnsembleTest, WeightsRoundTripExactly) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(7, 3, {16, 8}, polo::EnsembleSpec::TANH, 2.0), 3);
  absl::StatusOr<std::unique_ptr<TorchEnsemble>> ensemble = TorchEnsemble::FromWeights(weights);
  ASSERT_TRUE(ensemble.ok()) << ensemble.status();
  absl::StatusOr<polo::EnsembleWeights> exported = (*ensemble)->ToWeights(weights.version());
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->SerializeAsString(), weights.SerializeAsString());
}

TEST(TorchEnsembleTest, SameSeedSameWeightsOtherSeedOtherWeights) {
  const polo::EnsembleSpec spec = MakeSpec(3, 2, {4}, polo::EnsembleSpec::RELU, 1.0);
  const std::string a = (*(*TorchEnsemble::Create(spec, 1))->ToWeights(0)).SerializeAsString();
  const std::string b = (*(*TorchEnsemble::Create(spec, 1))->ToWeights(0)).SerializeAsString();
  const std::string c = (*(*TorchEnsemble::Create(spec, 2))->ToWeights(0)).SerializeAsString();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(TorchEnsembleTest, InitialisesLikeLinearDefaultWithIndependentPriors) {
  const polo::EnsembleSpec spec = MakeSpec(9, 4, {16}, polo::EnsembleSpec::TANH, 1.0);
  const polo::EnsembleWeights w = *(*TorchEnsemble::Create(spec, 3))->ToWeights(0);
  for (const polo::EnsembleMember& member : w.members()) {
    for (const polo::Mlp* mlp : {&member.trained(), &member.prior()}) {
      for (const polo::DenseLayer& layer : mlp->layers()) {
        const double bound = 1.0 / std::sqrt(layer.in_features());
        for (float v : layer.weights()) EXPECT_LE(std::abs(v), bound);
        for (float v : layer.bias()) EXPECT_LE(std::abs(v), bound);
      }
    }
    EXPECT_NE(member.trained().layers(0).weights(0), member.prior().layers(0).weights(0));
  }
  EXPECT_NE(w.members(0).prior().layers(0).weights(0), w.members(1).prior().layers(0).weights(0));
}

TEST(TorchEnsembleTest, FromWeightsRejectsMalformedWeightsNamingTheField) {
  polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(4, 3, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
  weights.mutable_members(2)->mutable_trained()->mutable_layers(1)->mutable_weights()->Truncate(
      250);
  EXPECT_EQ(TorchEnsemble::FromWeights(weights).status().message(),
            "members[2].trained.layers[1].weights: has 250 values, expected 256");
  weights = RandomEnsembleWeights(MakeSpec(4, 3, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
  weights.mutable_members(0)->mutable_prior()->mutable_layers(0)->set_weights(
      3, -std::numeric_limits<float>::infinity());
  EXPECT_EQ(TorchEnsemble::FromWeights(weights).status().message(),
            "members[0].prior.layers[0].weights[3]: is -inf, expected a finite value");
}

TEST(TorchEnsembleTest, SetInputNormalisationRejectsBadValuesNamingTheField) {
  std::unique_ptr<TorchEnsemble> ensemble =
      *TorchEnsemble::Create(MakeSpec(2, 2, {4}, polo::EnsembleSpec::TANH, 1.0), 1);
  const std::vector<double> two = {0, 1};
  const std::vector<double> three = {0, 1, 2};
  const std::vector<double> nan = {0, std::nan("")};
  EXPECT_EQ(ensemble->SetInputNormalisation(three, two).message(),
            "normalisation.offset: has 3 values, expected 2");
  EXPECT_EQ(ensemble->SetInputNormalisation(two, nan).message(),
            "normalisation.scale[1]: is nan, expected a finite value");
}

}  // namespace
}  // namespace polo::learner
