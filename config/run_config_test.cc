#include "config/run_config.h"

#include <limits>
#include <memory>

#include <gtest/gtest.h>

#include "models/registry.h"

namespace polo::config {
namespace {

polo::RunConfig HumanoidConfig() {
  polo::RunConfig c = DefaultRunConfig();
  c.set_task("humanoid_getup");
  c.set_total_steps(12000);
  return c;
}

TEST(KappaAtTest, WithoutFinalKappaIsKappaThroughout) {
  polo::RunConfig c = HumanoidConfig();
  c.set_kappa(2.5);
  EXPECT_EQ(KappaAt(c, 0), 2.5);
  EXPECT_EQ(KappaAt(c, 12000), 2.5);
  EXPECT_EQ(KappaAt(c, 50000), 2.5);
}

TEST(KappaAtTest, FinalKappaIsReachedLinearlyAtTotalStepsAndHeld) {
  polo::RunConfig c = HumanoidConfig();
  c.set_kappa(1.0);
  c.set_final_kappa(0.0);
  EXPECT_EQ(KappaAt(c, 0), 1.0);
  EXPECT_DOUBLE_EQ(KappaAt(c, 3000), 0.75);
  EXPECT_NEAR(KappaAt(c, 11400), 0.05, 1e-12);
  EXPECT_EQ(KappaAt(c, 12000), 0.0);
  EXPECT_EQ(KappaAt(c, 20000), 0.0);
  c.set_final_kappa(3.0);  // Rising works the same way.
  EXPECT_DOUBLE_EQ(KappaAt(c, 6000), 2.0);
}

TEST(ValidateRunConfigTest, FinalKappaMustBeFiniteAndNeedsAnEnd) {
  std::unique_ptr<models::Task> task = *models::MakeTask("humanoid_getup");
  polo::RunConfig c = HumanoidConfig();
  CompleteRunConfig(*task, &c);
  c.set_final_kappa(0.0);
  EXPECT_TRUE(ValidateRunConfig(c, *task).ok());
  c.set_final_kappa(std::numeric_limits<double>::infinity());
  EXPECT_EQ(ValidateRunConfig(c, *task).message(), "final_kappa: got inf, expected finite");
  c.set_final_kappa(0.0);
  c.set_total_steps(0);
  EXPECT_EQ(ValidateRunConfig(c, *task).message(),
            "final_kappa: got 0, expected absent when total_steps is 0 (the schedule ends at "
            "total_steps)");
}

}  // namespace
}  // namespace polo::config
