#pragma once
// Sample quantiles: the one definition every quantile in neuroncert uses (error quantiles of the
// simulations, SIEVE's Q_0.99 / median, the real-data subsampling study).
// Theory: docs/theory.md sec. 3 (binarising a neuron, quantiles).
#include <span>

namespace neuroncert {

/// Hyndman-Fan type 7 quantile (NumPy's default, linear interpolation between order statistics):
/// h = (n-1) q, Q = x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)), 0-based sorted x.
/// q in [0,1]; x non-empty and finite. Throws invalid_argument otherwise.
double quantile_type7(std::span<const double> x, double q);

}  // namespace neuroncert
