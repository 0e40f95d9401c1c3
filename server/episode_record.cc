#include "server/episode_record.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace polo::server {
namespace {

std::string Number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// A JSON string literal. Proto3 strings are valid UTF-8, so only quotes,
// backslashes and control characters need escaping.
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string EpisodeJsonLine(const polo::EpisodeRecord& r, int64_t unix_ms) {
  std::string out = "{";
  if (unix_ms != 0) absl::StrAppend(&out, "\"unix_ms\":", unix_ms, ",");
  absl::StrAppend(&out, "\"episode\":", r.episode(), ",\"agent_steps\":", r.agent_steps(),
                  ",\"worker_id\":", Quoted(r.worker_id()),
                  ",\"worker_episode\":", r.worker_episode(), ",\"length\":", r.length(),
                  ",\"return\":", Number(r.return_()), ",\"mean_reward\":", Number(r.mean_reward()),
                  ",\"weights_version\":", r.weights_version(), ",\"wall_s\":", Number(r.wall_s()));
  for (int j = 0; j < r.metric_names_size(); ++j) {
    const std::string& m = r.metric_names(j);
    if (j < r.final_metrics_size()) {
      absl::StrAppend(&out, ",", Quoted("final_" + m), ":", Number(r.final_metrics(j)));
    }
    if (j < r.mean_metrics_size()) {
      absl::StrAppend(&out, ",", Quoted("mean_" + m), ":", Number(r.mean_metrics(j)));
    }
    if (j < r.max_metrics_size()) {
      absl::StrAppend(&out, ",", Quoted("max_" + m), ":", Number(r.max_metrics(j)));
    }
  }
  if (r.has_frac_standing()) absl::StrAppend(&out, ",\"frac_standing\":", Number(r.frac_standing()));
  if (r.has_coverage()) absl::StrAppend(&out, ",\"coverage\":", Number(r.coverage()));
  return out + "}";
}

std::string EpisodeSummary(const polo::EpisodeRecord& r) {
  std::string out = absl::StrFormat("last ep %d: return %.4g", r.episode(), r.return_());
  if (r.has_coverage()) {
    absl::StrAppendFormat(&out, " coverage %.1f%%", 100 * r.coverage());
    return out;
  }
  absl::StrAppendFormat(&out, " mean_r %.2f", r.mean_reward());
  if (r.has_frac_standing()) {
    for (int j = 0; j < r.metric_names_size() && j < r.max_metrics_size(); ++j) {
      if (r.metric_names(j) == r.success_metric()) {
        absl::StrAppendFormat(&out, " max_%s %.2f", r.metric_names(j), r.max_metrics(j));
      }
    }
    absl::StrAppendFormat(&out, " success %.2f", r.frac_standing());
  }
  return out;
}

}  // namespace polo::server
