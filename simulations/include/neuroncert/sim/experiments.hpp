#pragma once
// The paper's synthetic experiments as data (docs/theory.md sec. 6.1, 6.2, 6.4 and Fig. 3a), each
// returning tidy rows (tidy.hpp). Monte Carlo studies run on the engine (engine.hpp): the study
// "EXPERIMENT/SETTING/n=N" draws replicate j from make_stream(seed, j, study_salt(that name)),
// so every (experiment, setting, n) is reproducible on its own and independent of the grid.
//
// Quantiles are Hyndman-Fan type 7 (core's quantile_type7) at level 0.95.
// Undefined estimates (docs/theory.md sec. 2.1) are never dropped silently: "abs_error_q95" is the
// quantile over the *defined* replicates, "undefined_count" says how many were not defined, and
// "abs_error_q95_undef_inf" is the conservative quantile counting an undefined replicate as an
// infinite error (it is +inf when more than ~5% are undefined). An empty value means "no defined
// replicate at all".
//
// Quantities per experiment (column `quantity` of the tidy CSV):
//   exp1        population_value, replicates, undefined_count, abs_error_q95, abs_error_q95_undef_inf
//   auroc-rate  agarwal_rate (r_AUROC(n, delta) = sqrt(ln(2/delta)/(2 rho(1-rho) n)), setting "rho=R")
//   exp2        replicates, undefined_count (no concept defined), gap_q95 (0.95-quantile of
//               max_c sim(c) - sim(c_hat)), gap_mean, inv_sqrt_n (metric "reference"),
//               bound_2r_hoeffding (2 r_Hoeffding(n, delta/|C|), the paper's line, metric
//               "reference"), rate_hoeffding_union (r_Hoeffding(n, delta/|C|), Thm. 3.1, metric
//               "reference"), per metric sup_abs_error_q95 (0.95-quantile of the uniform deviation
//               max_c |sim_hat(c) - sim(c)| over concepts with a defined estimate: what Thm. 3.1
//               bounds), and bound_rchat_plus_rcstar_median: the median over
//               replicates of r_{c_hat}(delta/|C|) + r_{c*}(delta/|C|) with the metric's own rate at
//               the *population* effective size of each concept (accuracy n: equal to 2r; recall
//               rho_c n; precision a n; IoU (W01+W10+W11) n; AUROC Agarwal with rho_c).
//   validate    population_value, replicates, undefined_count, empirical_q95 (abs error),
//               hoeffding_rate (accuracy, n) | ess_rate_at_population_m (recall/precision/IoU,
//               m = population share x n) | agarwal_rate_at_population_rho (AUROC),
//               cp_radius_q95 (count metrics only: the 0.95-quantile over replicates of the
//               Clopper-Pearson radius max(p_hat - lower, upper - p_hat) at delta, from the sample
//               counts), cp_rate_at_population_m (the CP radius for an estimate equal to the
//               population value with the population m, rounded to integers), and
//               ratio_<bound>_to_empirical for each bound; plus coverage_<bound>: the fraction of
//               defined replicates with |error| <= bound (should be >= 1 - delta).
//               AUROC (tie-corrected convention only) also has the exact binary interval
//               (bounds/auroc_interval.hpp, auroc_binary_exact: Clopper-Pearson on TPR and TNR):
//               auroc_exact_radius_q95 (the 0.95-quantile over replicates of its radius
//               max(A_hat - lower, upper - A_hat) at delta, from the sample counts),
//               coverage_auroc_exact_radius, auroc_exact_at_population (the radius at the
//               population counts n1 = rho n, TP = TPR n1, TN = TNR n0, each rounded; +inf when
//               rho n rounds to 0, drawn as a gap) and the two ratios to empirical_q95.
// Theory: docs/theory.md sec. 6.1 (Experiment 1), sec. 6.2 (Experiment 2),
//   sec. 6.4 (validation of the bounds).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/sim/sampling.hpp"
#include "neuroncert/sim/tidy.hpp"

