#pragma once
// `neuroncert advise`: which similarity metric, and how many probing samples, for the user's setting
// (issue 14; docs/theory.md sec. 4, 4.1, 6.1, 9). For each metric and each concept frequency rho of the
// user's concept set, with the neuron-concept agreement as a 2x2 cell table W (given, or from
// recall/precision or recall/alpha and rho):
//   - the certified error at n: the closed-form rate at delta/|C| with the population's effective
//     size (bounds::population_rate) and, for the count metrics, the Clopper-Pearson radius at the
//     expected counts; the n each needs for epsilon (bounds' planners, docs/theory.md sec. 4.1);
//   - the simulated 0.95-quantile of |sim_hat - sim| at n: Experiment 1 (docs/theory.md sec. 6.1) in the user's
//     table, counts ~ Multinomial(n, W), every pair metric from the counts of a binary neuron
//     (binary_neuron_metrics.hpp); replicate j of frequency i draws from
//     make_stream(seed, j, study_salt("advise/setting=i")), so results do not depend on the thread count;
//     and, with epsilon, the n at which that simulation reaches epsilon (advise_simulation.hpp);
//   - identification over the concept set (Experiment 2 with the user's frequencies and agreement);
//   - the probability that the metric is undefined at n (closed forms below);
//   - Neuron_Eval's sanity tests (sim/sanity_tests.hpp) at the user's frequencies and max(n, 500,000),
//     in the paper's orientation (as identify computes the metrics) or Neuron_Eval's;
// and a recommendation: the metrics that pass both sanity tests, ranked by their worst simulated
// error over the frequencies (an undefined estimate counted as an infinite error, so a metric undefined
// in more than 5% of the probing sets ranks last) divided by the metric's range (1; 2 for correlation
// and MAD), then the others, each with one sentence saying why it ranks lower. Errors fall as
// 1/sqrt(n) for every metric, so this is also the order of the n each needs for an error of epsilon
// times its range.
// Theory: docs/theory.md sec. 10 (advise).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/sim/sanity_tests.hpp"
#include "neuroncert/studies/advise_simulation.hpp"

