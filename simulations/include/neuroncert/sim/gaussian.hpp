#pragma once
// Continuous Gaussian experiment (docs/theory.md sec. 6.3; paper App. H.1, Fig. 8a).
//
// Model: c ~ Bernoulli(p), z | c=1 ~ N(mu_pos, s_pos^2), z | c=0 ~ N(mu_neg, s_neg^2). For each n of
// a grid, N_exp datasets of n i.i.d. samples are drawn and the continuous metrics (AUROC, AUPRC,
// correlation, MAD, WPMI) are estimated with the core's per-pair functions (pair_metric). Their error
// against the population value is summarised by its 0.95-quantile (Hyndman-Fan type 7).
//
// Error kind: MAD uses the *relative* error |est - pop| / |pop| (the paper's choice: MAD is not on a
// fixed scale); every other metric the absolute error |est - pop|. The quantity names say which:
// "rel_error_q95" vs "abs_error_q95".
//
// Population values are exact, never from a large sample:
//   AUROC       = Phi((mu_pos - mu_neg) / sqrt(s_pos^2 + s_neg^2))                      (closed form)
//   correlation = p(1-p)(mu_pos-mu_neg) / sqrt(Var(z) p(1-p)),
//                 Var(z) = p s_pos^2 + (1-p) s_neg^2 + p(1-p)(mu_pos-mu_neg)^2           (closed form)
//   MAD         = mu_pos - mu_neg; standardised (CoSy): (mu_pos - mu_neg) / s_neg       (closed form)
//   AUPRC       = integral of precision(t) dTPR(t) = int prec(t) phi_pos(t) dt, with
//                 TPR(t) = Q_pos(t) = P(z >= t | c=1), FPR(t) = Q_neg(t),
//                 prec(t) = p Q_pos(t) / (p Q_pos(t) + (1-p) Q_neg(t))
//                 (Boost.Math adaptive Gauss-Kronrod over mu_pos +- 12 s_pos; the mass outside is
//                 < 4e-33). This is the limit of the step-wise average precision of the core.
//   WPMI        = the top-alpha threshold t_alpha solves p Q_pos(t) + (1-p) Q_neg(t) = alpha (Boost
//                 TOMS 748 root finding); the active set is {z >= t_alpha}, and for a 0/1 concept
//                 WPMI = P(c=0 | z >= t_alpha) log(eps) + P(c=1 | z >= t_alpha) log(1) - lambda log p
//                 (docs/theory.md sec. 2.2: mean over the active set of log max(c, eps), minus lambda times
//                 the log of the concept's frequency).
// Undefined estimates (e.g. no positive among the n samples: P = (1-p)^n = 0.135 at n = 1000) are
// counted ("undefined_count") and never dropped silently; the quantile is over the defined replicates,
// and "*_q95_undef_inf" counts an undefined replicate as an infinite error.
//
// Monte Carlo: the study "gaussian/<setting>/n=N" draws replicate j from
// make_stream(seed, j, study_salt(that name)) on the engine (engine.hpp): bit-identical for any
// thread count, and each n is reproducible on its own. A replicate's n samples are drawn one by one
// but reduced, as they are drawn, to O(number of positives) weighted points that give every metric
// the value it has on the n samples (draw_gaussian_reduced below), so no replicate sorts n values;
// gaussian_options::sampler = per_sample runs the metrics on the n samples themselves (the oracle).
//
// Tidy quantities (metric = the metric's name, n = the probing-set size):
//   population_value, replicates, undefined_count, abs_error_q95 | rel_error_q95 (MAD),
//   abs_error_q95_undef_inf | rel_error_q95_undef_inf, error_median (same error kind as the q95).
// Theory: docs/theory.md sec. 6.3 (continuous Gaussian setting).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/core/undefined.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/tidy.hpp"

