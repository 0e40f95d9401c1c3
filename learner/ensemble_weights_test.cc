#include "learner/ensemble_weights.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "learner/test_weights.h"

namespace polo::learner {
namespace {

polo::EnsembleWeights ThreeByTwoLayer() {
  // 4 features, 3 members, hidden {16, 16}: layer 1 is 16 × 16 = 256 weights.
  return RandomEnsembleWeights(MakeSpec(4, 3, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 1);
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

TEST(EnsembleWeightsTest, AcceptsWellFormedWeights) {
  EXPECT_TRUE(ValidateEnsembleWeights(ThreeByTwoLayer()).ok());
}

TEST(EnsembleWeightsTest, RejectsWrongWeightCountNamingTheField) {
  polo::EnsembleWeights weights = ThreeByTwoLayer();
  weights.mutable_members(2)->mutable_trained()->mutable_layers(1)->mutable_weights()->Truncate(
      250);
  const absl::Status status = ValidateEnsembleWeights(weights);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "members[2].trained.layers[1].weights: has 250 values, expected 256");
}

TEST(EnsembleWeightsTest, RejectsNanNamingTheField) {
  polo::EnsembleWeights weights = ThreeByTwoLayer();
  weights.mutable_members(1)->mutable_prior()->mutable_layers(2)->set_bias(
      0, std::numeric_limits<float>::quiet_NaN());
  const absl::Status status = ValidateEnsembleWeights(weights);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "members[1].prior.layers[2].bias[0]: is nan, expected a finite value");
}

TEST(EnsembleWeightsTest, RejectsInfiniteNormalisationNamingTheField) {
  polo::EnsembleWeights weights = ThreeByTwoLayer();
  weights.mutable_normalisation()->set_scale(3, std::numeric_limits<double>::infinity());
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "normalisation.scale[3]: is inf, expected a finite value");
}

TEST(EnsembleWeightsTest, RejectsShapeMismatchesNamingTheField) {
  polo::EnsembleWeights weights = ThreeByTwoLayer();
  weights.mutable_members(0)->mutable_prior()->mutable_layers(1)->set_in_features(15);
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "members[0].prior.layers[1].in_features: is 15, expected 16");

  weights = ThreeByTwoLayer();
  weights.mutable_members()->RemoveLast();
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(), "members: has 2 values, expected 3");

  weights = ThreeByTwoLayer();
  weights.mutable_members(1)->mutable_trained()->mutable_layers()->RemoveLast();
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "members[1].trained.layers: has 2 layers, expected 3");

  weights = ThreeByTwoLayer();
  weights.mutable_normalisation()->mutable_offset()->RemoveLast();
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "normalisation.offset: has 3 values, expected 4");
}

TEST(EnsembleWeightsTest, RejectsBadSpecNamingTheField) {
  polo::EnsembleWeights weights = ThreeByTwoLayer();
  weights.mutable_spec()->set_activation(polo::EnsembleSpec::ACTIVATION_UNSPECIFIED);
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "spec.activation: is 0, expected TANH or RELU");
  weights = ThreeByTwoLayer();
  weights.mutable_spec()->set_hidden_sizes(1, 0);
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "spec.hidden_sizes[1]: is 0, expected in [1, 65536]");
  weights = ThreeByTwoLayer();
  weights.mutable_spec()->set_prior_scale(-1);
  EXPECT_EQ(ValidateEnsembleWeights(weights).message(),
            "spec.prior_scale: is -1, expected finite and >= 0");
  for (double bad : {0.0, -2.0, std::numeric_limits<double>::infinity()}) {
    weights = ThreeByTwoLayer();
    weights.mutable_spec()->set_value_scale(bad);
    EXPECT_NE(ValidateEnsembleWeights(weights).message().find("spec.value_scale: is "),
              std::string::npos)
        << bad;
  }
  weights = ThreeByTwoLayer();
  weights.mutable_spec()->set_value_scale(100.0);
  EXPECT_TRUE(ValidateEnsembleWeights(weights).ok());
  for (double bad : {std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    weights = ThreeByTwoLayer();
    weights.mutable_spec()->set_value_offset(bad);
    EXPECT_NE(ValidateEnsembleWeights(weights).message().find("spec.value_offset: is "),
              std::string::npos)
        << bad;
  }
  weights = ThreeByTwoLayer();
  weights.mutable_spec()->set_value_offset(-5.0);
  EXPECT_TRUE(ValidateEnsembleWeights(weights).ok());
}

TEST(EnsembleWeightsTest, SaveThenLoadReturnsIdenticalWeights) {
  const polo::EnsembleWeights weights = ThreeByTwoLayer();
  const std::string path = TempPath("weights.pb");
  ASSERT_TRUE(SaveEnsembleWeights(weights, path).ok());
  absl::StatusOr<polo::EnsembleWeights> loaded = LoadEnsembleWeights(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->SerializeAsString(), weights.SerializeAsString());
}

TEST(EnsembleWeightsTest, SaveRefusesInvalidWeightsAndKeepsTheOldFile) {
  const polo::EnsembleWeights good = ThreeByTwoLayer();
  const std::string path = TempPath("kept.pb");
  ASSERT_TRUE(SaveEnsembleWeights(good, path).ok());
  polo::EnsembleWeights bad = good;
  bad.mutable_members()->RemoveLast();
  const absl::Status status = SaveEnsembleWeights(bad, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(path), std::string::npos) << status;
  absl::StatusOr<polo::EnsembleWeights> loaded = LoadEnsembleWeights(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->SerializeAsString(), good.SerializeAsString());
}

TEST(EnsembleWeightsTest, LoadErrorsNameThePath) {
  const std::string missing = TempPath("missing.pb");
  absl::StatusOr<polo::EnsembleWeights> loaded = LoadEnsembleWeights(missing);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(loaded.status().message().find(missing), std::string::npos);

  const std::string garbage = TempPath("garbage.pb");
  std::ofstream(garbage) << "\xff\xff\xff not a proto";
  loaded = LoadEnsembleWeights(garbage);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find(garbage), std::string::npos);

  // Parsable but invalid: an empty message has no spec.
  const std::string empty = TempPath("empty.pb");
  std::ofstream(empty).flush();
  loaded = LoadEnsembleWeights(empty);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loaded.status().message(),
            empty + ": spec.num_features: is 0, expected in [1, 65536]");
}

}  // namespace
}  // namespace polo::learner
