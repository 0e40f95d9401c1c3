#include "learner/validation.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace polo::learner {
namespace {

template <typename T>
absl::Status CheckFiniteImpl(absl::Span<const T> values, absl::string_view field) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: is ", values[i],
                                                     ", expected a finite value"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckSize(size_t actual, size_t expected, absl::string_view field) {
  if (actual == expected) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": has ", actual, " values, expected ", expected));
}

absl::Status CheckFinite(absl::Span<const double> values, absl::string_view field) {
  return CheckFiniteImpl(values, field);
}

absl::Status CheckFinite(absl::Span<const float> values, absl::string_view field) {
  return CheckFiniteImpl(values, field);
}

absl::Status CheckSizeAndFinite(absl::Span<const double> values, size_t expected,
                                absl::string_view field) {
  absl::Status status = CheckSize(values.size(), expected, field);
  if (!status.ok()) return status;
  return CheckFinite(values, field);
}

absl::Status CheckSizeAndFinite(absl::Span<const float> values, size_t expected,
                                absl::string_view field) {
  absl::Status status = CheckSize(values.size(), expected, field);
  if (!status.ok()) return status;
  return CheckFinite(values, field);
}

}  // namespace polo::learner