namespace neuroncert::sim {

/// The Gaussian class-conditional model. Defaults: the paper's App. H.1 setting.
struct gaussian_setting {
  double p = 0.002;      ///< concept frequency P(c = 1), in (0,1)
  double mu_pos = 1.0;   ///< mean of z given c = 1 (finite)
  double mu_neg = 0.0;   ///< mean of z given c = 0 (finite)
  double s_pos = 0.2;    ///< standard deviation of z given c = 1 (> 0)
  double s_neg = 0.5;    ///< standard deviation of z given c = 0 (> 0)
};

/// Throws invalid_argument naming the bad field.
void check_gaussian_setting(const gaussian_setting& s);

/// "p=0.002;mu_pos=1;mu_neg=0;s_pos=0.2;s_neg=0.5" (the tidy `setting` cell; no commas).
std::string gaussian_setting_name(const gaussian_setting& s);

/// The continuous metrics of Fig. 8a: auroc, auprc, correlation, wpmi, mad.
std::vector<metric> gaussian_metrics();

// ---- population values ---------------------------------------------------------------------
double gaussian_population_auroc(const gaussian_setting& s);
double gaussian_population_correlation(const gaussian_setting& s);
/// mu_pos - mu_neg, or (mu_pos - mu_neg) / s_neg when standardised.
double gaussian_population_mad(const gaussian_setting& s, bool standardised = false);
double gaussian_population_auprc(const gaussian_setting& s);
/// t_alpha with p Q_pos(t) + (1-p) Q_neg(t) = alpha. alpha in (0,1).
double gaussian_top_alpha_threshold(const gaussian_setting& s, double alpha);
/// WPMI with the top-alpha active set; alpha, eps in (0,1), lambda finite.
double gaussian_population_wpmi(const gaussian_setting& s, double alpha = 0.05, double lambda = 1.0,
                                double eps = 1e-8);
/// Dispatch for auroc (mid-rank form; options.auroc must be tie_corrected and activations continuous),
/// auprc, correlation, mad (options.mad_standardised), wpmi (options.alpha, wpmi_lambda, wpmi_eps).
/// Throws invalid_argument for the count metrics.
double gaussian_population_value(metric m, const gaussian_setting& s, const metric_options& options = {});

/// True for the metrics whose error the experiment reports relative to |population| (MAD).
constexpr bool gaussian_relative_error(metric m) { return m == metric::mad; }

// ---- sampling ------------------------------------------------------------------------------
struct gaussian_sample {
  std::vector<double> z;  ///< activations
  std::vector<double> c;  ///< concept, 0/1
};

/// n i.i.d. samples: for each sample c ~ Bernoulli(p) then z | c (Boost.Random bernoulli and normal
/// distributions on `rng`, in that order per sample). n >= 1. The experiment's oracle sampler.
gaussian_sample draw_gaussian_sample(random_engine& rng, std::int64_t n, const gaussian_setting& s);

/// A dataset reduced to what the experiment's metrics read: two weighted samples (weights =
/// multiplicities) that the core's pair_metric takes in place of the n samples.
///   ranked   every positive (c = 1, weight 1) and, for each run of consecutive negatives (in the
///            order of z) that no positive value and no top-alpha cut t separates, one of its values
///            with weight = its size. A negative equal to a positive value or to t forms a run of
///            its own, holding that value. AUROC, AUPRC and WPMI read only the weighted ranks, the
///            precision at each positive and the top-alpha set {z >= t}, which are those of the full
///            dataset: AUROC and AUPRC are bit-identical to pair_metric on the n samples (their sums
///            are of integers), WPMI equal up to the rounding of one sum.
///   moments  every positive (weight 1) and the negatives as the two points m0 - s0 and m0 + s0 of
///            weight n0/2 each (m0, s0: their mean and root mean square deviation): the same class
///            sizes, sums and sums of squares, so correlation and MAD equal pair_metric on the n
///            samples up to rounding.
/// Its size is O(number of positives), whatever n.
struct gaussian_reduced_sample {
  std::vector<double> ranked_z, ranked_c, ranked_w;
  std::vector<double> moment_z, moment_c, moment_w;
  std::int64_t positives = 0, negatives = 0;
};

/// Reduces a dataset given as its positives' and negatives' activations; `alpha` is the top-alpha
/// fraction the WPMI estimate binarises at (metric_options::alpha). Values must be finite.
gaussian_reduced_sample reduce_gaussian_sample(std::span<const double> positives, std::span<const double> negatives,
                                               double alpha);

/// The dataset draw_gaussian_sample(rng, n, s) draws (the same draws from `rng`, in the same order),
/// reduced at `alpha`: every metric of the experiment is a function of its multiset of (z, c) pairs,
/// so each reduced_pair_metric equals pair_metric on that sample (as reduce_gaussian_sample says).
/// O(n) time and no O(n) allocation per call once a thread has made one.
gaussian_reduced_sample draw_gaussian_reduced(random_engine& rng, std::int64_t n, const gaussian_setting& s,
                                              double alpha);

/// pair_metric of a Gaussian-experiment metric on the matching sample of `r` (ranked: AUROC, AUPRC,
/// WPMI; moments: correlation, MAD).
metric_value reduced_pair_metric(metric m, const gaussian_reduced_sample& r, const metric_options& options);

// ---- the experiment ------------------------------------------------------------------------
struct gaussian_options {
  gaussian_setting setting;
  std::vector<metric> metrics = gaussian_metrics();  ///< continuous metrics only
  std::vector<std::int64_t> n_grid;                  ///< each n >= 1 (the CLI default: 10^3..10^5)
  std::int64_t replicates = 1000;                    ///< N_exp >= 1
  std::uint64_t seed = 1;
  metric_options metric_opts;                        ///< alpha, WPMI lambda/eps, MAD standardised
  /// sufficient_statistics: datasets from draw_gaussian_reduced (the default); per_sample: the n
  /// samples of draw_gaussian_sample (the oracle, for tests and benchmarks).
  sampler_kind sampler = sampler_kind::sufficient_statistics;
  /// Optional progress (study name, done, total).
  std::function<void(const std::string&, std::size_t, std::size_t)> progress;
};

/// Throws invalid_argument naming the bad field.
void check_gaussian_options(const gaussian_options& o);

/// Runs the experiment: tidy rows (experiment "gaussian") per metric and n, see the header comment.
std::vector<tidy_row> run_gaussian(const gaussian_options& o);

/// JSON metadata block: the setting, population values, error kind per metric, N_exp, grid, options.
nlohmann::json gaussian_metadata(const gaussian_options& o);

}  // namespace neuroncert::sim
