#pragma once
// The Monte Carlo parts of `neuroncert advise` (advise.hpp), in the user's setting:
//   - Experiment 1 (docs/theory.md sec. 6.1) at one n: counts ~ Multinomial(n, W) in each of the user's tables,
//     every pair metric from the counts of a binary neuron (binary_neuron_metrics.hpp), and the
//     0.95-quantile of |estimate - population| per metric and table;
//   - the smallest n at which that quantile, worst over the tables, reaches epsilon (a search over n
//     that repeats Experiment 1 at each candidate);
//   - identification over the concept set (Experiment 2, docs/theory.md sec. 6.2, with the user's agreement).
// Every draw comes from make_stream(seed, replicate, study_salt(study)) with a study name that fixes
// the table and n (the n search: one stream per table and n, see below), so results do not depend on
// the thread count.
// Theory: docs/theory.md sec. 10 (advise), sec. 6.1 (Experiment 1), sec. 6.2 (Experiment 2).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"

namespace neuroncert::studies {

/// One metric in one table at one n.
struct simulated_error {
  std::optional<double> q95;        ///< 0.95-quantile of |error| over the defined replicates (none: never defined)
  double q95_undefined_inf = 0;     ///< the same counting an undefined replicate as +inf (inf past 5% undefined)
  double undefined_fraction = 0;    ///< share of replicates whose estimate was undefined
};

/// What every simulation of one advise run shares.
struct simulation_setup {
  std::vector<metric> metrics;
  std::vector<counts2x2> tables;                 ///< cell probabilities W, one per frequency
  std::vector<std::vector<double>> population;   ///< [metric][table]: the metric's value on W (defined)
  std::int64_t replicates = 1000;
  std::uint64_t seed = 1;
  metric_options metric_opts;
};

/// Experiment 1 at n in every table: result[metric][table]. Table s draws from the study
/// study_of(s) (e.g. "advise/setting=3"); every metric reads the same draws.
std::vector<std::vector<simulated_error>> simulate_errors(const simulation_setup& setup, std::int64_t n,
                                                          const std::function<std::string(std::size_t)>& study_of);

/// The smallest n (to within 1%, and exactly below 100) at which the worst-table 0.95-quantile of
/// metric k's error, an undefined estimate counted as an infinite error, is at most epsilon: each
/// candidate n is a fresh Experiment 1 whose replicates are drawn in order from the one stream
/// make_stream(seed, 0, study_salt("advise/simulated-n/metric=M/setting=s/n=N")), so the searches of
/// different metrics can run in parallel and the answer does not depend on the thread count. The
/// search starts at `start`, doubles or halves to a bracket, then bisects on log n. Monte Carlo noise
/// makes the quantile only nearly monotone in n, so the answer is the crossing the bisection finds,
/// within the quantile's sampling error: with 1000 replicates the answer's standard deviation between
/// seeds is about 5% (n grows as the square of the quantile, whose own error is 2-3%). None when even
/// max_probing_set_size samples do not reach it.
std::optional<std::int64_t> simulated_n_for_epsilon(const simulation_setup& setup, std::size_t k, double epsilon,
                                                    std::int64_t start);

/// The user's agreement for identification: the table of the concept the neuron is about, given its
/// frequency (from --matrix, or recall with precision or alpha).
using agreement_table = std::function<counts2x2(double rho)>;

/// Identification over the concept set at n, for every metric: per replicate j the neuron is about
/// concept j mod |C|, whose table is the user's agreement at its frequency (so the neuron's firing
/// rate a is that table's); every other concept c gets Experiment 2's random agreement W11 ~ U(lo, hi),
/// lo = max(0, a + rho_c - 1), hi = min(a, rho_c). The counts of one probing set of n are drawn for all
/// concepts with the neuron shared (sampling.hpp), and each metric's argmax c_hat is compared with
/// the population argmax c* (study "advise/identification").
struct identification_outcome {
  metric m = metric::accuracy;
  double probability_correct = 0;  ///< fraction of replicates with sim(c_hat) = sim(c*)
  double gap_q95 = 0;              ///< 0.95-quantile of sim(c*) - sim(c_hat), population values
  std::int64_t none_defined = 0;   ///< replicates where no concept had a defined estimate (gap +inf)
};
std::vector<identification_outcome> simulate_identification(const std::vector<metric>& metrics,
                                                            const std::vector<double>& rhos,
                                                            const agreement_table& agreement, std::int64_t n,
                                                            std::int64_t replicates, std::uint64_t seed,
                                                            const metric_options& metric_opts);

}  // namespace neuroncert::studies