namespace neuroncert::studies {

/// The most concept frequencies evaluated one by one; a longer list (a frequency file of a large
/// concept set) is summarised by this many of its order statistics, smallest and largest included.
inline constexpr std::int64_t max_settings = 50;

struct advise_inputs {
  std::int64_t concepts = 1;             ///< |C| >= 1
  double delta = 0.05;                   ///< in (0,1)
  std::optional<std::int64_t> n;         ///< probing-set size; without it, accuracy's planned n for epsilon
  std::optional<double> epsilon;         ///< target accuracy (n needed per metric); n or epsilon required
  std::optional<double> margin;          ///< the margin Delta the user gave instead (epsilon = Delta / 2), for the record
  /// The probing-set sizes the user can afford (LO, HI), instead of n: the study runs at n = HI and
  /// says whether each metric's n for epsilon fits.
  std::optional<std::pair<std::int64_t, std::int64_t>> budget;
  std::vector<double> frequencies;       ///< concept frequencies rho (with recall/precision/alpha)
  std::optional<counts2x2> matrix;       ///< the agreement as cell probabilities W (one frequency)
  std::optional<double> recall, precision, alpha;  ///< two of them with frequencies: recall & precision or recall & alpha
  std::vector<metric> metrics;           ///< pair metrics; empty = all pair metrics
  std::int64_t replicates = 1000;        ///< Monte Carlo datasets per frequency
  std::int64_t sanity_seeds = 1000;      ///< seeds of the sanity tests
  /// Who predicts whom in the sanity tests' recall, precision, AUROC and AUPRC (sim::sanity_options::
  /// predictor): paper, as identify computes them, or Neuron_Eval's (the concept predicts the neuron).
  orientation sanity_orientation = orientation::paper;
  std::uint64_t seed = 1;
  double delta_split = 0.5;              ///< ESS planning: share of delta spent on the rate
  metric_options metric_opts;
  /// Probing-set sizes for the error-vs-n curves of the figure (empty: none). Each point repeats the
  /// simulation at that n (study "advise/curve/setting=i/n=N").
  std::vector<std::int64_t> curve_grid;
  std::function<void(std::size_t done, std::size_t total)> progress;  ///< settings done; optional
};

/// One point of a metric's error-vs-n curve: worst over the frequencies, as in the summaries.
struct advise_curve_point {
  metric m = metric::accuracy;
  std::int64_t n = 0;
  std::optional<double> certified;      ///< closed-form rate at delta/|C| (none without a closed form)
  std::optional<double> simulated_q95;  ///< over the defined replicates (none if never defined)
};

/// One metric at one frequency.
struct advise_row {
  metric m = metric::accuracy;
  std::size_t setting = 0;                 ///< index into advise_result::tables
  double rho = 0, population = 0;          ///< concept frequency, population value of the metric
  std::optional<double> certified_rate;    ///< closed-form rate at n and delta/|C| (none: no closed form)
  std::optional<double> cp_radius;         ///< Clopper-Pearson radius at the expected counts (count metrics)
  std::optional<std::int64_t> n_needed;    ///< smallest n with the rate <= epsilon (with epsilon, a rate)
  /// The exact alternative (docs/theory.md sec. 4.2, as `plan`): accuracy's exact-binomial n, or for recall,
  /// precision and IoU the n delivering the exact-binomial count; none for the others and past
  /// bounds::exact_binomial_max_n.
  std::optional<std::int64_t> n_needed_exact;
  std::optional<double> simulated_q95;     ///< 0.95-quantile of |error| over the defined replicates
  double simulated_q95_undefined_inf = 0;  ///< the same counting an undefined replicate as +inf (inf past 5%)
  double simulated_undefined = 0;          ///< fraction of replicates whose estimate was undefined
  double undefined_risk = 0;               ///< P(the metric is undefined at n) for one concept, closed form
};

/// One metric over the whole concept set, and its place in the recommendation.
struct advise_summary {
  metric m = metric::accuracy;
  std::optional<double> worst_certified;    ///< max over frequencies (none without a closed form)
  std::optional<std::int64_t> n_needed;     ///< max over frequencies
  std::optional<std::int64_t> n_needed_exact;  ///< max over frequencies
  /// With epsilon: the smallest n (to 1%) at which the simulated 0.95-quantile error, worst over the
  /// frequencies, an undefined estimate counted as infinite, is at most epsilon (advise_simulation.hpp).
  /// One concept at 0.95, where n_needed certifies all |C| at 1 - delta: it is smaller. None: beyond 1e9.
  std::optional<std::int64_t> simulated_n_needed;
  std::optional<double> worst_simulated;    ///< max over frequencies of simulated_q95
  double worst_conservative = 0;            ///< max over frequencies of simulated_q95_undefined_inf
  double normalised_error = 0;              ///< worst_conservative / range (the ranking key; inf if undefined > 5%)
  double worst_undefined_risk = 0;          ///< max over frequencies, one concept
  double any_undefined_bound = 0;           ///< min(1, sum over the |C| concepts of their risk)
  sim::sanity_verdict sanity;
  bool recommended = false;                 ///< passes both sanity tests
  int rank = 0;                             ///< 1 = first choice; every metric is ranked
  std::string reason;                       ///< one sentence
};

/// Identification over the concept set (advise_simulation.hpp): Experiment 2 with the user's frequencies
/// and agreement.
using advise_identification = identification_outcome;

struct advise_result {
  std::int64_t n = 0;
  std::vector<counts2x2> tables;            ///< one cell table per distinct frequency
  std::vector<double> rhos;
  std::vector<double> weights;              ///< how many of the |C| concepts each table stands for
  bool summarised = false;                  ///< more than max_settings distinct frequencies were given
  std::vector<advise_row> rows;             ///< metric-major, then setting
  std::vector<advise_summary> summaries;    ///< in rank order
  sim::sanity_report sanity;
  std::vector<advise_curve_point> curves;   ///< metric-major, then curve_grid order
  std::vector<advise_identification> identification;  ///< empty when not available (see identification_note)
  std::string identification_note;          ///< why identification was not simulated, or what it used
  std::int64_t sanity_n = 0;                ///< n of the sanity tests: max(n, 500,000) (Neuron_Eval's n)
  std::vector<double> sanity_gammas_skipped;///< frequencies with round(rho sanity_n) < 1: not tested
};

/// Checks the inputs (invalid_argument naming the option, in the CLI's words) and runs the study.
advise_result advise_study(const advise_inputs& in);

/// The 2x2 cell table of a concept of frequency rho with the given recall and precision (or recall
/// and neuron firing rate alpha): W11 = recall rho, a = W11 / precision (or alpha), W01 = rho - W11,
/// W10 = a - W11, W00 = 1 - a - rho + W11. Throws invalid_argument when a cell is negative.
counts2x2 table_from_agreement(double rho, double recall, std::optional<double> precision, std::optional<double> alpha);

/// P(metric undefined) for one concept at n samples from W (docs/theory.md sec. 2.1/2.2 "undefined when"):
/// no concept positives (1-rho)^n; no neuron positives (1-a)^n; a class empty (1-rho)^n + rho^n;
/// both empty W00^n; correlation: a constant neuron or concept, by inclusion-exclusion
/// (1-rho)^n + rho^n + (1-a)^n + a^n - sum_ij W_ij^n; WPMI: no positives or never fires,
/// (1-rho)^n + (1-a)^n - W00^n; accuracy 0.
double undefined_probability(metric m, const counts2x2& w, std::int64_t n, orientation o = orientation::paper);

/// What a pilot (a small activations + concepts pair) says about the setting: each concept's frequency
/// (column mean; concepts without a positive or without a negative left out and counted), the neurons'
/// firing rate after top-alpha binarisation (the median over neurons of P(f=1), about alpha), and the
/// agreement: for each neuron the concept with the highest IoU on the pilot, and the median over neurons
/// of that pair's recall P(f=1 | c=1), capped so that recall x the largest frequency <= the firing rate
/// (every 2x2 table valid; `recall_capped` says so).
struct pilot_estimate {
  std::int64_t samples = 0, neurons = 0, concepts = 0;
  std::vector<double> frequencies;
  std::int64_t concepts_left_out = 0;
  double alpha = 0;   ///< median firing rate
  double recall = 0;  ///< the agreement used
  double recall_median = 0;
  bool recall_capped = false;
};

/// Estimates the setting from the pilot's activations (n x F) and concepts (n x |C|), binarising each
/// neuron by top-alpha (docs/theory.md sec. 3; metric_opts.alpha). Throws data_error when no concept or
/// no neuron can be used.
pilot_estimate estimate_pilot(const Eigen::MatrixXd& activations, const Eigen::MatrixXd& concepts,
                              const metric_options& metric_opts);

/// The JSON report (without run metadata): inputs, per-metric summaries in rank order, rows, sanity cells.
nlohmann::json advise_json(const advise_inputs& in, const advise_result& r);

}  // namespace neuroncert::studies
