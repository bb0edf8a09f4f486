#pragma once
// Binomial statistics of SIEVE's activation rate (docs/theory.md sec. 7, beyond the paper).
// AR = k / n is the share of n verification images on which the neuron exceeds its top-1% probe
// threshold. Under the null "the concept images are no better than random images" each image
// fires with probability p0 = 0.01 (the top-1% threshold), so k ~ Binomial(n, p0).
// Theory: docs/theory.md sec. 7 (SIEVE).
#include <cstdint>

#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"

namespace neuroncert::bounds {

struct activation_rate_stats {
  std::int64_t fired = 0;   ///< k
  std::int64_t images = 0;  ///< n
  double rate = 0;          ///< k / n
  interval clopper_pearson; ///< two-sided, level delta
  double p_value = 1;       ///< one-sided exact test of AR > p0: P(X >= k | n, p0)
  bool significant = false; ///< p_value <= alpha
};

/// AR with its Clopper-Pearson interval (bounds::clopper_pearson at delta) and the one-sided exact
/// binomial test against p0 at level alpha. images >= 1, 0 <= fired <= images, delta and alpha in
/// (0,1), p0 in (0,1). invalid_argument otherwise.
activation_rate_stats activation_rate(std::int64_t fired, std::int64_t images, double delta = 0.05,
                                      double alpha = 0.05, double p0 = 0.01);

/// Verification-set size to tell an AR from p0 (the sieve-plan query).
///
/// Test: reject "AR = p0" when X >= c(n), with c(n) the smallest c such that P(X >= c | n, p0) <= alpha
/// (exact size <= alpha). Power at the alternative: P(X >= c(n) | n, ar). The answer is the smallest n
/// (scanning n = 1, 2, ...) with power >= 1 - beta. Because c(n) is an integer the exact power is a
/// saw-tooth in n: a slightly larger n can have lower power; `stable_from` is the smallest n from
/// which the power stays >= 1 - beta up to the scan's end (n_max_checked).
///
/// Not Boost's binomial_distribution::find_minimum_number_of_trials(k, p, alpha): that returns the
/// smallest n with P(X <= k | n, p) <= alpha for a fixed count k and one p, i.e. "trials needed to see
/// more than k events with confidence 1 - alpha". It fixes neither the test's size under p0 nor its
/// power under the alternative, so it does not answer this question on its own.
struct verification_plan {
  std::int64_t images = 0;        ///< smallest n with power >= 1 - beta
  std::int64_t critical = 0;      ///< c(images)
  double size = 0;                ///< P(X >= c | images, p0) <= alpha
  double power = 0;               ///< P(X >= c | images, ar)
  std::int64_t stable_from = 0;   ///< smallest n with power >= 1 - beta for every n up to n_max_checked
  std::int64_t n_max_checked = 0; ///< end of the scan (>= 2 * images + 50)
  double normal_approx = 0;       ///< ((z_{1-alpha} sqrt(p0 q0) + z_{1-beta} sqrt(ar (1-ar))) / (ar - p0))^2
};

/// ar in (p0, 1], power in (0,1), alpha in (0,1), p0 in (0,1). Throws invalid_argument otherwise, and
/// when more than max_images images would be scanned: at once when the normal approximation exceeds
/// max_images / 2 (the scan runs to about twice the answer), so the call is bounded in time.
verification_plan plan_verification_images(double ar, double power, double alpha = 0.05, double p0 = 0.01,
                                           std::int64_t max_images = 1'000'000);

}  // namespace neuroncert::bounds