namespace neuroncert::sim {

/// How a study draws its datasets: through sufficient statistics (default) or sample by sample
/// (the oracle, O(n) / O(n |C|) per dataset; for tests and benchmarks).
enum class sampler_kind { sufficient_statistics, per_sample };

/// Progress of the current study (its name, replicates done, total).
using study_progress = std::function<void(const std::string& study, std::size_t done, std::size_t total)>;

struct study_options {
  std::uint64_t seed = 1;
  std::int64_t replicates = 1000;      ///< N_exp >= 1
  std::vector<std::int64_t> n_grid;    ///< each n >= 1
  double delta = 0.05;                 ///< in (0,1)
  sampler_kind sampler = sampler_kind::sufficient_statistics;
  metric_options metric_opts;          ///< AUROC convention etc. (default: tie-corrected)
  study_progress progress;             ///< optional
};

/// Throws invalid_argument naming the bad field (replicates < 1, empty grid, n < 1, delta).
void check_study_options(const study_options& o);

/// The quantile level of every experiment (0.95).
inline constexpr double quantile_level = 0.95;

struct binary_setting {
  std::string name;
  counts2x2 m;  ///< population cell probabilities W (checked by check_cell_matrix)
};

/// docs/theory.md sec. 6.1 Setting 1 (regular) and Setting 2 (rare, rho = 0.001).
binary_setting setting1();
binary_setting setting2();

/// accuracy, auroc, iou, recall, precision (the paper's Fig. 2 / 3b metrics).
std::vector<metric> paper_metrics();

/// Limits of a simulation's size, refused up front rather than run for days or allocated in vain:
/// a probing set of 10^9 samples is beyond any study (the per-sample experiments draw every sample),
/// and 10^7 replicates resolve a 0.95-quantile far below any plotting resolution.
inline constexpr std::int64_t max_probing_set_size = 1'000'000'000;
inline constexpr std::int64_t max_replicates = 10'000'000;
inline constexpr std::int64_t max_grid_points = 1000;

/// About `points` integers log-spaced from n_min to n_max inclusive (rounded, duplicates removed).
/// 1 <= n_min <= n_max <= max_probing_set_size, 1 <= points <= max_grid_points (points = 1 gives
/// {n_min}). Throws invalid_argument.
std::vector<std::int64_t> log_grid(std::int64_t n_min, std::int64_t n_max, std::int64_t points);

/// Type-7 quantile of defined values, counting `undefined` extra replicates as +infinity.
/// Returns +inf when the quantile position falls among them; values must be non-empty or undefined > 0.
double quantile_undefined_as_inf(std::vector<double> defined_values, std::size_t undefined, double q);

/// Experiment 1 (docs/theory.md sec. 6.1): the error quantiles of each metric for each setting and n.
std::vector<tidy_row> run_exp1(const std::vector<binary_setting>& settings, const std::vector<metric>& metrics,
                               const study_options& options);

/// Paper Fig. 3a: r_AUROC(n, delta) for each rho (no Monte Carlo). rho in (0,1), n >= 1.
std::vector<tidy_row> run_auroc_rate(const std::vector<double>& rhos, const std::vector<std::int64_t>& n_grid,
                                     double delta);

/// Experiment 2 (docs/theory.md sec. 6.2): the gap quantile of identification over a concept set
/// redrawn for every dataset. Identification uses core's identify_neuron (ties: lowest concept
/// index; undefined concepts skipped) on a 1 x |C| similarity_matrix.
std::vector<tidy_row> run_exp2(const concept_set_spec& spec, const std::vector<metric>& metrics,
                               const study_options& options);

/// One Experiment-2 replicate, exposed for tests: the gap max_c sim(c) - sim(c_hat) per metric
/// (undefined when no concept is defined), the population matrices and the sample counts.
struct exp2_replicate {
  std::vector<counts2x2> matrices;
  std::vector<counts2x2> counts;
  std::vector<std::int64_t> chosen;     ///< c_hat per metric (-1 when none is defined)
  std::vector<std::int64_t> best;       ///< c* per metric (population argmax, lowest index on ties)
  std::vector<double> gap;              ///< per metric (meaningless when chosen == -1)
  std::vector<double> per_concept_bound;///< r_{c_hat} + r_{c*} at delta/|C| (inf if none chosen)
  std::vector<double> sup_error;        ///< max over concepts with a defined estimate of |sim_hat - sim|
};
exp2_replicate exp2_draw(random_engine& rng, std::int64_t n, const concept_set_spec& spec,
                         const std::vector<metric>& metrics, const study_options& options);

/// Bound validation (docs/theory.md sec. 6.4) for the binary settings: empirical error quantile beside
/// each closed-form rate and the Clopper-Pearson alternative, with ratios and coverages.
std::vector<tidy_row> run_validate(const std::vector<binary_setting>& settings, const std::vector<metric>& metrics,
                                   const study_options& options);

}  // namespace neuroncert::sim
