// The run's random streams, defined once for the reference loop
// (learner/polo_loop.h) and the service (server/, worker/), so that a
// synchronous service run with one actor and one target worker is the
// reference loop bit for bit (tests/service/worker_test.cc).
// Every stream is a pure function of the run's seed and a counter: nothing
// here has state to checkpoint.
//
//   actor i's MPPI noise            ActorSeed(seed, i)
//   its episode e's reset           EpisodeSeed(ActorSeed(seed, i), e)
//   target rollouts' noise          TargetSeed(seed), keyed by state id
//   ensemble init, minibatches      TrainerSeed(seed)
//   the d-th replay draw            ReplayDrawSeed(seed, d)
//   state j of that draw's targets  TargetStateId(d, j)
#ifndef POLO_LEARNER_SEED_SCHEDULE_H_
#define POLO_LEARNER_SEED_SCHEDULE_H_

#include <cstdint>

#include "util/random.h"

namespace polo::learner {

// A replay draw (one minibatch, or an update's target_states) holds fewer
// states than this: TargetStateId keeps draws' ids apart with it.
inline constexpr int kMaxStatesPerDraw = 1 << 16;

// Actor 0 plans with the run's seed itself (it is the reference loop's
// agent); actor i > 0 with a mixed sub-stream of it.
constexpr uint64_t ActorSeed(uint64_t run_seed, uint64_t actor_index) {
  return actor_index == 0 ? run_seed : util::MixSeed(run_seed, actor_index);
}

// The reset distribution's seed of an actor's episode (0, 1, ...).
constexpr uint64_t EpisodeSeed(uint64_t actor_seed, uint64_t episode) {
  return actor_seed + 1000003 * episode;
}

constexpr uint64_t TargetSeed(uint64_t run_seed) { return run_seed + 1; }

constexpr uint64_t TrainerSeed(uint64_t run_seed) { return run_seed + 2; }

// Seed of the `draw`-th replay sample of the run (draws counted from 0).
constexpr uint64_t ReplayDrawSeed(uint64_t run_seed, uint64_t draw) {
  return run_seed * util::kGoldenGamma + draw;
}

// The id (target-noise key) of state `index` < kMaxStatesPerDraw of draw
// `draw`.
constexpr uint64_t TargetStateId(uint64_t draw, int index) {
  return (draw << 16) + static_cast<uint64_t>(index);
}

}  // namespace polo::learner

#endif  // POLO_LEARNER_SEED_SCHEDULE_H_
