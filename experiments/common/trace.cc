#include "experiments/common/trace.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace polo::experiments {

absl::Status Trace::Open(const std::string& path, const std::vector<std::string>& metric_names,
                         bool with_value, int num_features) {
  file_.reset(std::fopen(path.c_str(), "w"));
  if (file_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--trace: cannot write '", path, "'"));
  }
  with_value_ = with_value;
  num_features_ = with_value ? num_features : 0;
  std::string feature_columns;
  for (int j = 0; j < num_features_; ++j) absl::StrAppend(&feature_columns, ",x", j);
  std::fprintf(file_.get(), "step,reward,%s,effective_samples,return_spread,value_spread%s%s\n",
               absl::StrJoin(metric_names, ",").c_str(), with_value ? ",value" : "",
               feature_columns.c_str());
  return absl::OkStatus();
}

void Trace::Add(int step, double reward, absl::Span<const double> metrics,
                const planner::MppiStats& planner, double value,
                absl::Span<const double> features) {
  if (file_ == nullptr) return;
  std::fprintf(file_.get(), "%d,%.9g", step, reward);
  for (double x : metrics) std::fprintf(file_.get(), ",%.9g", x);
  std::fprintf(file_.get(), ",%.9g,%.9g,%.9g", planner.effective_samples, planner.return_spread,
               planner.value_spread);
  // %.17g: a reader gets back the exact double, to check a value against.
  if (with_value_) std::fprintf(file_.get(), ",%.17g", value);
  if (num_features_ > 0) {
    for (double x : features) std::fprintf(file_.get(), ",%.17g", x);
  }
  std::fprintf(file_.get(), "\n");
}

absl::Status Trace::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  const bool ok = std::ferror(file_.get()) == 0 && std::fclose(file_.release()) == 0;
  return ok ? absl::OkStatus() : absl::DataLossError("--trace: write failed");
}

}  // namespace polo::experiments
