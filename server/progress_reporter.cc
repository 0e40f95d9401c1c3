#include "server/progress_reporter.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rpc/json.h"
#include "server/episode_record.h"

namespace polo::server {

std::string ProgressLine(const polo::Progress& p, int workers) {
  std::string line = absl::StrFormat(
      "steps %llu  episodes %llu  updates %llu  v%llu  loss %.4g  replay %llu  %.1f states/s  "
      "%.0f targets/s  workers %d",
      p.agent_steps(), p.episodes(), p.updates(), p.weights_version(), p.value_loss(),
      p.replay_size(), p.states_per_second(), p.targets_per_second(), workers);
  if (p.coverage() >= 0) absl::StrAppendFormat(&line, "  coverage %.1f%%", 100 * p.coverage());
  absl::StrAppendFormat(&line, "  cpu %.0f%%", 100 * p.cpu_utilisation());
  if (p.update_failures() > 0) {
    absl::StrAppendFormat(&line, "  UPDATE FAILING (%u): %s", p.update_failures(),
                          p.last_update_error());
  }
  if (p.has_last_episode()) absl::StrAppend(&line, "  ", EpisodeSummary(p.last_episode()));
  return line;
}

void ProgressReporter::Report(const polo::Progress& p, int workers, absl::Time now) {
  if (terminal_) {
    std::fprintf(out_, "\r%s   ", ProgressLine(p, workers).c_str());
    live_line_open_ = true;
  } else {
    if (now - last_line_ < interval_) return;
    last_line_ = now;
    std::fprintf(out_, "{\"progress\":%s,\"workers_connected\":%d}\n", rpc::ToJson(p).c_str(),
                 workers);
  }
  std::fflush(out_);
}

void ProgressReporter::Finish() {
  if (!live_line_open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  live_line_open_ = false;
}

}  // namespace polo::server
