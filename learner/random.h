// Seeded random numbers for the learner whose streams are fully specified
// (std::mt19937_64 plus the transforms below, not the standard library's
// implementation-defined distributions), so a seed gives the same numbers on
// every platform and the state can be checkpointed (operator<< / >> on
// std::mt19937_64). Free functions; each generator belongs to one thread.
#ifndef POLO_LEARNER_RANDOM_H_
#define POLO_LEARNER_RANDOM_H_

#include <cstdint>
#include <random>

namespace polo::learner {

// A well-mixed seed for sub-stream `stream` of `seed` (SplitMix64 finaliser),
// e.g. one stream per ensemble member.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

// Uniform on [0, 1), 53 random bits.
double UniformDouble(std::mt19937_64& rng);

// Uniform integer in [0, n) without modulo bias; n > 0.
uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n);

// Standard normal by Box-Muller (consumes two draws, caches nothing).
double StandardNormal(std::mt19937_64& rng);

}  // namespace polo::learner

#endif  // POLO_LEARNER_RANDOM_H_
