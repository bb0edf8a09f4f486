#pragma once
// What a metric's closed-form rate rests on, read from the 2x2 counts (docs/theory.md sec. 4): which rate,
// which effective sample size, and the binomial form (successes of trials) of the estimate for
// Clopper-Pearson. The one place that knows, per metric and orientation, which count is m; `certify`,
// `neuroncert bound` and the simulation studies all ask it.
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap).
#include <optional>
#include <string>

#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"

namespace neuroncert::bounds {

struct rate_basis {
  /// The closed-form rate, or nullopt for a metric without one (F1, AUPRC, correlation, MAD, WPMI).
  std::optional<rate_kind> kind;
  /// n (accuracy), m (recall, precision, IoU: the count of the conditioning event in the given
  /// orientation) or n0 n1 / n (AUROC; 0 when a class is empty). 0 without a rate.
  double n_eff = 0.0;
  /// Concept negatives F00 + F10 and positives F01 + F11 (AUROC's rate uses them).
  double n0 = 0.0, n1 = 0.0;
  /// The estimate as successes of trials (accuracy, recall, precision, IoU), for Clopper-Pearson;
  /// trials = n_eff. Not set for AUROC and metrics without a rate.
  std::optional<double> successes;
  double trials = 0.0;
  /// A short description of n_eff: "hoeffding, n", "effective sample size m",
  /// "agarwal, n0 n1 / n from the counts"; without a rate, why ("metric 'f1' has no closed-form rate").
  std::string basis;
  /// Why the estimate is undefined when trials = 0 (or, for AUROC, a class is empty), e.g. "no concept
  /// positives"; empty otherwise.
  std::string empty_reason;
};

/// The rate basis of metric m on the counts k (weighted counts allowed), recall/precision in
/// orientation o (paper: recall conditions on c = 1, precision on f = 1; neuron_eval: the reverse).
/// Never throws; the counts are taken as given (>= 0).
rate_basis rate_basis_for(metric m, const counts2x2& k, orientation o = orientation::paper);

/// The rate r(n_eff, delta) of the basis (docs/theory.md sec. 4): Hoeffding at n, ESS at m (+infinity when
/// m = 0), Agarwal with the class counts (+infinity when a class is empty). delta in (0,1); throws
/// invalid_argument for a basis without a rate.
double rate_at(const rate_basis& b, double delta);

/// The rate at n samples drawn from a population whose cell probabilities gave the basis (cells sum
/// to 1): Hoeffding at n, ESS at m = share n, Agarwal at rho (1 - rho) n with rho = n1 (docs/theory.md
/// sec. 4). nullopt for a basis without a rate. n >= 1, delta in (0,1).
std::optional<double> population_rate(const rate_basis& shares, double n, double delta);

}  // namespace neuroncert::bounds
