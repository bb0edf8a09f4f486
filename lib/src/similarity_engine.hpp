#pragma once
// The one implementation of every similarity metric over all (neuron, concept) pairs (private to
// lib/: all_pairs_similarity() runs it once with the given weights, bootstrap_ensemble() once per
// resample). Everything a resample does not change is prepared once: the concepts as sparse rows
// (probing_set::sparse), per block of neurons their descending orders (a radix sort), sorted values
// and tied blocks.
//
// Per neuron and weight vector w (n multiplicities or weights >= 0, total W = sum w), with
// P_c = sum_i w_i y_ic the concept's (weighted) positives:
//   count metrics, binary AUROC, WPMI: the top-alpha active set is a prefix of the neuron's order
//       (cut at the end of the tied block that reaches k = ceil(alpha W)), so F11_c sums only the
//       nonzeros of ~alpha n sparse rows; the metric is binary_metric() of the 2x2 margins;
//       WPMI = (1/F) sum_active w log(max(y, eps)) - lambda log(P_c / W), the zeros of y giving
//       log(eps) each;
//   AUROC: weighted mid-ranks r by one walk of the order, S_c = sum_i w_i r_i y_ic over the
//       nonzeros, 32 neurons at a time (one vector update per nonzero), AUROC = (S_c - P_c^2/2) /
//       (P_c (W - P_c)); with integer weights and 0/1 concepts the sums of 2 w_i r_i are exact
//       32-bit integer sums (rank_sums_integer), otherwise doubles;
//   correlation, MAD (no order needed): the same sparse product with the activations centred by
//       the weighted mean s,
//       cross_c = sum w (z - s) y_c; correlation = cross / sqrt(Szz Syy), MAD = cross/P + cross/N
//       (because sum w (z - s) = 0), standardised MAD divides by the spread on y = 0;
//   AUPRC: one walk of the order, average precision over the tied blocks, touching only nonzeros.
// Each (neuron, weight vector) is computed by the same operations in the same order whatever the
// thread count. With integer weights (resamples, unit weights) the count metrics, AUROC and AUPRC
// sum exactly representable numbers.
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/sparse_concepts.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert::detail {

/// Neurons per block: fixed, so results never depend on how blocks are scheduled.
inline constexpr Eigen::Index engine_block = 32;

/// What one weight vector fixes for every neuron.
struct weight_terms {
  std::span<const double> w;        ///< n weights
  std::vector<float> w_float;       ///< the same as float when every weight is one (multiplicities)
  bool integer_ranks = false;       ///< integer weights with 2 w_max W < 2^31: AUROC in 32-bit integers
  double total = 0.0;               ///< W
  std::vector<double> positives;    ///< P_c
  std::vector<double> concept_ss;   ///< correlation: sum w (y_c - P_c/W)^2; else empty
};

/// A block of neurons made ready for any number of weight vectors.
struct neuron_block {
  Eigen::Index begin = 0, width = 0;
  std::vector<std::vector<std::uint32_t>> order;  ///< per neuron: descending order of its samples
  std::vector<std::vector<double>> sorted;        ///< per neuron: its activations in that order
  std::vector<std::size_t> ones;                  ///< binary activations: leading 1s of each order
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> ties;  ///< per neuron: [first, last) of each tied block
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> centred;  ///< correlation/MAD: n x width
};

/// Working memory of one task; reused across weight vectors.
struct engine_scratch {
  std::vector<double> acc, acc_log, tp, ap, block_pos, shift, spread;
  std::vector<std::uint32_t> touched;
  std::vector<metric_value> scores;
  Eigen::MatrixXd columns;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows, sums, squares;
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> columns_int;
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> sums_int;
};

class similarity_engine {
 public:
  /// Validates the options (and binary activations when declared) for metric m. Keeps references
  /// to the activations (n x F, finite) and concepts (n rows), which must outlive the engine.
  similarity_engine(const Eigen::MatrixXd& activations, const sparse_concepts& concepts, metric m,
                    const metric_options& options);

  [[nodiscard]] weight_terms terms(std::span<const double> w) const;
  [[nodiscard]] neuron_block prepare(Eigen::Index begin, Eigen::Index width) const;
  /// Whether prepare() sorts (every metric but correlation and MAD). A block prepared by one
  /// sorting engine serves every sorting engine over the same activations and options, and a
  /// centred block every centred one: several metrics share one sort per neuron.
  [[nodiscard]] bool sorts() const { return family_ != family::centred; }

  /// The similarity to every concept of each neuron of the block: emit(j, scores) for
  /// j = 0 .. width-1 in order (neuron block.begin + j), scores[c] for c = 0 .. |C|-1.
  void score(const neuron_block& block, const weight_terms& t, engine_scratch& s,
             const std::function<void(Eigen::Index j, std::span<const metric_value> scores)>& emit) const;

  /// Count family only (count metrics, binary AUROC, WPMI): emit(j, fire, f11) with f11[c] the
  /// weighted count of samples where neuron and concept c are both 1.
  void counts(const neuron_block& block, const weight_terms& t, engine_scratch& s,
              const std::function<void(Eigen::Index j, double fire, std::span<const double> f11)>& emit) const;

 private:
  enum class family { counts, auroc, centred, auprc };
  std::size_t active_length(const neuron_block& b, Eigen::Index j, const weight_terms& t) const;
  void count_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                    const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const;
  void auroc_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                    const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const;
  void auprc_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                    const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const;
  void rank_sums_double(const neuron_block& b, const weight_terms& t, engine_scratch& s) const;
  void rank_sums_integer(const neuron_block& b, const weight_terms& t, engine_scratch& s) const;
  void centred_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                      const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const;
  void sparse_product(std::span<const double> w, Eigen::Index width,
                      const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& rows,
                      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& sums,
                      bool weighted_rows) const;

  const Eigen::MatrixXd& a_;
  const sparse_concepts& y_;
  metric m_;
  metric_options o_;
  family family_;
  double log_eps_ = 0.0;
  std::vector<double> log_excess_;  ///< WPMI with probabilities: log(max(y, eps)) - log(eps) per nonzero
};

}  // namespace neuroncert::detail
