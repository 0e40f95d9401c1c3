#include "planner/noise.h"

#include <cmath>

#include "util/random.h"

namespace polo::planner {
namespace {

uint64_t Mix(uint64_t z) { return util::SplitMix64Finalise(z); }

}  // namespace

GaussianStream::GaussianStream(const NoiseKey& key) {
  // Chain the key's words through the mixer so nearby keys give unrelated
  // streams.
  uint64_t h = Mix(key.seed + util::kGoldenGamma);
  h = Mix(h ^ (key.step + 0x632be59bd9b4e019ULL));
  h = Mix(h ^ (key.iteration + 0x85157af5ULL));
  state_ = Mix(h ^ (key.rollout + 0x2545f4914f6cdd1dULL));
}

uint64_t GaussianStream::NextBits() {
  state_ += util::kGoldenGamma;
  return Mix(state_);
}

double GaussianStream::Next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Uniforms in (0, 1]: 53 random bits, offset by one so log() is finite.
  const double u1 = (static_cast<double>(NextBits() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(NextBits() >> 11) * 0x1.0p-53;
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

}  // namespace polo::planner
