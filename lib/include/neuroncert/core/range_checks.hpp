#pragma once
// Two checks of user options that the CLI and the studies behind it share, so a message reads the
// same whichever layer raises it (core/checks.hpp has the checks of a single value's domain).
// Design: docs/design.md#errors-and-exit-codes (errors and exit codes).
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

/// invalid_argument unless lo <= value <= hi; `why` says what the upper limit protects
/// ("--K must lie between 1 and 1000000 (bootstrap resamples; the paper uses 100), got 0").
inline void check_count(std::string_view option, std::int64_t value, std::int64_t lo, std::int64_t hi,
                        std::string_view why) {
  if (value < lo || value > hi)
    throw invalid_argument(fmt::format("{} must lie between {} and {} ({}), got {}", option, lo, hi, why, value));
}

/// invalid_argument if `option` was `given` although it has no effect here: a silently ignored
/// option is a wrong result waiting to happen. `why` completes "--rho is not used ...".
inline void reject_unused_option(std::string_view option, bool given, std::string_view why) {
  if (given) throw invalid_argument(fmt::format("{} is not used {}", option, why));
}

}  // namespace neuroncert
