#include "models/mujoco_test_util.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

namespace polo::models::testing {
namespace {

static_assert(mjNWARNING == 8, "update kWarningNames for this MuJoCo version");
constexpr const char* kWarningNames[mjNWARNING] = {
    "mjWARN_INERTIA", "mjWARN_CONTACTFULL", "mjWARN_CNSTRFULL", "mjWARN_VGEOMFULL",
    "mjWARN_BADQPOS", "mjWARN_BADQVEL",     "mjWARN_BADQACC",   "mjWARN_BADCTRL",
};

void FailOnWarning(const char* message) { ADD_FAILURE() << "MuJoCo warning: " << message; }

}  // namespace

::testing::AssertionResult HasNoMujocoWarnings(const mjData* d) {
  bool any = false;
  ::testing::AssertionResult result = ::testing::AssertionFailure();
  for (int i = 0; i < mjNWARNING; ++i) {
    if (d->warning[i].number == 0) continue;
    any = true;
    result << kWarningNames[i] << " x" << d->warning[i].number << " (last info "
           << d->warning[i].lastinfo << "); ";
  }
  if (!any) return ::testing::AssertionSuccess();
  return result;
}

::testing::AssertionResult StepWithoutWarnings(const mjModel* m, mjData* d, int n) {
  for (int step = 0; step < n; ++step) {
    mj_step(m, d);
    ::testing::AssertionResult result = HasNoMujocoWarnings(d);
    if (!result) return result << "at step " << step << " of " << n;
  }
  return ::testing::AssertionSuccess();
}

void MujocoWarningTest::SetUp() {
  previous_handler_ = mju_user_warning;
  mju_user_warning = &FailOnWarning;
}

void MujocoWarningTest::TearDown() { mju_user_warning = previous_handler_; }

}  // namespace polo::models::testing
