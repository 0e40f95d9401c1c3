// Test-only helpers: random but well-formed polo::EnsembleWeights built
// without LibTorch, and a spec shorthand. Stateless; thread-safe.
#ifndef POLO_LEARNER_TEST_WEIGHTS_H_
#define POLO_LEARNER_TEST_WEIGHTS_H_

#include <cstdint>
#include <initializer_list>

#include "proto/ensemble.pb.h"

namespace polo::learner {

polo::EnsembleSpec MakeSpec(int num_features, int ensemble_size,
                            std::initializer_list<int> hidden_sizes,
                            polo::EnsembleSpec::Activation activation, double prior_scale);

// Weights U(-1/sqrt(in), 1/sqrt(in)) (nn::Linear's default range), biases
// likewise, normalisation offset U(-1, 1) and scale U(0.5, 2), all from
// `seed`; version 7.
polo::EnsembleWeights RandomEnsembleWeights(const polo::EnsembleSpec& spec, uint64_t seed);

}  // namespace polo::learner

#endif  // POLO_LEARNER_TEST_WEIGHTS_H_
