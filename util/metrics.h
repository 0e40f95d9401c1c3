// Prometheus metrics of a process (README, "Seeing a run"): an HTTP
// endpoint (prometheus-cpp's Exposer, Debian's prometheus-cpp-dev) on
// HOST:PORT serving /metrics (the binaries' --metrics_listen,
// rpc/serving_flags.h), and helpers that build metric families for
// collectors that read a process's state at scrape time.
// Names follow Prometheus conventions: polo_ prefix, _total for counters,
// units in names (_seconds, _ratio).
#ifndef POLO_UTIL_METRICS_H_
#define POLO_UTIL_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace polo::util {

class MetricsEndpoint {
 public:
  // Serves /metrics on `address` ("HOST:PORT", port 0 picks one).
  // Unavailable naming the address if it cannot listen.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address);

  // Serves `collectable` from now on; the endpoint keeps it alive.
  void Add(std::shared_ptr<prometheus::Collectable> collectable);
  int port() const { return port_; }

 private:
  explicit MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
      : exposer_(std::move(exposer)), port_(port) {}
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  int port_;
};

// One-sample families and labelled samples, for Collect().
using Labels = std::vector<std::pair<std::string, std::string>>;
prometheus::MetricFamily CounterFamily(std::string name, std::string help);
prometheus::MetricFamily GaugeFamily(std::string name, std::string help);
// Adds a sample to a counter or gauge family.
void AddSample(prometheus::MetricFamily* family, double value, const Labels& labels = {});
// A counter or gauge family with one unlabelled sample.
prometheus::MetricFamily Counter(std::string name, std::string help, double value);
prometheus::MetricFamily Gauge(std::string name, std::string help, double value);

// A fixed-bucket histogram that collectors can copy (value type; not
// thread-safe: guard it with the owner's lock).
class HistogramData {
 public:
  explicit HistogramData(std::vector<double> upper_bounds);
  void Observe(double value);
  prometheus::MetricFamily Family(std::string name, std::string help) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // Per bucket; the last is +Inf.
  double sum_ = 0;
  uint64_t count_ = 0;
};

}  // namespace polo::util

#endif  // POLO_UTIL_METRICS_H_
