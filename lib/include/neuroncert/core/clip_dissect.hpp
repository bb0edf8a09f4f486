#pragma once
// CLIP-Dissect's scores as layer metrics (docs/theory.md sec. 2.3; Oikarinen & Weng, CLIP-Dissect,
// similarity.py): soft_wpmi (its default) and its WPMI variant, cd_wpmi. Concepts are
// probabilities P(c | x) in [0,1] (concepts_from_embeddings(), vlm_concepts.hpp, makes them).
//
// Per neuron k, its top_k samples x_(0), ..., x_(top_k-1) by activation, descending (ties: the
// lower sample index first, as descending_order() and the rest of the engine), and per concept c:
//   soft_wpmi  logP(c | E_k) = sum_i log(1 + p_i (P(c | x_(i)) - 1) + eps),
//              p_i = p_start - (i / top_k)(p_start - p_end)
//   cd_wpmi    logP(c | E_k) = sum_i log(P(c | x_(i)) + eps)
//   marginal   logP(c) = log( (1/F) sum_k' exp(logP(c | E_k')) )   (over the layer's F neurons)
//   score      score(k, c) = logP(c | E_k) - lambda logP(c)
// The marginal averages over neurons, not images, so a score depends on every neuron of the
// activation matrix: these are not per-pair metrics (pair_metric() refuses them), and the
// bootstrap recomputes the marginal on every resample.
//
// Weights are multiplicities (whole numbers >= 0): a sample of multiplicity m fills m consecutive
// slots of the descending order, each with its own p_i, exactly as m copies of the sample would.
// Every score is defined (eps > 0 keeps every log finite).
//
// Cost: top_k x |C| additions and at most top_k x |C| logs per neuron (only the nonzero concepts
// of a sample need their own log; its zeros share one per slot). Neurons run in parallel, each
// with the same operations in the same order, so results are bit-identical for any thread count.
// Theory: docs/theory.md sec. 2.3 (concepts from embeddings, CLIP-Dissect).
#include <span>

#include <Eigen/Core>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/probing_set.hpp"

namespace neuroncert {

/// The settings metric m reads (options.soft_wpmi or options.cd_wpmi); invalid_argument for any
/// other metric.
const clip_dissect_options& clip_dissect_settings(metric m, const metric_options& options);

/// F x |C| row-major: logP(c | E_k) in row k.
using clip_dissect_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// logP(c | E_k) of every neuron and concept. weights: empty (all 1) or n whole multiplicities
/// whose sum is at least top_k. invalid_argument for top_k above the total weight, fractional weights.
clip_dissect_matrix clip_dissect_conditional(const probing_set& set, metric m, const metric_options& options,
                                             std::span<const double> weights = {});

/// The layer marginal logP(c) of a conditional matrix (stable log-sum-exp over its rows).
Eigen::RowVectorXd clip_dissect_marginal(const clip_dissect_matrix& conditional);

/// score(k, c) of every pair, as all_pairs_similarity() returns it (every entry defined).
similarity_matrix clip_dissect_similarity(const probing_set& set, metric m, const metric_options& options,
                                          std::span<const double> weights = {});

/// The bootstrap ensemble of a layer metric: per resample (row r of `multiplicities`), the
/// conditional of every neuron from its resampled top-k slots, the marginal recomputed from that
/// resample, and each neuron's argmax (ties: the lower concept index). Equals identify() of
/// clip_dissect_similarity() with the resample's multiplicities, bit for bit. Reports progress
/// after each resample and calls neurons_done once, with every neuron, at the end (a neuron's
/// winner depends on every neuron, so none is final earlier).
ensemble_counts clip_dissect_ensemble(const Eigen::MatrixXd& activations, const sparse_concepts& concepts,
                                      const multiplicity_matrix& multiplicities, const bootstrap_request& request);

}  // namespace neuroncert
