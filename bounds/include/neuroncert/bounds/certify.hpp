#pragma once
// Certified identification: for every neuron, the selected concept c_hat, its estimate, a
// certified interval for its population similarity, and the certified gap to the best concept
// (docs/theory.md sec. 4: Theorem 3.1 with the union bound over |C|, Corollary 3.2 per concept).
//
// Guarantee (per neuron, simultaneously over its concepts): with probability >= 1 - delta,
//   |sim(c_hat) - sim_hat(c_hat)| <= r_{c_hat}      and      sim(c_hat) >= sim(c*) - gap,
// where every rate is taken at delta/|C| and gap = r_{c_hat} + max_c r_c (c* unknown; for
// accuracy all rates are equal and gap = 2r). Rates per metric: Hoeffding (accuracy),
// effective sample size m of the pair (recall, precision, IoU; conditional on m), Agarwal with
// the concept's class counts (AUROC). F1, AUPRC, correlation, MAD and WPMI have no closed-form
// rate: `has_bound` is false and users should use the bootstrap instead.
// Assumptions to state with results: a fixed binary neuron (top-alpha binarisation makes f
// depend weakly on the sample, docs/theory.md sec. 3); no correction across neurons (pass delta/F
// for a guarantee over all neurons at once).
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap), sec. 4.3 (certified sets).
#include <optional>
#include <string>
#include <vector>

#include "neuroncert/bounds/certified_set.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/all_pairs.hpp"

namespace neuroncert::bounds {

struct certified_identification {
  Eigen::Index concept_index = -1;  ///< c_hat; -1 if every concept was undefined
  double estimate = 0.0;            ///< sim_hat(c_hat)
  Eigen::Index skipped = 0;         ///< undefined concepts skipped
  bool has_bound = false;           ///< false for metrics without a closed-form rate
  std::string bound;                ///< "hoeffding", "effective_sample_size", "agarwal_auroc" or ""
  double effective_n = 0.0;         ///< n, m or the class-count size n0 n1 / n behind the rate
  double rate = 0.0;                ///< r_{c_hat} at delta/|C| (+infinity when m = 0)
  interval certified;               ///< [estimate - rate, estimate + rate] clipped to [0,1]
  std::optional<interval> clopper_pearson;  ///< exact interval at delta/|C| (integer counts only)
  double gap = 0.0;                 ///< certified sim(c*) - sim(c_hat) <= gap, at most 1
  bool gap_vacuous = false;         ///< the gap reached the metric's range (1): it says nothing
  /// Certified identification over the concepts (certified_set.hpp, docs/theory.md sec. 4.3): c_LCB and
  /// S_cert at delta/|C| per concept. Empty (lcb_concept -1) without a bound or a defined concept.
  certified_set candidates;
};

/// Every neuron's certified identification and the similarity matrix it was chosen from (kept so
/// that a study needing the full-set similarities, such as the Theorem 4.1 plug-in, does not
/// compute them a second time).
struct certification {
  std::vector<certified_identification> neurons;  ///< one per neuron, in column order
  similarity_matrix similarities;                 ///< F x |C|, the full-set estimates
};

/// Identifies and certifies every neuron on the (unweighted) probing set. delta in (0,1). min_support
/// >= 0: the certified set and c_LCB only consider concepts with at least this many positives.
certification certify_all(const probing_set& set, metric m, const metric_options& options, double delta,
                          double min_support = 0.0);

/// certify_all(...).neurons.
std::vector<certified_identification> certify_identifications(const probing_set& set, metric m,
                                                              const metric_options& options, double delta);

}  // namespace neuroncert::bounds
