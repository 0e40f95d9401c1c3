#include "planner/mppi_flags.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "absl/flags/flag.h"

namespace polo::planner {
namespace {

MppiSettings Preset() {
  MppiSettings preset;
  preset.rollouts.horizon = 32;
  preset.rollouts.num_rollouts = 64;
  preset.temperature = 0.003;
  preset.temperature_mode = TemperatureMode::kAbsolute;
  return preset;
}

TEST(MppiFlagsTest, FlagsNotGivenKeepThePresetsValues) {
  absl::StatusOr<MppiSettings> s = MppiSettingsFromFlags(Preset());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rollouts.horizon, 32);
  EXPECT_EQ(s->rollouts.num_rollouts, 64);
  EXPECT_EQ(s->temperature, 0.003);
  EXPECT_EQ(s->temperature_mode, TemperatureMode::kAbsolute);
  EXPECT_TRUE(s->rollouts.with_reward);
  // Without a preset: MppiSettings' own defaults.
  s = MppiSettingsFromFlags();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rollouts.horizon, MppiSettings().rollouts.horizon);
  EXPECT_EQ(s->temperature_mode, MppiSettings().temperature_mode);
}

// A flag given with the value that is MppiSettings' default still wins over
// the preset (--temperature_mode=normalized on a point-mass world).
TEST(MppiFlagsTest, FlagsGivenOverrideThePresetEvenAtTheDefaultValue) {
  absl::SetFlag(&FLAGS_horizon, 64);
  absl::SetFlag(&FLAGS_temperature_mode, "normalized");
  absl::StatusOr<MppiSettings> s = MppiSettingsFromFlags(Preset());
  absl::SetFlag(&FLAGS_horizon, std::nullopt);
  absl::SetFlag(&FLAGS_temperature_mode, "");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rollouts.horizon, 64);
  EXPECT_EQ(s->temperature_mode, TemperatureMode::kNormalized);
  EXPECT_EQ(s->rollouts.num_rollouts, 64);  // Not given: the preset's.
}

TEST(MppiFlagsTest, BadValuesNameTheFlag) {
  absl::SetFlag(&FLAGS_temperature_mode, "hot");
  absl::StatusOr<MppiSettings> s = MppiSettingsFromFlags(Preset());
  absl::SetFlag(&FLAGS_temperature_mode, "");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("--temperature_mode: got \"hot\""), std::string::npos)
      << s.status();
  absl::SetFlag(&FLAGS_rollouts, 0);
  s = MppiSettingsFromFlags();
  absl::SetFlag(&FLAGS_rollouts, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().rfind("--rollouts:", 0), 0u) << s.status();
}

}  // namespace
}  // namespace polo::planner
