// Test helpers for MuJoCo code (testonly): turning MuJoCo warnings into test
// failures, as MuJoCo's own tests do.
//
// - HasNoMujocoWarnings(d): an assertion on d->warning[i].number.
// - StepWithoutWarnings(m, d, n): steps n times with the current controls and
//   asserts that no warning appeared.
// - MujocoWarningTest: a fixture that, for the test's duration, routes
//   MuJoCo's warning callback (mju_user_warning, e.g. "Nan, Inf or huge value
//   in QACC") into ADD_FAILURE.
//
// Thread-safety: the fixture swaps a process-wide MuJoCo callback; gtest runs
// tests one at a time, which is all it supports.
#ifndef POLO_MODELS_MUJOCO_TEST_UTIL_H_
#define POLO_MODELS_MUJOCO_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

namespace polo::models::testing {

// Success if every d->warning[i].number is 0; otherwise the failure lists
// each warning's name, count and last info.
::testing::AssertionResult HasNoMujocoWarnings(const mjData* d);

// Runs mj_step n times (stopping at the first warning) and returns
// HasNoMujocoWarnings(d).
::testing::AssertionResult StepWithoutWarnings(const mjModel* m, mjData* d, int n);

class MujocoWarningTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

 private:
  void (*previous_handler_)(const char*) = nullptr;
};

}  // namespace polo::models::testing

#endif  // POLO_MODELS_MUJOCO_TEST_UTIL_H_
