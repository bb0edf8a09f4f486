#pragma once
// Certified identification over the concept set (docs/theory.md sec. 4.3, beyond the paper). Every concept
// c of one neuron gets an interval [L_c, U_c] for its population similarity at delta/|C|, so that all
// of them hold at once with probability >= 1 - delta (union bound). On that event, for the population
// best c* and any c', U_{c*} >= sim(c*) >= sim(c') >= L_{c'}; hence
//   S_cert = {c : U_c >= max_c' L_c'}   contains c* with probability >= 1 - delta,
// with no assumption on resampling (the BE set's guarantee needs fresh probing sets, which a bootstrap
// does not give), and |S_cert| = 1 certifies the explanation as unique. The pessimistic choice
//   c_LCB = argmax_c L_c   (ties: the lowest index)
// is the concept whose similarity is certified highest: on the same event sim(c_LCB) >= L_{c_LCB}. The
// plain argmax can pick a concept with one or two positives whose estimate is noisy; c_LCB cannot.
//
// Intervals, per concept, chosen by what its counts allow (never the intersection of two intervals,
// which would hold only at 2 delta/|C|):
//   accuracy, recall, precision, IoU with integer counts: Clopper-Pearson on the estimate's binomial
//     form (successes of trials, rate_basis.hpp; recall, precision and IoU conditional on the trials);
//   AUROC of a binary neuron (tie-corrected) with integer counts: auroc_binary_exact (auroc_interval.hpp:
//     Clopper-Pearson on TPR and TNR, delta_c split between them);
//   AUROC otherwise, with whole class counts: auroc_u_statistic_kl (Hoeffding's two-sample U-statistic
//     bound in kl form with min(n1, n0); valid for any scores, ties included, and never wider than
//     Agarwal's rate);
//   otherwise (weighted counts): the metric's closed-form rate, [estimate - r, estimate + r] clipped to
//     [0, 1] (AUROC's is Agarwal's with the concept's class counts).
// The set is over the concepts with a defined estimate (a concept the probing set cannot score has no
// interval narrower than [0, 1] and is reported as skipped), and, with a minimum support m_min, over the
// concepts with at least m_min positives in the probing set: the guarantee is then about the best of
// those. The union bound still counts all |C| concepts (the caller passes delta/|C|), since which
// concepts pass the filter depends on the sample.
//
// Cost: the exact intervals are only computed where the cheap ones cannot decide. A Clopper-Pearson
// bound at level d never lies farther from the estimate than Hoeffding's radius sqrt(ln(2/d)/(2 trials))
// (at p_H = p_hat + that radius, Hoeffding gives P(X <= x) <= d/2, the tail that defines the upper
// bound, so p_H >= upper), and L_c <= estimate_c <= U_c. So concepts are visited by estimate, highest
// first, until no later one can raise max L; and a concept is in S_cert without computing U_c when its
// estimate is >= max L, and out when estimate + radius < max L.
// Theory: docs/theory.md sec. 4.3 (certified sets).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert::bounds {

/// One neuron's certified identification over its concepts.
struct certified_set {
  std::string method;                   ///< "exact" (Clopper-Pearson, the AUROC intervals), "rate" or "mixed"
  Eigen::Index lcb_concept = -1;        ///< c_LCB (-1: no concept has an interval)
  interval lcb_interval;                ///< [L, U] of c_LCB
  std::vector<Eigen::Index> members;    ///< S_cert, by estimate descending (ties: lower index)
  Eigen::Index below_min_support = 0;   ///< concepts left out by the minimum support
  [[nodiscard]] bool unique() const { return members.size() == 1; }
};

/// The interval of one concept at delta_c (see above), and the radius that bounds how far it can lie
/// from the estimate (for the pruning). `integer_counts`: the counts are whole numbers from a binary
/// concept (Clopper-Pearson applies). The metric must have a closed-form rate (rate_kind_for).
struct concept_interval {
  interval bounds;
  double max_radius = 0;
  bool exact = false;  ///< Clopper-Pearson
};
concept_interval interval_for_concept(metric m, double estimate, const counts2x2& k, bool integer_counts,
                                      double delta_c, const metric_options& options);

/// S_cert and c_LCB of one neuron from its estimates and counts per concept (same length), at delta_c =
/// delta/|C| per concept. Concepts with an undefined estimate are skipped; with min_support > 0,
/// concepts with fewer concept positives (weighted) than min_support are left out and counted.
/// Throws invalid_argument for a metric without a closed-form rate.
certified_set certify_concept_set(metric m, std::span<const metric_value> estimates, std::span<const counts2x2> counts,
                                  bool integer_counts, double delta_c, double min_support,
                                  const metric_options& options);

}  // namespace neuroncert::bounds
