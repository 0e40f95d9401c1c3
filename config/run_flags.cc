#include "config/run_flags.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "config/presets.h"
#include "config/run_config.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "models/registry.h"
#include "planner/mppi_flags.h"

namespace polo::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Parse = RunFlag::Parse;

constexpr RunFlag kRunFlags[] = {
    {"total_steps", "total_steps",
     "agent steps in all (all actors) before the run completes, 0 = unbounded"},
    {"episode_length", "episode_length", "agent steps per episode, 0 = the task's"},
    {"update_every", "training.update_every", "Z: agent steps between updates"},
    {"gradient_steps", "training.gradient_steps", "G: Adam steps per update"},
    {"minibatch_size", "training.minibatch_size", "n: states per gradient step"},
    {"target_states", "training.target_states",
     "M: states whose targets an update computes once, its G minibatches drawn from them; "
     "0 = Algorithm 1, fresh targets for every minibatch"},
    {"learning_rate", "training.learning_rate", "Adam learning rate"},
    {"target_noise", "training.target_noise", "sigma of the noise added to targets, eq. 5"},
    {"weight_decay", "training.weight_decay",
     "coefficient of |theta|^2, eq. 5, see learner/trainer.h"},
    {"lease_ms", "training.lease_ms", "target job lease; overdue jobs go to another worker"},
    {"replay_capacity", "training.replay_capacity", "replay buffer capacity, oldest out"},
    {"min_replay_size", "training.min_replay_size",
     "updates start once the buffer holds this many states (0: at t = Z, Algorithm 1)"},
    {"ensemble_size", "ensemble.ensemble_size", "K: value ensemble members"},
    {"hidden_sizes", "ensemble.hidden_sizes", "hidden layer widths of each member, e.g. 16,16",
     Parse::kWidths},
    {"prior_scale", "ensemble.prior_scale", "beta: weight of each member's frozen random prior"},
    {"value_scale", "ensemble.value_scale",
     "s in V_k = b + s (f_k + beta p_k): the nets' output unit in return units", Parse::kScalar,
     "1"},
    {"value_offset", "ensemble.value_offset",
     "b in V_k = b + s (f_k + beta p_k): the value of a state the nets know nothing about, "
     "in return units",
     Parse::kScalar, "0"},
    {"kappa", "kappa", "optimism of eq. 6, 0 = mean of the members"},
    {"final_kappa", "final_kappa",
     "kappa at --total_steps: the actors' kappa moves linearly from --kappa to it over the run",
     Parse::kScalar, "none, kappa throughout"},
    {"target_horizon", "targets.horizon", "N of the N-step targets, eq. 7"},
    {"target_rollouts", "targets.num_rollouts", "sampled rollouts per target round"},
    {"target_iterations", "targets.iterations", "MPPI rounds per target state"},
    {"warm_start", "targets.warm_start",
     "targets start from the plan the actor optimised from each state (sent with the state) "
     "instead of zero controls"},
    {"target_temperature", "targets.temperature", "MPPI temperature of the target rounds"},
    {"target_mode", "targets.per_member",
     "shared: one set of rollouts scores every member; per_member: K separate MPPIs",
     Parse::kTargetMode},
};

absl::Status Bad(const RunFlag& row, absl::string_view got, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", row.flag, ": got \"", got, "\", expected ", expected));
}

// The message holding the field at `path` ("training.update_every") and
// the field; the table's paths are checked by run_flags_test.
std::pair<Message*, const FieldDescriptor*> FieldAt(Message* message, absl::string_view path) {
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* f = message->GetDescriptor()->FindFieldByName(parts[i]);
    message = message->GetReflection()->MutableMessage(message, f);
  }
  return {message, message->GetDescriptor()->FindFieldByName(parts.back())};
}

absl::Status SetScalar(const RunFlag& row, absl::string_view text, Message* m,
                       const FieldDescriptor* f) {
  const Reflection* r = m->GetReflection();
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
    double v = 0;
    if (!absl::SimpleAtod(text, &v)) return Bad(row, text, "a number");
    r->SetDouble(m, f, v);
    return absl::OkStatus();
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
    bool v = false;
    if (!absl::SimpleAtob(text, &v)) return Bad(row, text, "true or false");
    r->SetBool(m, f, v);
    return absl::OkStatus();
  }
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) return Bad(row, text, "an integer");
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return Bad(row, text, "a 32-bit integer");
      }
      r->SetInt32(m, f, static_cast<int32_t>(v));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(m, f, v);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_UINT32:
      if (v < 0 || v > std::numeric_limits<uint32_t>::max()) return Bad(row, text, ">= 0");
      r->SetUInt32(m, f, static_cast<uint32_t>(v));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_UINT64:
      if (v < 0) return Bad(row, text, ">= 0");
      r->SetUInt64(m, f, static_cast<uint64_t>(v));
      return absl::OkStatus();
    default:
      return absl::InternalError(absl::StrCat("--", row.flag, ": field ", row.field,
                                              " has a type the flag table does not parse"));
  }
}

