#include "experiments/value/correlation.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace polo::experiments {
namespace {

TEST(CorrelationTest, PearsonOfLinearAndHandComputedData) {
  EXPECT_DOUBLE_EQ(Pearson({1, 2, 3, 4}, {3, 5, 7, 9}), 1.0);
  EXPECT_DOUBLE_EQ(Pearson({1, 2, 3, 4}, {-1, -2, -3, -4}), -1.0);
  // x = (1, 2, 3), y = (1, 3, 2): centred (-1, 0, 1) and (-1, 1, 0),
  // r = 1 / sqrt(2 * 2) = 0.5.
  EXPECT_NEAR(Pearson({1, 2, 3}, {1, 3, 2}), 0.5, 1e-15);
}

TEST(CorrelationTest, PearsonIsNanForConstantEmptyOrMismatched) {
  EXPECT_TRUE(std::isnan(Pearson({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(Pearson({}, {})));
  EXPECT_TRUE(std::isnan(Pearson({1, 2}, {1, 2, 3})));
}

TEST(CorrelationTest, RanksShareTiesAverage) {
  EXPECT_EQ(Ranks({10, -1, 10, 3}), (std::vector<double>{2.5, 0, 2.5, 1}));
  EXPECT_EQ(Ranks({}), std::vector<double>{});
}

TEST(CorrelationTest, SpearmanSeesOrderNotScale) {
  // Monotone but not linear: Spearman 1, Pearson below 1.
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {1, 4, 9, 100, 1000};
  EXPECT_DOUBLE_EQ(Spearman(x, y), 1.0);
  EXPECT_LT(Pearson(x, y), 0.9);
  EXPECT_DOUBLE_EQ(Spearman(x, {5, 4, 3, 2, 1}), -1.0);
}

}  // namespace
}  // namespace polo::experiments
