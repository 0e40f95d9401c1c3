// The one table of the run's flags: which polo.RunConfig field each of the
// learner's hyperparameter flags sets, what it means, how its text is
// parsed, and so how a field's error reads in flag terms. The flags
// themselves are defined by the binary (server/learner_flags.cc); their
// help text comes from here, with the defaults printed from the presets
// (config/presets.h), so help, presets and errors cannot drift apart.
// Stateless, thread-safe.
#ifndef POLO_CONFIG_RUN_FLAGS_H_
#define POLO_CONFIG_RUN_FLAGS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "proto/polo.pb.h"

namespace polo::config {

struct RunFlag {
  // How the flag's text becomes the field's value.
  enum class Parse {
    kScalar,      // By the field's type: a number or true/false.
    kWidths,      // A repeated int32 from "16,16" (each >= 1).
    kTargetMode,  // "shared" or "per_member" into targets.per_member.
  };
  const char* flag;   // Without "--".
  const char* field;  // RunConfig path, e.g. "training.update_every".
  const char* help;   // What it means; RunFlagHelp adds the defaults.
  Parse parse = Parse::kScalar;
  // What an optional field's absence means, for the help text ("1").
  const char* absent = nullptr;
};

// Every row, in help order.
absl::Span<const RunFlag> RunFlags();

// The row of `flag`, or nullptr.
const RunFlag* FindRunFlag(absl::string_view flag);

// The row's help and its defaults: the paper's (DefaultRunConfig) and every
// task whose preset differs, e.g. "Z: agent steps between updates
// (default 16; hand_cube 25)". Builds every task's preset, so call it
// lazily (absl calls a flag's help expression only when help is printed).
std::string RunFlagHelp(absl::string_view flag);

// Sets the row's field of `config` from `text` (the flag's value as absl
// unparses it). InvalidArgument in flag terms ("--target_states: got
// \"-1\", expected >= 0") for text the field cannot hold.
absl::Status ApplyRunFlag(const RunFlag& row, absl::string_view text, polo::RunConfig* config);

// Rewrites an error about a RunConfig field ("training.minibatch_size: got
// 0, ...") in terms of the flag that sets it ("--minibatch_size: got 0,
// ..."), MPPI fields through planner/mppi_flags.h; other errors are
// returned unchanged.
absl::Status InFlagTerms(const absl::Status& status);

}  // namespace polo::config

#endif  // POLO_CONFIG_RUN_FLAGS_H_
