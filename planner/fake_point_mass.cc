#include "planner/fake_point_mass.h"

#include <cmath>
#include <cstring>

#include "absl/base/internal/raw_logging.h"

namespace polo::planner {
namespace {

constexpr char kXml[] = R"(
<mujoco>
  <option timestep="0.02"/>
  <worldbody>
    <body name="mass">
      <joint name="x" type="slide" axis="1 0 0" damping="1"/>
      <joint name="y" type="slide" axis="0 1 0" damping="1"/>
      <geom type="sphere" size="0.05" mass="1" contype="0" conaffinity="0"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="x" gear="2" ctrlrange="-1 1" ctrllimited="true"/>
    <motor joint="y" gear="2" ctrlrange="-1 1" ctrllimited="true"/>
  </actuator>
</mujoco>)";

models::UniqueMjModel Load() {
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  mj_makeEmptyFileVFS(&vfs, "fake_point_mass.xml", sizeof(kXml));
  std::memcpy(vfs.filedata[vfs.nfile - 1], kXml, sizeof(kXml));
  char error[500] = "";
  mjModel* m = mj_loadXML("fake_point_mass.xml", &vfs, error, sizeof(error));
  mj_deleteVFS(&vfs);
  ABSL_RAW_CHECK(m != nullptr, error);  // A fixed string: a bug if it fails.
  return models::UniqueMjModel(m);
}

}  // namespace

FakePointMass::FakePointMass(enum Reward reward)
    : Task(reward == Reward::kLinear ? "fake_point_mass_linear" : "fake_point_mass_goal", Load()),
      reward_(reward) {}

double FakePointMass::GoalDistance(const double* xy) {
  return std::hypot(xy[0] - kGoal[0], xy[1] - kGoal[1]);
}

double FakePointMass::Reward(const mjModel*, const mjData* d) const {
  const double* xy = d->xpos + 3;  // Body 1; xpos describes s_t after mj_step.
  return reward_ == Reward::kLinear ? xy[0] + 0.5 * xy[1] : -GoalDistance(xy);
}

void FakePointMass::Features(const mjModel*, const mjData* d, double* x) const {
  x[0] = d->qpos[0];
  x[1] = d->qpos[1];
  x[2] = d->qvel[0];
  x[3] = d->qvel[1];
}

void FakePointMass::Reset(const mjModel* m, mjData* d, uint64_t) const {
  mj_resetData(m, d);
  mj_forward(m, d);
}

void FakePointMass::Metrics(const mjModel*, const mjData* d, double* metrics) const {
  metrics[0] = GoalDistance(d->qpos);
}

}  // namespace polo::planner
