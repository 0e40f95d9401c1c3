// The input format of the libFuzzer targets of this folder (README.md) and
// what their requests are checked against. Every input is byte 0, a set of
// Flags (which credentials and fix-ups the harness, fuzz_learner.h, applies
// to the parsed request, so that mutated requests get past the id and key
// checks into the deep code), then the serialised request. The corpus
// generator (corpus_main.cc) writes the same format.
//
// Stateless, thread-safe.
#ifndef POLO_SERVER_FUZZ_FUZZ_INPUT_H_
#define POLO_SERVER_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "models/task.h"
#include "proto/polo.pb.h"

namespace polo::fuzz {

// Byte 0 of a fuzz input.
enum Flags : uint8_t {
  // worker_id := the registered worker's id, worker_key := its key.
  kRealId = 1 << 0,
  kRealKey = 1 << 1,
  // Borrow the worker of the other kind (an actor's id on a target-worker
  // RPC and the reverse).
  kOtherKind = 1 << 2,
  // Fix-ups each target defines (its file says which), e.g. the expected
  // first_sequence or the leased job's id.
  kFixA = 1 << 3,
  kFixB = 1 << 4,
  kFixC = 1 << 5,
  // Before the request: FuzzLearner::Step (the run moves on to new weights
  // versions and target jobs).
  kStep = 1 << 6,
  // After the request: every query RPC (status, progress, workers,
  // checkpoint) on the state the request left.
  kQueries = 1 << 7,
};

// Splits a fuzz input into its flags and the request parsed from the rest.
// False for an empty input or bytes that do not parse as a `Request`.
template <typename Request>
bool ParseInput(const uint8_t* data, size_t size, uint8_t* flags, Request* request) {
  if (size == 0) return false;
  *flags = data[0];
  return request->ParseFromArray(data + 1, static_cast<int>(size - 1));
}

// The fuzz input for `request` with `flags` (the corpus generator's).
std::string MakeInput(uint8_t flags, const google::protobuf::Message& request);

// The run every target fuzzes: point_mass_maze, ASYNCHRONOUS (acting never
// pauses, so WaitForActing returns at once), a 2-member ensemble of one
// 8-wide layer, Z = 4, G = 2, n = 4 (an update after every 4 states, two
// target jobs of 4 states each), 1 s leases (expiry and reassignment are
// reached within a fuzzing run). Completed for the task.
polo::RunConfig FuzzRunConfig();

// A valid state of `task` for `config`: the task's reset state for `seed`
// with its features and metrics, reward 0 (point-mass worlds are reward
// free), a plan of zeros if the config warm-starts targets.
polo::VisitedState ValidState(const models::Task& task, const polo::RunConfig& config,
                              uint64_t seed, bool episode_end);

// Aborts (a libFuzzer crash, input saved) if `status` breaks the learner's
// error contract (proto/polo.proto, rpc/request_bounds.h): a message of
// more than kMaxErrorChars characters (a client's value is quoted at most
// 40 characters long) or one with a control character (quoted bytes are
// escaped). OK statuses pass.
inline constexpr size_t kMaxErrorChars = 1024;
void CheckErrorContract(const absl::Status& status, const char* rpc);

}  // namespace polo::fuzz

#endif  // POLO_SERVER_FUZZ_FUZZ_INPUT_H_
