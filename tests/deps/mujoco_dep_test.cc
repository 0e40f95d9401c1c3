// MuJoCo inside the build: an inline model loads, steps and obeys gravity.
#include <mujoco/mujoco.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

namespace {

constexpr char kFallingBall[] = R"(
<mujoco>
  <option timestep="0.001" gravity="0 0 -9.81" integrator="Euler"/>
  <worldbody>
    <body name="ball" pos="0 0 10">
      <freejoint/>
      <geom type="sphere" size="0.1" mass="1"/>
    </body>
  </worldbody>
</mujoco>)";

TEST(MujocoDepTest, InlineModelFallsAsGravitySays) {
  std::array<char, 1000> error{};
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  ASSERT_EQ(mj_makeEmptyFileVFS(&vfs, "ball.xml", sizeof(kFallingBall)), 0);
  std::memcpy(vfs.filedata[vfs.nfile - 1], kFallingBall, sizeof(kFallingBall));
  mjModel* m = mj_loadXML("ball.xml", &vfs, error.data(), error.size());
  mj_deleteVFS(&vfs);
  ASSERT_NE(m, nullptr) << error.data();
  EXPECT_EQ(m->nq, 7);
  EXPECT_EQ(m->nv, 6);

  mjData* d = mj_makeData(m);
  for (int i = 0; i < 1000; ++i) mj_step(m, d);  // 1 s of free fall.
  // Semi-implicit Euler: z = 10 - g*dt^2*n(n+1)/2, within 1 mm of 10 - g/2.
  EXPECT_NEAR(d->qpos[2], 10.0 - 0.5 * 9.81, 0.01);
  EXPECT_NEAR(d->qvel[2], -9.81, 1e-9);
  mj_deleteData(d);
  mj_deleteModel(m);
}

TEST(MujocoDepTest, BadXmlIsRejectedWithAMessage) {
  std::array<char, 1000> error{};
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  const char bad[] = "<mujoco><worldbody><body><geom type='nonsense'/></body></worldbody></mujoco>";
  ASSERT_EQ(mj_makeEmptyFileVFS(&vfs, "bad.xml", sizeof(bad)), 0);
  std::memcpy(vfs.filedata[vfs.nfile - 1], bad, sizeof(bad));
  mjModel* m = mj_loadXML("bad.xml", &vfs, error.data(), error.size());
  mj_deleteVFS(&vfs);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(error.data()).find("nonsense"), std::string::npos) << error.data();
}

}  // namespace
