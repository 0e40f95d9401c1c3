#include "util/random.h"

#include <cmath>

#include "absl/base/internal/raw_logging.h"

namespace polo::util {

double UniformDouble(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n) {
  ABSL_RAW_CHECK(n > 0, "UniformIndex needs n > 0");
  // Reject the top partial block of the 2^64 range so that every residue is
  // equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  uint64_t draw;
  do {
    draw = rng();
  } while (draw > limit);
  return draw % n;
}

double StandardNormal(std::mt19937_64& rng) {
  const double u1 = 1.0 - UniformDouble(rng);  // (0, 1]: log is finite.
  const double u2 = UniformDouble(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace polo::util
