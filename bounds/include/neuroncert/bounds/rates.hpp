#pragma once
// Two-sided convergence rates r(n, delta) of the faithfulness bounds (docs/theory.md sec. 4; paper sec. 3.2,
// App. D): P(|sim_hat - sim| >= r) <= delta. Every rate here has the form
//     r = sqrt( ln(2/delta) / (2 n_eff) )
// with an effective sample size n_eff: n (accuracy, Hoeffding), the conditioning count m (recall,
// precision, IoU), or rho (1 - rho) n = n0 n1 / n (AUROC, Agarwal et al. 2005 Thm. 5).
//
// The bounds assume a fixed binary neuron f. A neuron binarised by its top-alpha sample quantile
// (docs/theory.md sec. 3) makes the f(x_i) slightly dependent; the rates ignore that.
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap).
#include <cstdint>
#include <optional>

#include "neuroncert/core/metric.hpp"

namespace neuroncert::bounds {

/// Which closed-form rate a metric has (docs/theory.md sec. 4).
enum class rate_kind {
  hoeffding,              ///< accuracy: n_eff = n
  effective_sample_size,  ///< recall, precision, IoU: n_eff = m (conditionally on m)
  agarwal_auroc,          ///< AUROC: n_eff = rho (1 - rho) n
};

/// The rate kind of a metric, or std::nullopt when it has no closed-form bound
/// (F1, AUPRC, correlation, MAD, WPMI: use the empirical error quantile or a bootstrap instead).
std::optional<rate_kind> rate_kind_for(metric m);

/// A rate kind together with its parameter: rho (concept frequency, in (0,1)) is used only by
/// agarwal_auroc and ignored otherwise.
struct rate_spec {
  rate_kind kind = rate_kind::hoeffding;
  double rho = 0.5;
};

/// Accuracy, Hoeffding (docs/theory.md sec. 4, paper Thm. 3.1): r = sqrt(ln(2/delta) / (2n)).
/// n >= 1 (may be fractional for weighted counts), delta in (0,1). Unit: same as the metric ([0,1]).
double hoeffding_rate(double n, double delta);

/// Recall / precision / IoU, effective sample size (docs/theory.md sec. 4, paper sec. 3.2.1, App. D):
/// r = sqrt(ln(2/delta) / (2m)), valid conditionally on m. m >= 0; m = 0 returns +infinity
/// (no sample in the conditioning event: no information).
double ess_rate(double m, double delta);

/// AUROC, Agarwal et al. (docs/theory.md sec. 4): r = sqrt(ln(2/delta) / (2 rho (1-rho) n)),
/// n >= 1, rho in (0,1) the concept frequency, conditional on the class counts n1 = rho n.
double auroc_rate(double n, double rho, double delta);

/// AUROC in class-count form: r = sqrt(ln(2/delta) n / (2 n0 n1)), n = n0 + n1.
/// n0, n1 >= 0; a class with no sample returns +infinity (no information).
double auroc_rate_counts(double n0, double n1, double delta);

/// Generic dispatch: r = sqrt(ln(2/delta) / (2 n_eff(spec, n))). For effective_sample_size, n is m.
double rate(const rate_spec& spec, double n, double delta);

/// n_eff of the spec: n, m (= n), or rho (1-rho) n. Checks rho for agarwal_auroc.
double effective_n(const rate_spec& spec, double n);

/// Union (Bonferroni) split over the concept set (docs/theory.md sec. 4, Thm. 3.1): delta / |C|.
/// delta in (0,1), num_concepts >= 1.
double union_delta(double delta, std::int64_t num_concepts);

/// Effective sample sizes from the 2x2 counts F_ij = #{f=i, c=j} (doubles: weighted counts allowed),
/// in the paper's orientation (neuron predicts concept). All counts must be >= 0.
/// recall: m = F01 + F11 (concept positives).
double recall_effective_n(double f00, double f01, double f10, double f11);
/// precision: m = F10 + F11 (neuron fires).
double precision_effective_n(double f00, double f01, double f10, double f11);
/// IoU: m = F01 + F10 + F11 (neuron fires or concept present).
double iou_effective_n(double f00, double f01, double f10, double f11);

}  // namespace neuroncert::bounds
