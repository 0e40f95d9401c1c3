// Eigen and Abseil inside the build: a linear solve and StatusOr errors.
#include <Eigen/Dense>

#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace {

// Solves A x = b, or explains why not.
absl::StatusOr<Eigen::VectorXd> Solve(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
  if (a.rows() != b.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("b has ", b.size(), " rows, expected ", a.rows()));
  }
  Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
  if (!lu.isInvertible()) return absl::FailedPreconditionError("A is singular");
  return lu.solve(b);
}

TEST(EigenAbseilDepTest, SolvesWellPosedSystem) {
  Eigen::MatrixXd a(2, 2);
  a << 2, 1, 1, 3;
  Eigen::VectorXd b(2);
  b << 3, 5;
  absl::StatusOr<Eigen::VectorXd> x = Solve(a, b);
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_NEAR((*x)(0), 0.8, 1e-12);
  EXPECT_NEAR((*x)(1), 1.4, 1e-12);
}

TEST(EigenAbseilDepTest, ReportsMismatchedSizeAndSingularMatrix) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(2, 2);
  absl::StatusOr<Eigen::VectorXd> wrong = Solve(a, Eigen::VectorXd::Ones(3));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "b has 3 rows, expected 2");
  EXPECT_EQ(Solve(a, Eigen::VectorXd::Ones(2)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
