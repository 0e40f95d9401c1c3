#include "learner/optimistic_value.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "learner/eigen_ensemble.h"
#include "learner/test_weights.h"

namespace polo::learner {
namespace {

std::vector<double> Features(int rows, int nf, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-2, 2);
  std::vector<double> x(static_cast<size_t>(rows) * nf);
  for (double& v : x) v = uniform(rng);
  return x;
}

TEST(OptimisticValueTest, EvaluatesEquationSixOverTheMembers) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(6, 4, {16, 16}, polo::EnsembleSpec::TANH, 2.0), 21);
  std::unique_ptr<OptimisticValue> value = *OptimisticValue::Create(weights, 3.0);
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(weights);
  EXPECT_EQ(value->num_features(), 6);
  EXPECT_EQ(value->version(), 7u);
  const std::vector<double> x = Features(50, 6, 1);
  std::vector<double> members(50 * 4), expected(50), actual(50);
  ensemble->EvaluateMembers(x.data(), 50, members.data());
  EigenEnsemble::Aggregate(members.data(), 50, 4, 3.0, expected.data());
  value->Evaluate(x.data(), 50, actual.data());
  // Same code path on the same inputs: identical.
  EXPECT_EQ(actual, expected);
  for (int i = 0; i < 50; ++i) {
    double mean = 0, max = -1e300;
    for (int k = 0; k < 4; ++k) {
      mean += members[i * 4 + k] / 4;
      max = std::max(max, members[i * 4 + k]);
    }
    EXPECT_GT(actual[i], mean - 1e-12);  // Optimistic: never below the mean.
    EXPECT_LE(actual[i], max + 1e-12);
  }
}

TEST(OptimisticValueTest, CreateRejectsNonFiniteKappa) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(6, 4, {16}, polo::EnsembleSpec::TANH, 1.0), 1);
  auto value = OptimisticValue::Create(weights, std::numeric_limits<double>::infinity());
  EXPECT_EQ(value.status().message(), "kappa: is inf, expected finite");
}

TEST(OptimisticValueTest, SetWeightsSwapsWeightsAndKeepsThemOnError) {
  const polo::EnsembleWeights first =
      RandomEnsembleWeights(MakeSpec(6, 4, {16}, polo::EnsembleSpec::TANH, 1.0), 1);
  polo::EnsembleWeights second =
      RandomEnsembleWeights(MakeSpec(6, 3, {8, 8}, polo::EnsembleSpec::RELU, 1.0), 2);
  second.set_version(8);
  std::unique_ptr<OptimisticValue> value = *OptimisticValue::Create(first, 0.0);
  const std::vector<double> x = Features(10, 6, 3);
  std::vector<double> out(10), expected(10), members(10 * 3);
  value->Evaluate(x.data(), 10, out.data());

  ASSERT_TRUE(value->SetWeights(second).ok());
  EXPECT_EQ(value->version(), 8u);
  value->Evaluate(x.data(), 10, out.data());
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(second);
  ensemble->EvaluateMembers(x.data(), 10, members.data());
  EigenEnsemble::Aggregate(members.data(), 10, 3, 0.0, expected.data());
  EXPECT_EQ(out, expected);

  const polo::EnsembleWeights wrong_width =
      RandomEnsembleWeights(MakeSpec(5, 3, {8}, polo::EnsembleSpec::RELU, 1.0), 2);
  const absl::Status status = value->SetWeights(wrong_width);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "spec.num_features: is 5, expected 6 (the planner's feature length)");
  EXPECT_EQ(value->version(), 8u);
}

TEST(OptimisticValueTest, SetWeightsWithKappaChangesTheAggregate) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(6, 4, {16}, polo::EnsembleSpec::TANH, 1.0), 1);
  std::unique_ptr<OptimisticValue> value = *OptimisticValue::Create(weights, 1.0);
  const std::vector<double> x = Features(10, 6, 3);
  std::vector<double> out(10), expected(10), members(10 * 4);
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(weights);
  ensemble->EvaluateMembers(x.data(), 10, members.data());

  ASSERT_TRUE(value->SetWeights(weights, 0.0).ok());
  EXPECT_EQ(value->kappa(), 0.0);
  value->Evaluate(x.data(), 10, out.data());
  EigenEnsemble::Aggregate(members.data(), 10, 4, 0.0, expected.data());
  EXPECT_EQ(out, expected);

  const absl::Status status = value->SetWeights(weights, std::nan(""));
  EXPECT_EQ(status.message(), "kappa: is nan, expected finite");
  EXPECT_EQ(value->kappa(), 0.0);
}

}  // namespace
}  // namespace polo::learner
