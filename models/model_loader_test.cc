#include "models/model_loader.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "models/embedded_models.h"
#include "models/mujoco_test_util.h"

namespace polo::models {
namespace {

using ::polo::models::testing::HasNoMujocoWarnings;
using ::polo::models::testing::StepWithoutWarnings;

class PointMassModelTest : public testing::MujocoWarningTest {};
class HumanoidModelTest : public testing::MujocoWarningTest {};
class HumanoidBoxModelTest : public testing::MujocoWarningTest {};

UniqueMjModel Load(std::string_view file) {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel(file);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

TEST(EmbeddedModelsTest, EmbedsTheSixProjectModels) {
  std::vector<std::string_view> files = EmbeddedModelFiles();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string_view>{"adroit_cube.xml", "hand_cube.xml", "humanoid.xml",
                                                  "humanoid_box.xml", "point_mass_box.xml",
                                                  "point_mass_maze.xml"}));
  for (std::string_view file : files) {
    EXPECT_NE(EmbeddedModelXml(file).find("<mujoco model="), std::string_view::npos) << file;
  }
  EXPECT_TRUE(EmbeddedModelXml("missing.xml").empty());
}

TEST(ModelLoaderTest, BrokenXmlIsInvalidArgumentWithMujocosMessage) {
  absl::StatusOr<UniqueMjModel> model = LoadModelFromXml(
      "<mujoco><worldbody><geom type='nonsense'/></worldbody></mujoco>", "bad.xml");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(model.status().message());
  EXPECT_NE(message.find("bad.xml"), std::string::npos) << message;
  EXPECT_NE(message.find("XML Error: invalid keyword: 'nonsense'"), std::string::npos) << message;
}

TEST(ModelLoaderTest, MalformedXmlIsInvalidArgument) {
  absl::StatusOr<UniqueMjModel> model = LoadModelFromXml("<mujoco><worldbody><body></mujoco>");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("XML_ERROR_MISMATCHED_ELEMENT"), std::string::npos)
      << model.status();
}

TEST(ModelLoaderTest, UnknownEmbeddedFileIsNotFoundListingTheFiles) {
  absl::StatusOr<UniqueMjModel> model = LoadEmbeddedModel("nope.xml");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(model.status().message().find("nope.xml"), std::string::npos) << model.status();
  EXPECT_NE(model.status().message().find("humanoid.xml"), std::string::npos) << model.status();
}

TEST_F(HumanoidModelTest, Has27DofsAnd21UnitRangeMotorsWithStockGears) {
  UniqueMjModel m = Load("humanoid.xml");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nq, 28);
  EXPECT_EQ(m->nv, 27);
  EXPECT_EQ(m->nu, 21);
  EXPECT_EQ(m->njnt, 22);  // free root + 21 hinges
  EXPECT_EQ(m->opt.timestep, 0.008);
  const double stock_gears[21] = {40,  40, 40, 40, 40, 120, 80, 20, 20, 40, 40,
                                  120, 80, 20, 20, 20, 20,  40, 20, 20, 40};
  for (int i = 0; i < m->nu; ++i) {
    EXPECT_EQ(m->actuator_gear[6 * i], stock_gears[i]) << "actuator " << i;
    EXPECT_TRUE(m->actuator_ctrllimited[i]);
    EXPECT_EQ(m->actuator_ctrlrange[2 * i], -1.0);
    EXPECT_EQ(m->actuator_ctrlrange[2 * i + 1], 1.0);
  }
  int touch_sensors = 0;
  for (int i = 0; i < m->nsensor; ++i) touch_sensors += m->sensor_type[i] == mjSENS_TOUCH;
  EXPECT_EQ(touch_sensors, 5);
}

TEST_F(HumanoidModelTest, StandsOnTheFloorAtQpos0WithoutPenetration) {
  UniqueMjModel m = Load("humanoid.xml");
  ASSERT_NE(m, nullptr);
  UniqueMjData d(mj_makeData(m.get()));
  mj_forward(m.get(), d.get());
  ASSERT_GT(d->ncon, 0);
  for (int i = 0; i < d->ncon; ++i) {
    EXPECT_NEAR(d->contact[i].dist, 0.0, 1e-9) << "contact " << i;  // touching, not inside
  }
  EXPECT_TRUE(HasNoMujocoWarnings(d.get()));
}

TEST_F(HumanoidModelTest, RandomFullRangeControlRaisesNoWarnings) {
  UniqueMjModel m = Load("humanoid.xml");
  ASSERT_NE(m, nullptr);
  UniqueMjData d(mj_makeData(m.get()));
  // 3 s of bang-bang control (the harshest in range), switching every 5 steps.
  for (int block = 0; block < 75; ++block) {
    for (int i = 0; i < m->nu; ++i) d->ctrl[i] = ((block * 7 + i * 3) % 5 < 2) ? 1.0 : -1.0;
    ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 5));
  }
}

