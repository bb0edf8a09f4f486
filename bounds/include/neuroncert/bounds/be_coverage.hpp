#pragma once
// Coverage of the bootstrap-ensemble (BE) prediction set, Theorem 4.1 as corrected in docs/theory.md sec. 5.
// Assumption (3) treats the K bootstrap resamples as fresh probing sets from P; real resamples come
// from the one probing set D, so for the bootstrap these numbers are a heuristic guarantee.
// Theory: docs/theory.md sec. 5.2 (BE prediction set), sec. 5.3 (Theorem 4.1, corrected).
#include <cstdint>
#include <optional>
#include <string_view>

#include "neuroncert/bounds/rates.hpp"

namespace neuroncert::bounds {

/// One-line caveat for outputs (docs/theory.md sec. 5).
inline constexpr const char* be_coverage_caveat =
    "the guarantee treats the K bootstrap resamples as fresh probing sets from P; real resamples come "
    "from one probing set, so for the bootstrap it is heuristic";

/// Per-identification failure probability p from a margin Delta (docs/theory.md sec. 5, Lemma B.2): the p
/// with r(n, p/|C|) = Delta/2, clamped to [0, 1]. Since every rate is sqrt(ln(2/delta)/(2 n_eff)), the
/// solution is closed-form: p = min(1, 2|C| exp(-n_eff Delta^2 / 2)), n_eff = n (accuracy),
/// m (ESS kind, n is m; m = 0 gives p = 1), rho(1-rho) n (AUROC).
/// margin > 0, num_concepts >= 1.
double p_from_margin(const rate_spec& spec, double n, double margin, std::int64_t num_concepts);

/// Accuracy: p = min(1, 2|C| exp(-n Delta^2 / 2)). n >= 1.
double p_from_margin_accuracy(double n, double margin, std::int64_t num_concepts);

/// Corrected Theorem 4.1 (docs/theory.md sec. 5): P(c* in S) >= P(Binomial(K, p) <= t - 1).
/// K >= 1, t in [1, K] the BE threshold, p in [0, 1].
double be_coverage_corrected(std::int64_t K, std::int64_t t, double p);

/// Tightened bound (a strict majority also puts c* first):
/// P(c* in S) >= P(Binomial(K, p) <= max(t, ceil(K/2)) - 1). Same ranges.
double be_coverage_tightened(std::int64_t K, std::int64_t t, double p);

/// The paper's printed main-text eq. 9, for comparison only (it is not the corrected bound):
/// P(Binomial(K, p) <= K - k_S - 1), k_S = k(S) the cumulative count of the set (evaluate at k_S = t).
/// 0 when K - k_S - 1 < 0. K >= 1, k_S in [1, K], p in [0, 1].
double paper_eq9(std::int64_t K, std::int64_t k_S, double p);

/// BE threshold from a fraction (Algorithm 1): t = ceil(tau K), clamped to [1, K]. tau in (0, 1],
/// K >= 1. tau is meant as a decimal: when tau K is within 1e-9 (relative) of an integer, that integer
/// is used, so 0.07 * 100 (7.000000000000001 in binary) gives 7, not 8.
std::int64_t threshold_from_fraction(double tau, std::int64_t K);

/// How a caller names the two ways of giving the threshold, in its messages.
struct be_threshold_names {
  std::string_view threshold = "--threshold", fraction = "--threshold-fraction";
};

/// The BE threshold t from exactly one of `threshold` (t itself, in [1, K]) or `fraction` (tau in
/// (0, 1], t = threshold_from_fraction(tau, K)), for K >= 1 resamples: one rule for every command
/// that takes a threshold. invalid_argument naming the value at fault ("--threshold must be in
/// (0, K] = (0, 20], got 21"), or both or neither given.
std::int64_t checked_be_threshold(std::int64_t K, std::optional<std::int64_t> threshold,
                                  std::optional<double> fraction, const be_threshold_names& names = {});

}  // namespace neuroncert::bounds
