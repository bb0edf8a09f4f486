#pragma once
// Neuron_Eval's theoretical metric sanity tests (Oikarinen et al., ICML 2025; docs/theory.md sec. 9), through
// sufficient statistics. A perfect binary neuron f = c with exactly P = round(gamma n) positives among
// n inputs; per seed two degraded concepts:
//   missing labels: each positive of c kept with probability 1/2        -> counts F11 = K, F10 = P - K,
//                   K ~ Binomial(P, 1/2), F01 = 0, F00 = n - P;
//   extra labels:   each negative turned on with probability P/(n - P)  -> counts F11 = P, F10 = 0,
//                   F01 = E ~ Binomial(n - P, P/(n - P)), F00 = n - P - E.
// Every pair metric of a binary neuron is a function of these counts (binary_neuron_metrics.hpp), so a
// seed costs two binomial draws instead of 2n uniforms; the per-sample sampler is the oracle the tests
// compare with. Normalised decrease d = (sim(f, c') - sim(f, c)) / range with range 1 (metrics in
// [0, 1]), 2 (correlation) or, for MAD and WPMI, the observed max - min over the perfect concept and
// every degraded concept of that gamma (both tests, all seeds). A seed detects when d < -eps.
// Who predicts whom matters for four metrics. In the paper's orientation (identify's) the neuron is
// the predictor: recall P(f=1|c=1), AUROC and AUPRC score the neuron against the concept's labels.
// Neuron_Eval's code (metrics.py: recall, precision, auc, auprc) makes the concept the predictor and
// the neuron the label, which is the same metric on the transposed 2x2 table; MAD and WPMI are the same
// in both codes, and accuracy, IoU, F1 and correlation are symmetric. The orientation changes the
// verdict: in the paper's orientation AUPRC misses extra labels at gamma 0.499 (about half the seeds,
// Neuron_Eval's own "inverse AUPRC") and AUROC misses missing labels at gamma <= 0.001.
// Seed s of gamma g draws from make_stream(seed, s, study_salt("sanity/gamma=g")): results are
// bit-identical for any thread count.
// Theory: docs/theory.md sec. 9 (metric sanity tests).
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/core/undefined.hpp"
#include "neuroncert/sim/experiments.hpp"

namespace neuroncert::sim {

enum class sanity_test { missing_labels, extra_labels };
std::string_view to_string(sanity_test t);

struct sanity_options {
  std::int64_t n = 500'000;                                      ///< inputs, >= 2
  std::vector<double> gammas = {0.499, 0.1, 0.01, 0.001, 0.0001};  ///< frequencies, each with 1 <= round(gamma n) < n
  std::int64_t seeds = 1000;                                     ///< >= 1
  double eps = 0.001;                                            ///< detection threshold on d, >= 0
  /// A metric passes a test when its detection rate is at least this at every gamma ("nearly all seeds").
  double pass_rate = 0.99;
  std::uint64_t seed = 1;
  sampler_kind sampler = sampler_kind::sufficient_statistics;
  /// Who predicts whom in recall, precision, AUROC and AUPRC. neuron_eval evaluates them on the
  /// transposed table (and ignores metric_opts.recall_precision); paper uses metric_opts as given.
  orientation predictor = orientation::paper;
  metric_options metric_opts;  ///< MAD form, WPMI eps/lambda (and recall/precision with predictor paper)
  std::function<void(std::size_t done, std::size_t total)> progress;  ///< gammas done; optional
};

/// Throws invalid_argument naming the bad field.
void check_sanity_options(const sanity_options& o);

/// One (metric, test, gamma) cell of the report.
struct sanity_cell {
  metric m = metric::accuracy;
  sanity_test test = sanity_test::missing_labels;
  double gamma = 0;
  std::int64_t positives = 0;   ///< P = round(gamma n)
  double perfect = 0;           ///< sim(f, c) of the perfect concept
  double range = 1;             ///< the divisor of d
  double mean_decrease = 0;     ///< mean of d over seeds with a defined degraded value (negative = falls)
  double detection_rate = 0;    ///< fraction of all seeds with d < -eps (undefined counts as not detected)
  std::int64_t undefined = 0;   ///< seeds whose degraded value is undefined
};

/// A metric's verdict: passes a test when it detects in >= pass_rate of the seeds at every gamma.
struct sanity_verdict {
  metric m = metric::accuracy;
  bool passes_missing = false, passes_extra = false;
  double worst_rate_missing = 0, worst_rate_extra = 0;    ///< lowest detection rate over gammas
  double worst_gamma_missing = 0, worst_gamma_extra = 0;  ///< where it is lowest
  [[nodiscard]] bool passes_both() const { return passes_missing && passes_extra; }
};

struct sanity_report {
  std::vector<sanity_cell> cells;       ///< metric-major, then test, then gamma in the given order
  std::vector<sanity_verdict> verdicts; ///< one per metric, in the given order
};

/// The metric of a binary neuron with counts k, in the tests' orientation (see predictor above).
metric_value sanity_metric(metric m, const counts2x2& k, orientation predictor, const metric_options& options);

/// Runs both tests for every metric (pair metrics only: a layer metric throws invalid_argument).
sanity_report run_sanity_tests(const std::vector<metric>& metrics, const sanity_options& options);

/// The counts of f = c (P positives among n) against the concept with each positive kept with
/// probability `keep`: the missing-labels draw. 0 <= P <= n, keep in [0, 1].
counts2x2 missing_labels_counts(random_engine& rng, std::int64_t n, std::int64_t positives, double keep = 0.5);
/// The counts against the concept with each negative turned on with probability P/(n - P). 0 <= P < n.
counts2x2 extra_labels_counts(random_engine& rng, std::int64_t n, std::int64_t positives);
/// The oracles: one uniform per affected input, as Neuron_Eval's notebook draws them.
counts2x2 missing_labels_counts_per_sample(random_engine& rng, std::int64_t n, std::int64_t positives,
                                           double keep = 0.5);
counts2x2 extra_labels_counts_per_sample(random_engine& rng, std::int64_t n, std::int64_t positives);

}  // namespace neuroncert::sim
