#pragma once
// What `neuroncert bound` reports (docs/theory.md sec. 4, 4.2): the certified rate r(n, delta/|C|) with its
// basis, the uniform gap 2r and, from 2x2 counts, the estimate with its Clopper-Pearson interval.
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap),
//   sec. 4.2 (exact binomial intervals and planning).
#include <cstdint>
#include <optional>
#include <string>

#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/rate_basis.hpp"

namespace neuroncert::bounds {

/// The estimate from the counts: k of trials for the count metrics (with Clopper-Pearson), balanced
/// accuracy (TPR + TNR) / 2 for AUROC on a binary neuron (tie-corrected).
struct count_estimate {
  bool defined = false;
  std::string reason;  ///< why not, when undefined
  double value = 0.0;
  std::optional<interval> clopper_pearson;
  std::int64_t successes = 0, trials = 0;
};

struct bound_report {
  rate_basis basis;  ///< kind, effective n and its description
  double rate = 0.0;
  double gap = 0.0;  ///< 2 r (Corollary 3.2)
  std::optional<count_estimate> estimate;  ///< with counts only
};

/// The bound for metric m (with a closed-form rate) at n samples and per-concept level delta_c:
/// from the counts when given (their sum is n), else Hoeffding at n or Agarwal at rho (1 - rho) n.
/// Throws invalid_argument when the metric needs what is missing (counts for recall / precision / IoU,
/// rho or counts for AUROC) or has no rate.
bound_report bound_report_for(metric m, std::int64_t n, double delta_c, std::optional<double> rho,
                              const std::optional<counts2x2>& counts);

}  // namespace neuroncert::bounds
