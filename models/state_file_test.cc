#include "models/state_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

namespace polo::models {
namespace {

std::string Path(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

TEST(StateFileTest, StatesRoundTripBitForBit) {
  StateFile file;
  file.task = "humanoid_getup";
  file.state_size = 3;
  file.states = {1.0, -0.0, 1e-300, std::numeric_limits<double>::max(), 0.1, 2.5};
  ASSERT_TRUE(WriteStateFile(Path("ok.states"), file).ok());
  absl::StatusOr<StateFile> read = ReadStateFile(Path("ok.states"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->task, "humanoid_getup");
  EXPECT_EQ(read->state_size, 3);
  EXPECT_EQ(read->count(), 2u);
  ASSERT_EQ(read->states.size(), file.states.size());
  for (size_t i = 0; i < file.states.size(); ++i) {
    EXPECT_EQ(std::memcmp(&read->states[i], &file.states[i], 8), 0) << i;
  }
}

TEST(StateFileTest, AFileThatIsNotOneOrIsTruncatedNamesThePath) {
  std::ofstream(Path("text.states")) << "hello\n";
  EXPECT_NE(ReadStateFile(Path("text.states")).status().message().find("not a state file"),
            std::string::npos);
  std::ofstream(Path("short.states")) << "polo-states 1 point_mass_maze 3\n" << std::string(20, 'x');
  const absl::Status truncated = ReadStateFile(Path("short.states")).status();
  EXPECT_EQ(truncated.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.message().find("not whole rows of 3 doubles"), std::string::npos)
      << truncated.message();
}

}  // namespace
}  // namespace polo::models
