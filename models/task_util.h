// Small helpers shared by the task implementations: a seeded random stream
// for reset noise and name-to-id lookups that fail with a Status.
//
// Thread-safety: SplitMix64 is a value type (one per caller); the functions
// are pure.
#ifndef POLO_MODELS_TASK_UTIL_H_
#define POLO_MODELS_TASK_UTIL_H_

#include <mujoco/mujoco.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace polo::models {

// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is
// fully specified, so the same seed gives the same reset on every platform
// and standard library (std::uniform_real_distribution is not specified
// bit for bit). Allocation-free.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [lo, hi), from the top 53 bits.
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }

 private:
  uint64_t state_;
};

// Id of the object `name` of type `type` in m. Returns NotFound naming the
// object and the model if it does not exist.
absl::StatusOr<int> FindObjectId(const mjModel* m, mjtObj type, const char* name);

// Address in d->sensordata of the sensor `name` with dimension `dim`.
// Returns NotFound if it does not exist, FailedPrecondition if its dimension
// differs.
absl::StatusOr<int> FindSensorAddress(const mjModel* m, const char* name, int dim);

// Adds Uniform(-amplitude, amplitude) to every hinge joint angle of d->qpos,
// clamped to the joint's range where the joint is limited.
void PerturbHingeAngles(const mjModel* m, double amplitude, SplitMix64& rng, mjData* d);

}  // namespace polo::models

#endif  // POLO_MODELS_TASK_UTIL_H_