// The field's value as the help text shows it.
std::string ValueText(const RunFlag& row, const polo::RunConfig& config) {
  const Message* m = &config;
  const std::vector<std::string> parts = absl::StrSplit(row.field, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    m = &m->GetReflection()->GetMessage(*m, m->GetDescriptor()->FindFieldByName(parts[i]));
  }
  const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(parts.back());
  const Reflection* r = m->GetReflection();
  if (row.parse == Parse::kWidths) {
    std::vector<int> widths;
    for (int i = 0; i < r->FieldSize(*m, f); ++i) widths.push_back(r->GetRepeatedInt32(*m, f, i));
    return absl::StrJoin(widths, ",");
  }
  if (row.parse == Parse::kTargetMode) return r->GetBool(*m, f) ? "per_member" : "shared";
  if (f->has_presence() && !r->HasField(*m, f) && row.absent != nullptr) return row.absent;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE: return absl::StrCat(r->GetDouble(*m, f));
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(*m, f) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_INT32: return absl::StrCat(r->GetInt32(*m, f));
    case FieldDescriptor::CPPTYPE_INT64: return absl::StrCat(r->GetInt64(*m, f));
    case FieldDescriptor::CPPTYPE_UINT32: return absl::StrCat(r->GetUInt32(*m, f));
    case FieldDescriptor::CPPTYPE_UINT64: return absl::StrCat(r->GetUInt64(*m, f));
    default: return "?";
  }
}

// Every task's preset, built once (help for all flags reads them).
const std::vector<std::pair<std::string, polo::RunConfig>>& AllPresets() {
  static const auto* presets = [] {
    auto* out = new std::vector<std::pair<std::string, polo::RunConfig>>;
    for (const std::string& name : models::TaskNames()) {
      if (absl::StatusOr<polo::RunConfig> preset = PresetRunConfig(name); preset.ok()) {
        out->emplace_back(name, *std::move(preset));
      }
    }
    return out;
  }();
  return *presets;
}

}  // namespace

absl::Span<const RunFlag> RunFlags() { return kRunFlags; }

const RunFlag* FindRunFlag(absl::string_view flag) {
  for (const RunFlag& row : kRunFlags) {
    if (flag == row.flag) return &row;
  }
  return nullptr;
}

std::string RunFlagHelp(absl::string_view flag) {
  const RunFlag* row = FindRunFlag(flag);
  if (row == nullptr) return "";
  const std::string paper = ValueText(*row, DefaultRunConfig());
  // Tasks whose preset differs, grouped by value in order of appearance.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [name, preset] : AllPresets()) {
    const std::string value = ValueText(*row, preset);
    if (value == paper) continue;
    auto it = groups.begin();
    while (it != groups.end() && it->first != value) ++it;
    if (it == groups.end()) it = groups.insert(groups.end(), {value, {}});
    it->second.push_back(name);
  }
  std::string out = absl::StrCat(row->help, " (default ", paper);
  for (const auto& [value, tasks] : groups) {
    absl::StrAppend(&out, "; ", absl::StrJoin(tasks, ", "), " ", value);
  }
  return out + ")";
}

absl::Status ApplyRunFlag(const RunFlag& row, absl::string_view text, polo::RunConfig* config) {
  auto [m, f] = FieldAt(config, row.field);
  const Reflection* r = m->GetReflection();
  switch (row.parse) {
    case Parse::kScalar:
      return SetScalar(row, text, m, f);
    case Parse::kWidths:
      r->ClearField(m, f);
      for (absl::string_view width : absl::StrSplit(text, ',')) {
        int w = 0;
        if (!absl::SimpleAtoi(width, &w) || w < 1) {
          return Bad(row, text, "comma-separated widths >= 1, e.g. 16,16");
        }
        r->AddInt32(m, f, w);
      }
      return absl::OkStatus();
    case Parse::kTargetMode:
      if (text != "shared" && text != "per_member") return Bad(row, text, "shared or per_member");
      r->SetBool(m, f, text == "per_member");
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status InFlagTerms(const absl::Status& status) {
  std::string message(status.message());
  // MPPI fields: the planner's own map (planner/mppi_flags.h).
  if (absl::StartsWith(message, "mppi.")) {
    return absl::Status(status.code(),
                        absl::StrCat("--", planner::MppiErrorInFlagTerms(message.substr(5))));
  }
  // The ensemble's own validation words its fields "spec.x".
  if (absl::StartsWith(message, "ensemble.spec.")) message.erase(9, 5);
  for (const RunFlag& row : kRunFlags) {
    const absl::string_view field = row.field;
    if (!absl::StartsWith(message, field)) continue;
    const absl::string_view rest = absl::string_view(message).substr(field.size());
    // The whole field name ("kappa", not the start of "kappa_x"): an
    // element ("[2]"), a subfield (".x") or the message (":") follows.
    if (!rest.empty() && rest[0] != ':' && rest[0] != '[' && rest[0] != '.') continue;
    return absl::Status(status.code(), absl::StrCat("--", row.flag, rest));
  }
  return status;
}

}  // namespace polo::config
