#include "rpc/request_bounds.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace polo::rpc {
namespace {

absl::Status CheckChars(absl::string_view field, absl::string_view value, size_t max) {
  if (value.size() <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": has ", value.size(),
                                                 " characters, expected at most ", max));
}

absl::Status CheckCount(absl::string_view field, int count, int max, absl::string_view what) {
  if (count <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": has ", count, " ", what, ", expected at most ", max));
}

// worker_id and worker_key, which every worker call carries.
absl::Status CheckWorker(absl::string_view id, absl::string_view key) {
  if (absl::Status s = CheckChars("worker_id", id, kMaxWorkerIdChars); !s.ok()) return s;
  return CheckChars("worker_key", key, kMaxWorkerKeyChars);
}

}  // namespace

std::string Quote(absl::string_view value) {
  const absl::string_view shown = value.substr(0, kMaxQuotedChars);
  std::string out = "\"";
  for (const char c : shown) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);
    }
  }
  if (shown.size() < value.size()) {
    absl::StrAppend(&out, "...\" (", value.size(), " characters)");
  } else {
    out.push_back('"');
  }
  return out;
}

absl::Status CheckBounds(const polo::RegisterRequest& request) {
  if (absl::Status s = CheckWorker(request.worker_id(), request.worker_key()); !s.ok()) return s;
  if (absl::Status s = CheckChars("description", request.description(), kMaxDescriptionChars);
      !s.ok()) {
    return s;
  }
  return CheckChars("expected_task", request.expected_task(), kMaxTaskNameChars);
}

absl::Status CheckBounds(const polo::UnregisterRequest& request) {
  return CheckWorker(request.worker_id(), request.worker_key());
}

absl::Status CheckBounds(const polo::ExperienceBatch& batch) {
  if (absl::Status s = CheckWorker(batch.worker_id(), batch.worker_key()); !s.ok()) return s;
  if (absl::Status s = CheckCount("states", batch.states_size(), kMaxStatesPerMessage, "states");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < batch.states_size(); ++i) {
    const polo::VisitedState& state = batch.states(i);
    const std::string prefix = absl::StrCat("states[", i, "].");
    const struct {
      const char* name;
      int size;
    } fields[] = {{"physics_state", state.physics_state_size()},
                  {"features", state.features_size()},
                  {"metrics", state.metrics_size()},
                  {"plan", state.plan_size()}};
    for (const auto& field : fields) {
      if (absl::Status s = CheckCount(absl::StrCat(prefix, field.name), field.size,
                                      kMaxValuesPerStateField, "values");
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckBounds(const polo::WaitForActingRequest& request) {
  return CheckWorker(request.worker_id(), request.worker_key());
}

absl::Status CheckBounds(const polo::SubscribeWeightsRequest& request) {
  return CheckChars("worker_id", request.worker_id(), kMaxWorkerIdChars);
}

absl::Status CheckBounds(const polo::GetWeightsRequest& request) {
  return CheckChars("worker_id", request.worker_id(), kMaxWorkerIdChars);
}

absl::Status CheckBounds(const polo::LeaseTargetJobRequest& request) {
  return CheckWorker(request.worker_id(), request.worker_key());
}

absl::Status CheckBounds(const polo::TargetResult& result) {
  if (absl::Status s = CheckWorker(result.worker_id(), result.worker_key()); !s.ok()) return s;
  return CheckCount("targets", result.targets_size(), kMaxTargetsPerResult, "values");
}

}  // namespace polo::rpc
