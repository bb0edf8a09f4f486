#pragma once
// All-pairs evaluation: every neuron against every concept, as F x |C| matrices.
//
// all_pairs_similarity() runs the library's one similarity engine (lib/src/similarity_engine.hpp,
// the same code the bootstrap runs on every resample) once, with the given weights: per block of
// 32 neurons their orders are computed once, and each metric is a walk of those orders or a
// product over the nonzeros of the sparse concept rows. Blocks run in parallel (oneTBB) and every
// entry is computed by the same operations whatever the thread count, so results are
// bit-identical for any number of threads. The plain per-pair computation, independent of the
// engine, is the tests' oracle (tests/oracle/pair_oracle.hpp).
// Theory: docs/theory.md sec. 2 (similarity metrics).
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert {

using reason_matrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

/// F x |C| similarities of one metric. Entries whose reason is not `none` are undefined and hold 0.
struct similarity_matrix {
  metric which = metric::accuracy;
  Eigen::MatrixXd value;
  reason_matrix reason;

  [[nodiscard]] metric_value at(Eigen::Index neuron, Eigen::Index concept_index) const {
    return {value(neuron, concept_index), static_cast<undefined_reason>(reason(neuron, concept_index))};
  }
};

/// Weighted 2x2 counts of every binarised neuron against every concept, stored as margins.
struct pairwise_counts {
  double n = 0.0;                ///< total weight
  Eigen::VectorXd fire;          ///< per neuron: sum w f
  Eigen::RowVectorXd positives;  ///< per concept: sum w c
  Eigen::MatrixXd both;          ///< F x |C|: sum w f c

  [[nodiscard]] counts2x2 at(Eigen::Index neuron, Eigen::Index concept_index) const {
    return counts2x2::from_margins(n, fire(neuron), positives(concept_index), both(neuron, concept_index));
  }
};

/// Binarised neurons: top-alpha per column (or the activations themselves when binary), n x F of 0/1.
Eigen::MatrixXd binarize_neurons(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights = {});

/// The 2x2 counts of every top-alpha binarised neuron (or 0/1 neuron) with every concept. weights: empty (all 1) or n multiplicities >= 0.
pairwise_counts all_pairs_counts(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights = {});

/// A count metric (or binary AUROC) of every pair from its counts: binary_metric() per entry, the
/// values the engine gives for the same counts.
similarity_matrix similarity_from_counts(const pairwise_counts& counts, metric m, const metric_options& options = {});

/// Several metrics of every pair in one pass: per block of neurons, each neuron is sorted once for
/// all the metrics that walk an order. Entry k is what all_pairs_similarity(set, metrics[k]) gives.
std::vector<similarity_matrix> all_pairs_similarities(const probing_set& set, std::span<const metric> metrics,
                                                    const metric_options& options = {},
                                                    std::span<const double> weights = {});

/// Every metric, through the similarity engine. weights: empty (all 1) or n values >= 0.
similarity_matrix all_pairs_similarity(const probing_set& set, metric m, const metric_options& options = {},
                                       std::span<const double> weights = {});

/// One (neuron, concept) pair through the same engine: what all_pairs_similarity gives for a
/// one-neuron, one-concept set (z and c of the same length n >= 1, c in [0,1]; weights empty or n
/// values >= 0 with a positive sum). For simulations that evaluate one pair at a time.
metric_value pair_metric(metric m, std::span<const double> z, std::span<const double> c,
                         std::span<const double> weights = {}, const metric_options& options = {});

/// Throws invalid_argument unless weights are empty or n finite values >= 0 with a positive sum.
void check_weights(std::span<const double> weights, Eigen::Index samples);

}  // namespace neuroncert
