#pragma once
// Binarising a neuron by its top-alpha fraction (docs/theory.md sec. 3).
//
// Top-alpha: k = ceil(alpha * n), t = the k-th largest activation, f = 1 iff z >= t. Ties at the
// cut-off are all included, so #{f = 1} >= k; the rule is deterministic and permutation-invariant.
// With weights (bootstrap multiplicities) n = sum w and "k-th largest" counts each sample w times,
// so the result equals top-alpha on the data with rows duplicated by their weights.
//
// Caveat for the bounds: t is a sample quantile, so the f(x_i) are not exactly independent; the
// bounds of docs/theory.md sec. 4 assume a fixed binary f (what the simulations draw).
// Theory: docs/theory.md sec. 3 (binarising a neuron, quantiles).
#include <cstdint>
#include <span>
#include <vector>

namespace neuroncert {

/// k = ceil(alpha * n), guarding against alpha * n landing a rounding error above an integer
/// (0.07 * 100 = 7.000000000000001 in binary floating point must give 7, not 8).
double top_alpha_count(double alpha, double n);

/// The cut-off t of top-alpha binarisation. alpha in (0,1); weights empty (all 1) or >= 0 with a
/// positive sum. `order` is descending_order(z). Throws invalid_argument on bad alpha or weights.
double top_alpha_threshold(std::span<const double> z, std::span<const std::uint32_t> order, double alpha,
                           std::span<const double> weights = {});

/// Convenience: f_i = 1 if z_i >= top_alpha_threshold, else 0.
std::vector<double> binarize_top_alpha(std::span<const double> z, double alpha, std::span<const double> weights = {});

}  // namespace neuroncert
