// The project's one home for seeded randomness. Every stream is fully
// specified (SplitMix64, std::mt19937_64 and the transforms below, never the
// standard library's implementation-defined distributions), so a seed gives
// the same numbers on every platform, and std::mt19937_64 state can be
// checkpointed (operator<< / >>). Values and free functions; each generator
// belongs to one thread.
#ifndef POLO_UTIL_RANDOM_H_
#define POLO_UTIL_RANDOM_H_

#include <cstdint>
#include <random>

namespace polo::util {

// 2^64 / φ: SplitMix64's increment (Steele, Lea, Flood 2014).
inline constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// SplitMix64's output function: a bijective 64-bit mixer.
constexpr uint64_t SplitMix64Finalise(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64: a tiny allocation-free generator (task resets, noise keys).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() { return SplitMix64Finalise(state_ += kGoldenGamma); }

  // Uniform in [lo, hi), from the top 53 bits.
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }

 private:
  uint64_t state_;
};

// A well-mixed seed for sub-stream `stream` of `seed`, e.g. one stream per
// ensemble member or per episode.
constexpr uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  return SplitMix64Finalise(seed + kGoldenGamma * (stream + 1));
}

// Uniform on [0, 1), 53 random bits.
double UniformDouble(std::mt19937_64& rng);

// Uniform integer in [0, n) without modulo bias; n > 0.
uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n);

// Standard normal by Box-Muller (consumes two draws, caches nothing).
double StandardNormal(std::mt19937_64& rng);

}  // namespace polo::util

#endif  // POLO_UTIL_RANDOM_H_