TEST_F(HumanoidBoxModelTest, HumanoidPartMatchesHumanoidXml) {
  UniqueMjModel h = Load("humanoid.xml");
  UniqueMjModel b = Load("humanoid_box.xml");
  ASSERT_NE(h, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->nq, h->nq + 7);
  EXPECT_EQ(b->nv, h->nv + 6);
  EXPECT_EQ(b->nu, h->nu);
  EXPECT_EQ(b->opt.timestep, h->opt.timestep);
  // The humanoid comes first in both, so its bodies, joints and actuators have the same ids.
  for (int i = 0; i < h->nbody; ++i) {
    EXPECT_STREQ(mj_id2name(b.get(), mjOBJ_BODY, i), mj_id2name(h.get(), mjOBJ_BODY, i));
    EXPECT_EQ(b->body_mass[i], h->body_mass[i]) << mj_id2name(h.get(), mjOBJ_BODY, i);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(b->body_inertia[3 * i + k], h->body_inertia[3 * i + k]);
  }
  for (int j = 0; j < h->njnt; ++j) {
    EXPECT_EQ(b->jnt_range[2 * j], h->jnt_range[2 * j]) << j;
    EXPECT_EQ(b->jnt_range[2 * j + 1], h->jnt_range[2 * j + 1]) << j;
    EXPECT_EQ(b->jnt_stiffness[j], h->jnt_stiffness[j]) << j;
  }
  for (int v = 0; v < h->nv; ++v) {
    EXPECT_EQ(b->dof_damping[v], h->dof_damping[v]) << v;
    EXPECT_EQ(b->dof_armature[v], h->dof_armature[v]) << v;
  }
  for (int i = 0; i < h->nu; ++i) EXPECT_EQ(b->actuator_gear[6 * i], h->actuator_gear[6 * i]);
  EXPECT_EQ(b->nsensordata, h->nsensordata);
}

TEST_F(HumanoidBoxModelTest, CubeSitsOnTheFloorBetweenHumanoidAndTarget) {
  UniqueMjModel m = Load("humanoid_box.xml");
  ASSERT_NE(m, nullptr);
  UniqueMjData d(mj_makeData(m.get()));
  mj_forward(m.get(), d.get());
  const int box = mj_name2id(m.get(), mjOBJ_BODY, "box");
  const int target = mj_name2id(m.get(), mjOBJ_SITE, "target");
  ASSERT_GE(box, 0);
  ASSERT_GE(target, 0);
  EXPECT_EQ(d->xpos[3 * box], 1.5);
  EXPECT_EQ(d->xpos[3 * box + 2], 0.45);
  EXPECT_EQ(m->body_mass[box], 10.0);
  EXPECT_EQ(d->site_xpos[3 * target], 2.5);
  EXPECT_EQ(d->site_xpos[3 * target + 1], 0.0);
}

TEST_F(HumanoidBoxModelTest, CubeSlidesOnLowFriction) {
  UniqueMjModel m = Load("humanoid_box.xml");
  ASSERT_NE(m, nullptr);
  UniqueMjData d(mj_makeData(m.get()));
  const int box_qpos = m->jnt_qposadr[mj_name2id(m.get(), mjOBJ_JOINT, "box")];
  const int box_qvel = m->jnt_dofadr[mj_name2id(m.get(), mjOBJ_JOINT, "box")];
  d->qpos[0] = -3.0;  // the humanoid out of the way
  d->qvel[box_qvel] = 1.0;
  ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 375));  // 3 s, past the stop
  // Sliding friction mu = 0.05 stops 1 m/s after v^2 / (2 mu g) = 1.02 m (mu = 1: 0.05 m).
  EXPECT_NEAR(d->qpos[box_qpos] - 1.5, 1.02, 0.1);
  EXPECT_NEAR(d->qvel[box_qvel], 0.0, 1e-3);
}

TEST_F(PointMassModelTest, AgentCrossesTheBoxInAFewHundredStepsAndStopsAtTheWall) {
  UniqueMjModel m = Load("point_mass_box.xml");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nq, 2);
  EXPECT_EQ(m->nv, 2);
  EXPECT_EQ(m->nu, 2);
  UniqueMjData d(mj_makeData(m.get()));
  d->qpos[0] = -0.9;
  d->ctrl[0] = 1.0;
  int steps = 0;
  while (d->qpos[0] < 0.9 && steps < 1000) {
    ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 1));
    ++steps;
  }
  // 1.8 m at a terminal speed of 1 m/s after a 0.5 s time constant: about
  // 2.3 s, i.e. 115 steps of 0.02 s.
  EXPECT_GE(steps, 100);
  EXPECT_LE(steps, 130);
  ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 300));
  // Wall face at 1.0, agent radius 0.05: soft contact lets it in by millimetres.
  EXPECT_NEAR(d->qpos[0], 0.95, 0.01);
  EXPECT_NEAR(d->qpos[1], 0.0, 1e-12);
}

TEST_F(PointMassModelTest, MazeWallBlocksTheStraightPathFromTheStart) {
  UniqueMjModel m = Load("point_mass_maze.xml");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->nq, 2);
  EXPECT_EQ(m->nu, 2);
  UniqueMjData d(mj_makeData(m.get()));
  d->qpos[0] = -0.8;
  d->qpos[1] = -0.8;
  d->ctrl[0] = 1.0;
  ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 300));
  // The start cell's east wall is centred at x = -0.6, 0.04 m thick.
  EXPECT_NEAR(d->qpos[0], -0.6 - 0.02 - 0.05, 0.01);
  // Going north instead is open: the start is the entrance of a corridor.
  d->ctrl[0] = 0.0;
  d->ctrl[1] = 1.0;
  ASSERT_TRUE(StepWithoutWarnings(m.get(), d.get(), 100));
  EXPECT_GT(d->qpos[1], -0.3);
}

}  // namespace
}  // namespace polo::models
