// Checks, saves and loads polo::EnsembleWeights (proto/ensemble.proto), the
// value ensemble's weights as they travel between processes and to disk.
// Stateless functions; thread-safe.
#ifndef POLO_LEARNER_ENSEMBLE_WEIGHTS_H_
#define POLO_LEARNER_ENSEMBLE_WEIGHTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/ensemble.pb.h"

namespace polo::learner {

// Returns InvalidArgument naming the field ("spec.hidden_sizes[1]: is 0,
// expected > 0") unless num_features and ensemble_size are > 0, every hidden
// size is > 0, the activation is TANH or RELU, prior_scale is finite and
// >= 0, value_scale (if given) finite and > 0 and value_offset finite.
// Sizes are also bounded (num_features, widths <= 65536; K <= 1024) so
// that a hostile message cannot ask for absurd allocations.
absl::Status ValidateEnsembleSpec(const polo::EnsembleSpec& spec);

// spec.value_scale, or 1 where it is absent (proto/ensemble.proto).
inline double ValueScale(const polo::EnsembleSpec& spec) {
  return spec.has_value_scale() ? spec.value_scale() : 1.0;
}

// spec.value_offset, 0 where it is absent (proto/ensemble.proto).
inline double ValueOffset(const polo::EnsembleSpec& spec) { return spec.value_offset(); }

// Returns InvalidArgument naming the offending field unless `weights` is
// usable as is: a valid spec; normalisation offset and scale with
// num_features finite values each (scale may be any finite value); exactly
// ensemble_size members; each member's trained and prior nets with
// hidden_sizes.size() + 1 layers whose in/out widths follow the spec and end
// in 1, with in*out weights and out biases, all finite. Example message:
// "members[2].trained.layers[1].weights: has 250 values, expected 256".
absl::Status ValidateEnsembleWeights(const polo::EnsembleWeights& weights);

// Writes `weights` as a binary proto, atomically (temporary file + rename).
// Returns InvalidArgument if the weights do not validate (nothing is
// written), or the I/O error naming `path`.
absl::Status SaveEnsembleWeights(const polo::EnsembleWeights& weights, const std::string& path);

// Reads weights written by SaveEnsembleWeights and validates them. Errors
// name `path`: NotFound, DataLoss for an unparsable file, InvalidArgument for
// weights that fail ValidateEnsembleWeights.
absl::StatusOr<polo::EnsembleWeights> LoadEnsembleWeights(const std::string& path);

}  // namespace polo::learner

#endif  // POLO_LEARNER_ENSEMBLE_WEIGHTS_H_
