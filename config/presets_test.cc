// Every task's preset is the configuration its results were produced with:
// config/testdata/<task>.txtpb holds PresetRunConfig(task) as it was when
// the presets moved into the tasks (issue 26), so a change to a preset or a
// default shows here and must be made on purpose (regenerate the file and
// say why in the commit).
#include "config/presets.h"

#include <fstream>
#include <sstream>
#include <string>

#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "models/registry.h"

namespace polo::config {
namespace {

TEST(PresetsTest, EveryTaskStartsFromItsRecordedPreset) {
  for (const std::string& name : models::TaskNames()) {
    SCOPED_TRACE(name);
    std::ifstream in("config/testdata/" + name + ".txtpb");
    ASSERT_TRUE(in.good()) << "no config/testdata/" << name << ".txtpb";
    std::stringstream text;
    text << in.rdbuf();
    polo::RunConfig expected;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &expected));
    absl::StatusOr<polo::RunConfig> preset = PresetRunConfig(name);
    ASSERT_TRUE(preset.ok()) << preset.status();
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(expected, *preset)) << diff;
  }
}

TEST(PresetsTest, UnknownTaskIsRefusedByName) {
  absl::StatusOr<polo::RunConfig> preset = PresetRunConfig("no_such_task");
  ASSERT_FALSE(preset.ok());
  EXPECT_NE(preset.status().message().find("no_such_task"), std::string::npos)
      << preset.status();
}

}  // namespace
}  // namespace polo::config
