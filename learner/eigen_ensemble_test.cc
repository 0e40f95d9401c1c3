#include "learner/eigen_ensemble.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "learner/test_weights.h"

namespace polo::learner {
namespace {

// V_k(x) in double with plain loops, straight from proto/ensemble.proto's
// definition: the reference the float Eigen path is checked against.
double ReferenceMlp(const polo::Mlp& mlp, std::vector<double> h, bool relu) {
  for (int l = 0; l < mlp.layers_size(); ++l) {
    const polo::DenseLayer& layer = mlp.layers(l);
    std::vector<double> next(layer.out_features());
    for (int o = 0; o < layer.out_features(); ++o) {
      double sum = layer.bias(o);
      for (int i = 0; i < layer.in_features(); ++i) {
        sum += layer.weights(o * layer.in_features() + i) * h[i];
      }
      const bool hidden = l + 1 < mlp.layers_size();
      next[o] = !hidden ? sum : relu ? std::max(0.0, sum) : std::tanh(sum);
    }
    h = std::move(next);
  }
  return h[0];
}

double ReferenceMember(const polo::EnsembleWeights& w, int k, const double* x) {
  std::vector<double> z(w.spec().num_features());
  for (size_t j = 0; j < z.size(); ++j) {
    z[j] = (x[j] - w.normalisation().offset(j)) * w.normalisation().scale(j);
  }
  const bool relu = w.spec().activation() == polo::EnsembleSpec::RELU;
  return ReferenceMlp(w.members(k).trained(), z, relu) +
         w.spec().prior_scale() * ReferenceMlp(w.members(k).prior(), z, relu);
}

std::vector<double> RandomFeatures(int rows, int nf, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-3.0, 3.0);
  std::vector<double> x(static_cast<size_t>(rows) * nf);
  for (double& v : x) v = uniform(rng);
  return x;
}

void ExpectMatchesReference(polo::EnsembleSpec::Activation activation) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(34, 6, {16, 16}, activation, 1.5), 11);
  absl::StatusOr<std::unique_ptr<EigenEnsemble>> ensemble = EigenEnsemble::Create(weights);
  ASSERT_TRUE(ensemble.ok()) << ensemble.status();
  const int batch = 120;
  const std::vector<double> x = RandomFeatures(batch, 34, 3);
  std::vector<double> values(batch * 6);
  (*ensemble)->EvaluateMembers(x.data(), batch, values.data());
  // Float32 nets against double: each output is a sum of ~34 products of
  // O(1) terms, so float rounding leaves ~1e-6 of the output's scale.
  // Tolerance 1e-5 relative, floored at magnitude 1.
  double worst = 0;
  for (int i = 0; i < batch; ++i) {
    for (int k = 0; k < 6; ++k) {
      const double expected = ReferenceMember(weights, k, &x[i * 34]);
      const double error = std::abs(values[i * 6 + k] - expected) / std::max(1.0, std::abs(expected));
      worst = std::max(worst, error);
    }
  }
  EXPECT_LT(worst, 1e-5);
}

TEST(EigenEnsembleTest, MatchesDoublePrecisionReferenceWithTanh) {
  ExpectMatchesReference(polo::EnsembleSpec::TANH);
}

TEST(EigenEnsembleTest, MatchesDoublePrecisionReferenceWithRelu) {
  ExpectMatchesReference(polo::EnsembleSpec::RELU);
}

TEST(EigenEnsembleTest, BatchRowsAreIndependentOfBatchSize) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(5, 3, {8}, polo::EnsembleSpec::TANH, 1.0), 2);
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(weights);
  const std::vector<double> x = RandomFeatures(40, 5, 4);
  std::vector<double> all(40 * 3), one(3);
  ensemble->EvaluateMembers(x.data(), 40, all.data());
  for (int i = 0; i < 40; i += 13) {
    ensemble->EvaluateMembers(&x[i * 5], 1, one.data());
    for (int k = 0; k < 3; ++k) {
      // Same float operations per column, but GEMM kernels may sum in a
      // different order for a single column: allow float rounding.
      EXPECT_NEAR(one[k], all[i * 3 + k], 1e-6 * std::max(1.0, std::abs(one[k])));
    }
  }
}

TEST(EigenEnsembleTest, NetsWithoutHiddenLayersAreLinear) {
  polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(2, 2, {}, polo::EnsembleSpec::RELU, 0.5), 5);
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(weights);
  const double x[2] = {0.25, -1.5};
  double values[2];
  ensemble->EvaluateMembers(x, 1, values);
  for (int k = 0; k < 2; ++k) EXPECT_NEAR(values[k], ReferenceMember(weights, k, x), 1e-6);
}

