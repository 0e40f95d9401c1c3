#include "config/run_flags.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "config/presets.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace polo::config {
namespace {

TEST(RunFlagsTest, EveryRowNamesARunConfigFieldAndAFlagOfItsOwn) {
  std::vector<std::string> seen;
  for (const RunFlag& row : RunFlags()) {
    SCOPED_TRACE(row.flag);
    const google::protobuf::Descriptor* d = polo::RunConfig::descriptor();
    const google::protobuf::FieldDescriptor* f = nullptr;
    for (const absl::string_view part : absl::StrSplit(row.field, '.')) {
      ASSERT_NE(d, nullptr) << row.field;
      f = d->FindFieldByName(std::string(part));
      ASSERT_NE(f, nullptr) << row.field;
      d = f->message_type();
    }
    EXPECT_EQ(f->is_repeated(), row.parse == RunFlag::Parse::kWidths);
    EXPECT_EQ(FindRunFlag(row.flag), &row);
    for (const std::string& s : seen) EXPECT_NE(s, row.flag);
    seen.push_back(row.flag);
  }
}

TEST(RunFlagsTest, HelpPrintsThePapersDefaultAndEveryTaskThatDiffers) {
  EXPECT_EQ(RunFlagHelp("update_every"),
            "Z: agent steps between updates (default 16; adroit_cube, adroit_cube_uniform, "
            "hand_cube, hand_cube_dapg, hand_cube_near, hand_cube_near_dapg 25)");
  EXPECT_EQ(RunFlagHelp("learning_rate"),
            "Adam learning rate (default 0.001; point_mass_box, point_mass_goal, point_mass_maze "
            "0.01)");
  EXPECT_EQ(RunFlagHelp("value_offset").substr(RunFlagHelp("value_offset").find("(default")),
            "(default 0; adroit_cube, adroit_cube_uniform, hand_cube, hand_cube_dapg, "
            "hand_cube_near, hand_cube_near_dapg -5)");
  EXPECT_EQ(RunFlagHelp("no_such_flag"), "");
}

TEST(RunFlagsTest, ATableRowSetsItsFieldAndRefusesWhatTheFieldCannotHold) {
  polo::RunConfig c;
  ASSERT_TRUE(ApplyRunFlag(*FindRunFlag("update_every"), "7", &c).ok());
  EXPECT_EQ(c.training().update_every(), 7);
  ASSERT_TRUE(ApplyRunFlag(*FindRunFlag("hidden_sizes"), "8,4", &c).ok());
  ASSERT_EQ(c.ensemble().hidden_sizes_size(), 2);
  EXPECT_EQ(c.ensemble().hidden_sizes(1), 4);
  ASSERT_TRUE(ApplyRunFlag(*FindRunFlag("target_mode"), "per_member", &c).ok());
  EXPECT_TRUE(c.targets().per_member());
  ASSERT_TRUE(ApplyRunFlag(*FindRunFlag("value_scale"), "2.5", &c).ok());
  EXPECT_TRUE(c.ensemble().has_value_scale());
  EXPECT_EQ(c.ensemble().value_scale(), 2.5);
  EXPECT_EQ(ApplyRunFlag(*FindRunFlag("target_states"), "-1", &c).message(),
            "--target_states: got \"-1\", expected >= 0");
  EXPECT_EQ(ApplyRunFlag(*FindRunFlag("hidden_sizes"), "", &c).message(),
            "--hidden_sizes: got \"\", expected comma-separated widths >= 1, e.g. 16,16");
  EXPECT_EQ(ApplyRunFlag(*FindRunFlag("target_mode"), "both", &c).message(),
            "--target_mode: got \"both\", expected shared or per_member");
  EXPECT_EQ(ApplyRunFlag(*FindRunFlag("kappa"), "x", &c).message(),
            "--kappa: got \"x\", expected a number");
}

TEST(RunFlagsTest, FieldErrorsReadInFlagTerms) {
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError(
                            "ensemble.spec.value_scale: is 0, expected finite and > 0"))
                .message(),
            "--value_scale: is 0, expected finite and > 0");
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("mppi.num_rollouts: is 0, expected >= 1"))
                .message(),
            "--rollouts: is 0, expected >= 1");
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("ensemble.hidden_sizes[1]: is 0")).message(),
            "--hidden_sizes[1]: is 0");
  // A field name is matched whole: "kappa" is not the start of "kappa_x".
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("kappa_x: bad")).message(), "kappa_x: bad");
  EXPECT_EQ(InFlagTerms(absl::InvalidArgumentError("final_kappa: bad")).message(),
            "--final_kappa: bad");
}

}  // namespace
}  // namespace polo::config
