#pragma once
// Argument checks in the style of Stan Math: each names the argument it rejects, so the
// message a user sees says which flag or parameter is wrong and why.
// Design: docs/design.md#errors-and-exit-codes (errors and exit codes).
#include <cmath>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

/// Throws invalid_argument unless 0 < x < 1 (e.g. delta, alpha, a probability level).
inline void check_open_unit(std::string_view name, double x) {
  if (!(x > 0.0 && x < 1.0))
    throw invalid_argument(fmt::format("{} must lie in the open interval (0, 1), got {}", name, x));
}

/// Throws invalid_argument unless 0 <= x <= 1.
inline void check_closed_unit(std::string_view name, double x) {
  if (!(x >= 0.0 && x <= 1.0))
    throw invalid_argument(fmt::format("{} must lie in [0, 1], got {}", name, x));
}

/// Throws invalid_argument unless x > 0 and finite.
inline void check_positive(std::string_view name, double x) {
  if (!(x > 0.0) || !std::isfinite(x))
    throw invalid_argument(fmt::format("{} must be positive and finite, got {}", name, x));
}

/// Throws invalid_argument unless x >= 0 and finite.
inline void check_nonnegative(std::string_view name, double x) {
  if (!(x >= 0.0) || !std::isfinite(x))
    throw invalid_argument(fmt::format("{} must be non-negative and finite, got {}", name, x));
}

/// Throws invalid_argument unless the integer is >= lo.
inline void check_at_least(std::string_view name, std::int64_t x, std::int64_t lo) {
  if (x < lo) throw invalid_argument(fmt::format("{} must be at least {}, got {}", name, lo, x));
}

}  // namespace neuroncert
