// Small input checks shared by the learner's libraries. Each returns
// InvalidArgument with a message that starts with the offending field's name,
// e.g. "features: has 3 values, expected 4" or "features[2]: is nan,
// expected a finite value". Stateless, thread-safe.
#ifndef POLO_LEARNER_VALIDATION_H_
#define POLO_LEARNER_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace polo::learner {

// OK iff actual == expected.
absl::Status CheckSize(size_t actual, size_t expected, absl::string_view field);

// OK iff every value is finite (no NaN, no ±Inf); names the first bad index.
absl::Status CheckFinite(absl::Span<const double> values, absl::string_view field);
absl::Status CheckFinite(absl::Span<const float> values, absl::string_view field);

// CheckSize, then CheckFinite.
absl::Status CheckSizeAndFinite(absl::Span<const double> values, size_t expected,
                                absl::string_view field);
absl::Status CheckSizeAndFinite(absl::Span<const float> values, size_t expected,
                                absl::string_view field);

}  // namespace polo::learner

#endif  // POLO_LEARNER_VALIDATION_H_
