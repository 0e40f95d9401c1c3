// Bounds on every string and repeated field of the polo.Learner requests,
// in one place (proto/polo.proto states each beside its field). The learner
// checks a request against them before anything else, so an oversized field
// costs a length comparison and an INVALID_ARGUMENT naming the field, the
// bound and the value's length; it is never copied, parsed further, stored
// or echoed. Exact sizes (a state's features against the task's, targets
// against the job's) are checked afterwards by the handlers; these bounds
// only keep a hostile request from costing more than a valid one.
//
// Error messages quote a client's value through Quote: at most
// kMaxQuotedChars characters of it and its length, so an error stays a few
// hundred bytes whatever the request held.
#ifndef POLO_RPC_REQUEST_BOUNDS_H_
#define POLO_RPC_REQUEST_BOUNDS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proto/polo.pb.h"
#include "rpc/channel.h"

namespace polo::rpc {

// Learner-made ids are "actor-N" / "target-N"; a reconnecting worker passes
// its old one back.
inline constexpr size_t kMaxWorkerIdChars = 128;
// A worker's own key is 32 to 128 characters (server/worker_registry.h).
inline constexpr size_t kMaxWorkerKeyChars = 128;
// RegisterRequest.description, e.g. "host:pid".
inline constexpr size_t kMaxDescriptionChars = 256;
// RegisterRequest.expected_task: task names are short (models/registry.h).
inline constexpr size_t kMaxTaskNameChars = 64;
// ExperienceBatch.states: kMaxStatesPerMessage (rpc/channel.h).
// Each of a VisitedState's physics_state, features, metrics and plan.
inline constexpr int kMaxValuesPerStateField = 1 << 16;
// TargetResult.targets: states × ensemble members.
inline constexpr int kMaxTargetsPerResult = kMaxStatesPerMessage * 64;
// How much of a client's value an error message repeats.
inline constexpr size_t kMaxQuotedChars = 40;

// `value` in double quotes if it has at most kMaxQuotedChars characters;
// otherwise its first kMaxQuotedChars, "...", and its length:
// "abcd..." (100000 characters). Bytes outside printable ASCII are written
// as \xNN so a message never carries control characters.
std::string Quote(absl::string_view value);

// OK, or INVALID_ARGUMENT "<field>: has N characters, expected at most M".
absl::Status CheckBounds(const polo::RegisterRequest& request);
absl::Status CheckBounds(const polo::UnregisterRequest& request);
absl::Status CheckBounds(const polo::ExperienceBatch& batch);
absl::Status CheckBounds(const polo::WaitForActingRequest& request);
absl::Status CheckBounds(const polo::SubscribeWeightsRequest& request);
absl::Status CheckBounds(const polo::GetWeightsRequest& request);
absl::Status CheckBounds(const polo::LeaseTargetJobRequest& request);
absl::Status CheckBounds(const polo::TargetResult& result);

}  // namespace polo::rpc

#endif  // POLO_RPC_REQUEST_BOUNDS_H_