TEST(EigenEnsembleTest, CreateRejectsWrongShapeNamingTheField) {
  polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(4, 3, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
  weights.mutable_members(2)->mutable_trained()->mutable_layers(1)->mutable_weights()->Truncate(
      250);
  absl::StatusOr<std::unique_ptr<EigenEnsemble>> ensemble = EigenEnsemble::Create(weights);
  EXPECT_EQ(ensemble.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ensemble.status().message(),
            "members[2].trained.layers[1].weights: has 250 values, expected 256");
}

TEST(EigenEnsembleTest, CreateRejectsNanWeightsNamingTheField) {
  polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(4, 3, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
  weights.mutable_members(0)->mutable_trained()->mutable_layers(0)->set_weights(
      5, std::numeric_limits<float>::quiet_NaN());
  absl::StatusOr<std::unique_ptr<EigenEnsemble>> ensemble = EigenEnsemble::Create(weights);
  EXPECT_EQ(ensemble.status().message(),
            "members[0].trained.layers[0].weights[5]: is nan, expected a finite value");
}

TEST(EigenEnsembleAggregateTest, ZeroKappaIsExactlyTheMean) {
  const double v[4] = {0.1, -2.7, 3.3, 1e-3};
  double out;
  EigenEnsemble::Aggregate(v, 1, 4, 0.0, &out);
  EXPECT_EQ(out, (0.1 + -2.7 + 3.3 + 1e-3) / 4);
}

TEST(EigenEnsembleAggregateTest, SmallKappaApproachesTheMean) {
  // (1/κ) log mean exp(κ V) = mean + (κ/2)·variance + O(κ²) (third
  // cumulant, here |κ²·κ3/6| < 3e-7 at κ = 1e-3): tolerance 10κ². At
  // κ = 1e-8 the variance term is ≈ 2.4e-8 and must survive to ~1e-14,
  // which a naive log(Σ exp) / κ would lose (rounding 1e-16 / κ = 1e-8).
  const double v[4] = {0.1, -2.7, 3.3, 1e-3};
  const double mean = (0.1 + -2.7 + 3.3 + 1e-3) / 4;
  double variance = 0;
  for (double x : v) variance += (x - mean) * (x - mean) / 4;
  for (double kappa : {1e-3, 1e-8, 1e-12}) {
    double out;
    EigenEnsemble::Aggregate(v, 1, 4, kappa, &out);
    EXPECT_NEAR(out, mean + 0.5 * kappa * variance, 10 * kappa * kappa + 1e-14) << kappa;
  }
}

TEST(EigenEnsembleAggregateTest, LargeKappaApproachesTheMax) {
  // Exactly max - log(K)/κ when one member is far above the others.
  const double v[3] = {1.0, 5.0, -4.0};
  double out;
  EigenEnsemble::Aggregate(v, 1, 3, 100.0, &out);
  EXPECT_NEAR(out, 5.0 - std::log(3.0) / 100.0, 1e-12);
  EigenEnsemble::Aggregate(v, 1, 3, 1e8, &out);
  EXPECT_NEAR(out, 5.0, 1e-7);
  // Negative κ is pessimism: towards the min.
  EigenEnsemble::Aggregate(v, 1, 3, -1e8, &out);
  EXPECT_NEAR(out, -4.0, 1e-7);
}

TEST(EigenEnsembleAggregateTest, DoesNotOverflowForLargeValues) {
  // exp(10 · 1000) overflows a double; the shifted form must not.
  const double v[2 * 3] = {1000.0, 1001.0, 999.0, -1000.0, -1002.0, -1001.0};
  double out[2];
  EigenEnsemble::Aggregate(v, 2, 3, 10.0, out);
  const double expected0 =
      1001.0 + std::log((std::exp(-10.0) + 1.0 + std::exp(-20.0)) / 3.0) / 10.0;
  const double expected1 =
      -1000.0 + std::log((1.0 + std::exp(-20.0) + std::exp(-10.0)) / 3.0) / 10.0;
  EXPECT_NEAR(out[0], expected0, 1e-12);
  EXPECT_NEAR(out[1], expected1, 1e-12);
}

TEST(EigenEnsembleAggregateTest, LiesBetweenMeanAndMaxForPositiveKappa) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(0.0, 3.0);
  for (int trial = 0; trial < 100; ++trial) {
    double v[6];
    for (double& x : v) x = normal(rng);
    double out;
    EigenEnsemble::Aggregate(v, 1, 6, 0.7, &out);
    double mean = 0;
    for (double x : v) mean += x / 6;
    EXPECT_GE(out, mean - 1e-12);
    EXPECT_LE(out, *std::max_element(v, v + 6) + 1e-12);
  }
}

}  // namespace
}  // namespace polo::learner
