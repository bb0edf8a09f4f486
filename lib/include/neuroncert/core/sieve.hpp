#pragma once
// SIEVE statistics (Ji et al., arXiv 2603.24953; docs/theory.md sec. 7), model-free: Select, Hypothesise
// and Verify on activation matrices and concept-score matrices. The binomial parts (Clopper-Pearson,
// the one-sided test against the random-image rate, planning) are in
// neuroncert/bounds/activation_rate.hpp.
//
// Offline variant: the paper generates verification images with a text-to-image model; here the
// verification images G_h of concept h are the held-out images whose concept score is >= 0.5
// (for 0/1 labels: the held-out images labelled h), disjoint from the probe images.
//
// Conventions:
//  - quantiles are Hyndman-Fan type 7 (quantile_type7);
//  - Select: ratio = Q_0.99 / median on the probe set; undefined (not divided) when median <= 0;
//    selected iff the ratio is defined and > beta;
//  - top samples: the `top` largest probe activations, ties by ascending index (descending_order);
//  - feature vectors for clustering: the whole layer's activations of the top samples (the rows
//    of the probe activation matrix), the representation the neuron reads from;
//  - hypotheses: per cluster C_j, the K concepts with the largest g(t, C_j) = mean_{x in C_j} s(x, t),
//    ties by the smaller concept index, concepts with g = 0 never (no image of the cluster shows them);
//    a concept proposed by several clusters of the same neuron is kept once (from the first cluster);
//  - T_i = Q_0.99 of neuron i on the probe set; AR = #{x in G_h : a_i(x) > T_i} / |G_h| (strict);
//  - filter (the paper's): mean AR over all hypotheses of the considered neurons, drop those with
//    AR < mean, recompute the mean over the rest.
// Theory: docs/theory.md sec. 7 (SIEVE).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace neuroncert {

struct sieve_options {
  double beta = 10.0;              ///< Select: keep ratio > beta (> 0)
  double quantile = 0.99;          ///< the top quantile of the ratio and of T_i, in (0.5, 1)
  int top = 20;                    ///< top samples clustered (>= 2)
  int hypotheses_per_cluster = 2;  ///< K (>= 1)
  int max_clusters = 6;            ///< m in [2, min(max_clusters, top - 1)] (>= 1)
  // Ablation switches (SIEVE Table 4).
  bool select = true;   ///< off: every neuron is considered, whatever its ratio
  bool cluster = true;  ///< off: the top samples form one cluster
  bool verify = true;   ///< off: no mean-AR filter (every hypothesis kept)
};

/// Throws invalid_argument naming the option (beta <= 0, top < 2, K < 1, ...).
void check_sieve_options(const sieve_options& o);

struct sieve_ratio {
  double top_quantile = 0;       ///< Q_q of the probe activations (also T_i)
  double median = 0;             ///< Q_0.5
  std::optional<double> ratio;   ///< Q_q / median, absent when undefined
  std::string undefined_reason;  ///< why the ratio is undefined (empty when defined)
  bool selected = false;         ///< ratio defined and > beta
};

/// Select for one neuron: activations on the probe set (non-empty, finite).
sieve_ratio sieve_select(std::span<const double> activations, double beta, double quantile = 0.99);

/// Indices of the `top` largest activations, largest first, ties by ascending index. top <= n.
std::vector<std::uint32_t> top_sample_indices(std::span<const double> activations, int top);

struct concept_hypothesis {
  Eigen::Index concept_index = 0;
  int cluster = 0;     ///< the cluster that proposed it
  double score = 0;    ///< g(t, C_j)
};

/// Hypotheses from cluster labels (0..m-1, one per top sample) and the top samples' concept scores
/// (k x |C|, row r = top sample r). K per cluster, deduplicated per neuron (see above).
std::vector<concept_hypothesis> hypothesise(std::span<const int> labels, const Eigen::MatrixXd& scores, int k_per_cluster);

/// Per concept, the held-out row indices with score >= 0.5 (the verification images G_h).
std::vector<std::vector<std::uint32_t>> verification_sets(const Eigen::MatrixXd& heldout_concepts);

/// Number of images in `images` with activations[x] > threshold.
std::int64_t count_above(std::span<const double> activations, std::span<const std::uint32_t> images, double threshold);

struct mean_ar_filter {
  double mean_before = 0;   ///< mean AR over all hypotheses (0 when there are none)
  double mean_after = 0;    ///< mean AR over the kept ones
  std::vector<bool> kept;   ///< AR >= mean_before
  std::size_t kept_count = 0;
};
/// The paper's filter on a list of ARs.
mean_ar_filter filter_by_mean(std::span<const double> rates);

struct sieve_hypothesis {
  Eigen::Index neuron = 0;
  Eigen::Index concept_index = 0;
  int cluster = 0;
  double score = 0;           ///< g(t, C_j) on the probe top samples
  std::int64_t fired = 0;     ///< #{x in G_h : a > T_i}
  std::int64_t images = 0;    ///< |G_h|
  double rate = 0;            ///< AR = fired / images
  bool kept = true;           ///< survives the filter (always true with verify off)
};

struct sieve_neuron {
  Eigen::Index neuron = 0;
  sieve_ratio select;
  bool considered = false;              ///< selected, or select off
  std::vector<std::uint32_t> top;       ///< probe indices of the top samples (considered only)
  int clusters = 0;                     ///< m chosen (considered only)
  std::vector<int> labels;              ///< cluster label per top sample
  std::vector<double> silhouettes;      ///< mean silhouette per m = 2..
  std::vector<std::size_t> hypotheses;  ///< indices into sieve_result::hypotheses
};

struct sieve_result {
  std::vector<sieve_neuron> neurons;
  std::vector<sieve_hypothesis> hypotheses;
  double mean_ar_all = 0;       ///< before the filter
  double mean_ar = 0;           ///< the reported mean AR: after the filter (verify on) or mean_ar_all
  std::size_t kept = 0;         ///< hypotheses kept
  std::size_t explained = 0;    ///< considered neurons with at least one kept hypothesis
};

/// The whole pipeline. probe: activations (n_p x F) and concept scores (n_p x |C|, in [0,1]);
/// held-out: the same for disjoint images. invalid_argument for bad options or shapes, and
/// data_error when a hypothesis has no verification image (check sizes beforehand with
/// verification_sets for a friendlier message).
sieve_result run_sieve(const Eigen::MatrixXd& probe_activations, const Eigen::MatrixXd& probe_concepts,
                       const Eigen::MatrixXd& heldout_activations, const Eigen::MatrixXd& heldout_concepts,
                       const sieve_options& options = {});

/// AR of a fixed concept per neuron (plain identification scored by the SIEVE yardstick):
/// concepts[i] < 0 means no concept for neuron i (skipped). Returns the AR per neuron (nullopt when
/// skipped), thresholds T_i from the probe activations.
std::vector<std::optional<double>> activation_rates_for(const Eigen::MatrixXd& probe_activations,
                                                        const Eigen::MatrixXd& heldout_activations,
                                                        const Eigen::MatrixXd& heldout_concepts,
                                                        std::span<const Eigen::Index> concepts, double quantile = 0.99);

/// Deterministic probe / held-out split by class: within each class (in index order) the first
/// ceil(n_c / 2) images go to the probe half, the rest to the held-out half, so both halves hold
/// every class with >= 2 images. Returns {probe indices, held-out indices}, each ascending.
std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> split_by_class(std::span<const std::int64_t> labels);

}  // namespace neuroncert
