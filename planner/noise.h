// Reproducible Gaussian noise streams for MPPI.
//
// Every rollout draws its noise from its own stream, keyed by
// (seed, control step, iteration, rollout), so the noise — and hence the
// chosen action — does not depend on how rollouts are spread over threads.
//
// Why hand-written: the streams must be cheap to open at any key (hundreds
// per control step) and bit-identical on every machine of a cluster; the
// standard library's distributions are implementation-defined and Abseil's
// generators are documented as unstable across releases. SplitMix64
// (Steele, Lea, Flood 2014) and the Box–Muller transform are both tiny and
// fully specified.
#ifndef POLO_PLANNER_NOISE_H_
#define POLO_PLANNER_NOISE_H_

#include <cstdint>

namespace polo::planner {

// A key that names one noise stream.
struct NoiseKey {
  uint64_t seed = 0;
  uint64_t step = 0;
  uint64_t iteration = 0;
  uint64_t rollout = 0;
};

// Standard normal samples from the stream named by key. Pure function of its
// arguments; allocation-free.
class GaussianStream {
 public:
  explicit GaussianStream(const NoiseKey& key);
  double Next();

 private:
  uint64_t NextBits();
  uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_NOISE_H_
