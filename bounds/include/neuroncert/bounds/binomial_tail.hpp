#pragma once
// Binomial tail probabilities, the one wrapper around Boost.Math's binomial distribution that the
// planning, BE-coverage, activation-rate and `plan` code share. Each handles the edges exactly
// (empty tails, p = 0 or 1) and takes the upper tail through Boost's complement, so a tail of
// 1e-300 is not lost to 1 - cdf.
// Theory: docs/theory.md sec. 4.1 (planning).
#include <cstdint>

namespace neuroncert::bounds {

/// P(X <= k) for X ~ Binomial(n, p): 0 for k < 0, 1 for k >= n. n >= 0, p in [0, 1].
double binomial_cdf(std::int64_t k, std::int64_t n, double p);

/// P(X >= k) for X ~ Binomial(n, p): 1 for k <= 0, 0 for k > n. n >= 0, p in [0, 1].
double binomial_upper_tail(std::int64_t k, std::int64_t n, double p);

}  // namespace neuroncert::bounds
