#pragma once
// Subsampling study on real activations (docs/theory.md sec. 6.5, the paper's App. H.2 analogue).
//
// Given activations A (N x F) and concepts Y (N x F, column j = neuron j's own concept, e.g. its
// class), the N rows are the "population": sim_j = metric(A_j, Y_j) on all N rows. For each n of
// the grid, R subsamples of n rows are drawn WITHOUT replacement, replicate r of size n from its
// own stream make_stream(seed, r, study_salt("<label>/n=<n>")), so the result is bit-identical for
// any thread count. On each subsample every metric is recomputed per neuron by the core's engine
// (all_pairs_similarities, neuron j against concept j; count metrics and WPMI re-binarise
// top-alpha on the subsample) and the error |sim_hat_j - sim_j| is recorded.
//
// Aggregation (pooled): the errors of all R replicates and all F neurons of one (metric, n) form
// one sample of R*F values; abs_error_q95 is its type-7 quantile at `quantile`. An error is
// undefined when sim_hat_j is undefined on the subsample; it is left out of the quantile and
// counted in undefined_count. A neuron whose population value is undefined is left out entirely
// (population_undefined counts such neurons). Rows are gathered in increasing row order, so with
// n = N the subsample IS the population and every error is exactly 0.
// Note: sampling without replacement from a finite N shrinks the error below 1/sqrt(n) as n -> N
// (finite-population correction sqrt(1 - n/N)).
// Theory: docs/theory.md sec. 6.5 (real activations).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/sim/tidy.hpp"

namespace neuroncert::sim {

struct subsample_study_options {
  std::vector<metric> metrics;       ///< at least one
  std::vector<std::int64_t> n_grid;  ///< each in [1, N]
  std::int64_t replicates = 500;     ///< R >= 1
  std::uint64_t seed = 0;
  double quantile = 0.95;            ///< in (0, 1)
  std::string label = "subsample";   ///< part of the stream salt
  metric_options options;            ///< metric conventions (alpha = 0.05 default)
};

struct subsample_point {
  metric which = metric::accuracy;
  std::int64_t n = 0;
  std::optional<double> abs_error_q95;  ///< nullopt when every error was undefined
  std::int64_t undefined_count = 0;     ///< undefined (replicate, neuron) errors, of R * defined neurons
  std::int64_t evaluations = 0;         ///< R * (neurons with a defined population value)
};

struct subsample_study_result {
  std::int64_t population_size = 0;          ///< N
  std::vector<metric> metrics;
  Eigen::MatrixXd population;                ///< metrics x F population values (0 where undefined)
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> population_defined;  ///< metrics x F
  std::vector<subsample_point> points;       ///< metric-major, then n in grid order
};

/// Runs the study. invalid_argument (naming the argument) for: A and Y of different shapes or
/// empty, no metrics, n < 1 or n > N ("n"), replicates < 1 ("replicates"), quantile outside (0,1).
/// Parallel over replicates (oneTBB; limit from outside with tbb::global_control).
subsample_study_result run_subsample_study(const Eigen::MatrixXd& activations, const Eigen::MatrixXd& concepts,
                                           const subsample_study_options& options);

/// Tidy rows: per metric, (n = N) population_value (mean over defined neurons) and
/// population_undefined; per (metric, n) abs_error_q95, undefined_count and evaluations.
std::vector<tidy_row> to_tidy_rows(const subsample_study_result& result, const std::string& experiment,
                                   const std::string& setting);

}  // namespace neuroncert::sim
