#pragma once
// Shared by the plan / bound / be-coverage subcommands.
#include <optional>

#include <fmt/format.h>

#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/metric.hpp"

namespace neuroncert::cli {

/// The metric's closed-form rate kind, or invalid_argument for metrics without one (one line,
/// pointing at the empirical alternatives).
inline bounds::rate_kind require_rate_kind(metric m) {
  const auto kind = bounds::rate_kind_for(m);
  if (!kind)
    throw invalid_argument(fmt::format(
        "metric '{}' has no closed-form bound; use `neuroncert simulate` (empirical error quantile) or a "
        "bootstrap interval instead",
        to_string(m)));
  return *kind;
}

}  // namespace neuroncert::cli
