#include "server/run_folder.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "learner/atomic_file.h"

namespace polo::server {

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  options.add_whitespace = pretty;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

absl::StatusOr<std::unique_ptr<RunFolder>> RunFolder::Create(
    const std::string& dir, const google::protobuf::Message& config) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("creating ", dir, ": ", ec.message()));
  if (absl::Status s = learner::WriteFileAtomically(dir + "/config.json", ToJson(config, true));
      !s.ok()) {
    return s;
  }
  const std::string path = dir + "/metrics.jsonl";
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return absl::InternalError(absl::StrCat("opening ", path, " for appending"));
  return std::unique_ptr<RunFolder>(new RunFolder(dir, f));
}

RunFolder::~RunFolder() {
  absl::MutexLock lock(&mu_);
  std::fclose(metrics_);
}

absl::Status RunFolder::AppendMetrics(const google::protobuf::Message& message) {
  std::string json = ToJson(message);
  // Splice the time in as the first field: {"unix_ms":...,<fields>}.
  const std::string prefix = absl::StrCat("{\"unix_ms\":", absl::ToUnixMillis(absl::Now()));
  json = json.size() > 2 ? absl::StrCat(prefix, ",", json.substr(1)) : prefix + "}";
  absl::MutexLock lock(&mu_);
  if (std::fputs((json + "\n").c_str(), metrics_) < 0 || std::fflush(metrics_) != 0) {
    return absl::InternalError(absl::StrCat("appending to ", dir_, "/metrics.jsonl"));
  }
  return absl::OkStatus();
}

}  // namespace polo::server
