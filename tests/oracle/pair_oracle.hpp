#pragma once
// The test oracle: the similarity of one activation vector z and one concept c (docs/theory.md sec. 2.2)
// computed the plain way, one pair at a time, independently of the library's similarity engine
// (lib/src/similarity_engine.hpp), which is tested against it. Not part of the library. c is 0/1 or a probability in [0,1]; weights are bootstrap multiplicities (empty = all 1)
// and every function equals its unweighted value on the data with rows duplicated by weight.
#include <span>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert::oracle {

/// Mann-Whitney AUROC with mid-ranks for tied activations:
/// (sum_i w_i c_i r_i - n1^2/2) / (n1 n0), r = weighted_mid_ranks, n1 = sum w c, n0 = sum w (1-c).
/// For 0/1 concepts this is P(z_neg < z_pos) + 1/2 P(tie). Undefined if a class is empty.
metric_value auroc_ranks(std::span<const double> z, std::span<const double> c, std::span<const double> weights = {});

/// Average precision, step-wise: AP = (1/n1) sum over the most-active-first ranking of
/// c_(k) Prec(k); tied activations form one block evaluated at its end (scikit-learn's
/// average_precision_score), so the result does not depend on the order within ties.
metric_value auprc(std::span<const double> z, std::span<const double> c, std::span<const double> weights = {});

/// Pearson correlation with population (1/n) moments. Undefined if z or c is constant.
metric_value correlation(std::span<const double> z, std::span<const double> c, std::span<const double> weights = {});

/// MAD = mean(z | c=1) - mean(z | c=0); standardised divides by std(z | c=0) (population std,
/// CoSy). Undefined if a class is empty (or, standardised, if z is constant on c = 0).
metric_value mad(std::span<const double> z, std::span<const double> c, std::span<const double> weights = {},
                 bool standardised = false);

/// WPMI (Oikarinen et al. 2025): B = top-alpha active set of z,
/// WPMI = mean_{x in B} log(max(c(x), eps)) - lambda log(mean_x c(x)).
/// Undefined if the concept is never positive. eps dominates for 0/1 concepts: report it.
metric_value wpmi(std::span<const double> z, std::span<const double> c, std::span<const double> weights = {},
                  double alpha = 0.05, double lambda = 1.0, double eps = 1e-8);

/// Any metric for one pair, as docs/theory.md defines it: count metrics binarise z by top-alpha
/// (unless options.binary_activations) and use the 2x2 counts; AUROC uses the counts for
/// binary activations and mid-ranks otherwise.
metric_value pair_metric(metric m, std::span<const double> z, std::span<const double> c,
                         std::span<const double> weights = {}, const metric_options& options = {});

/// pair_metric() for every (neuron, concept) of a set built from dense concepts. O(F |C| n log n).
similarity_matrix all_pairs_similarity_loop(const probing_set& set, metric m, const metric_options& options = {},
                                            std::span<const double> weights = {});

}  // namespace neuroncert::oracle
