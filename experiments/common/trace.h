// The per-step CSV of an evaluation (//experiments:mpc --trace; read by the
// figure scripts, experiments/common/figures_common.py): one line per step,
//   step,reward,<the task's metrics>,effective_samples,return_spread,value_spread[,value[,x0,...]]
// the reward r(s_t, a_t), the task's metrics of s_{t+1}, MPPI's effective
// samples and the spreads over its batch of the running returns and of the
// terminal values γ^H V̂ (planner::MppiStats), and with a value V̂(s_t)
// (eq. 6 at the run's κ) of the state s_t the step starts from: beside the
// rewards that follow it, a check of what the value predicts against the
// discounted return the policy got. On request also the value features
// x0, x1, ... of s_t, the input V̂ was evaluated on (what python/polo's
// tests check polo.Value against). Numbers as %.9g, except value and
// features as %.17g (they read back as the same doubles).
//
// Owns its file. Thread-compatible.
#ifndef POLO_EXPERIMENTS_COMMON_TRACE_H_
#define POLO_EXPERIMENTS_COMMON_TRACE_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "planner/mppi.h"

namespace polo::experiments {

class Trace {
 public:
  // Creates `path` and writes the header; `num_features` > 0 (only
  // with_value) adds the feature columns x0 .. x<num_features - 1>.
  // InvalidArgument "--trace: cannot write '<path>'" if it cannot be
  // created.
  absl::Status Open(const std::string& path, const std::vector<std::string>& metric_names,
                    bool with_value, int num_features = 0);
  // One line; a no-op unless open. `value` is written only with_value, and
  // `features` (num_features values, the features of s_t) only with feature
  // columns.
  void Add(int step, double reward, absl::Span<const double> metrics,
           const planner::MppiStats& planner, double value,
           absl::Span<const double> features = {});
  bool open() const { return file_ != nullptr; }
  // Closes the file (OK if never opened); DataLoss "--trace: write failed"
  // if any write or the close failed.
  absl::Status Close();

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  bool with_value_ = false;
  int num_features_ = 0;
};

}  // namespace polo::experiments

#endif  // POLO_EXPERIMENTS_COMMON_TRACE_H_
