#include "neuroncert/core/all_pairs.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/continuous_metrics.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

namespace neuroncert {
namespace {

// Columns of L per parallel task. Fixed (not derived from the thread count) so that every
// output entry is accumulated in the same order however many threads run.
constexpr Eigen::Index kNeuronBlock = 32;

std::span<const double> column(const Eigen::MatrixXd& m, Eigen::Index j) {
  return {m.col(j).data(), static_cast<std::size_t>(m.rows())};
}

Eigen::VectorXd weight_vector(std::span<const double> weights, Eigen::Index n) {
  if (weights.empty()) return Eigen::VectorXd::Ones(n);
  return Eigen::Map<const Eigen::VectorXd>(weights.data(), n);
}

similarity_matrix make_result(metric m, Eigen::Index neurons, Eigen::Index concepts) {
  similarity_matrix s;
  s.which = m;
  s.value = Eigen::MatrixXd::Zero(neurons, concepts);
  s.reason = reason_matrix::Zero(neurons, concepts);
  return s;
}

void set_entry(similarity_matrix& s, Eigen::Index i, Eigen::Index j, metric_value v) {
  s.value(i, j) = v.defined() ? v.value : 0.0;
  s.reason(i, j) = static_cast<std::uint8_t>(v.reason);
}

similarity_matrix from_counts(const pairwise_counts& k, metric m, const metric_options& options) {
  auto s = make_result(m, k.both.rows(), k.both.cols());
  for (Eigen::Index c = 0; c < k.both.cols(); ++c)
    for (Eigen::Index f = 0; f < k.both.rows(); ++f) set_entry(s, f, c, binary_metric(m, k.at(f, c), options));
  return s;
}

// Rows of Y scaled by the weights: diag(w) Y.
Eigen::MatrixXd weighted_concepts(const probing_set& set, const Eigen::VectorXd& w) {
  return w.asDiagonal() * set.concepts;
}

similarity_matrix auroc_fast(const probing_set& set, const Eigen::VectorXd& w, std::span<const double> weights) {
  const Eigen::Index n = set.samples(), F = set.neurons(), C = set.concept_count();
  Eigen::MatrixXd ranks(n, F);
  tbb::parallel_for(Eigen::Index{0}, F, [&](Eigen::Index j) {
    weighted_mid_ranks(column(set.activations, j), set.orders[static_cast<std::size_t>(j)], weights,
                       {ranks.col(j).data(), static_cast<std::size_t>(n)});
  });
  const Eigen::MatrixXd wy = weighted_concepts(set, w);
  const Eigen::MatrixXd rank_sums = blocked_transpose_product(ranks, wy);
  const Eigen::RowVectorXd n1 = wy.colwise().sum();
  const double total = w.sum();
  auto s = make_result(metric::auroc, F, C);
  for (Eigen::Index c = 0; c < C; ++c) {
    const double pos = n1(c), neg = total - pos;
    for (Eigen::Index f = 0; f < F; ++f) {
      if (!(pos > 0.0)) {
        set_entry(s, f, c, metric_value::undefined(undefined_reason::no_concept_positives));
      } else if (!(neg > 0.0)) {
        set_entry(s, f, c, metric_value::undefined(undefined_reason::no_concept_negatives));
      } else {
        set_entry(s, f, c, metric_value::of((rank_sums(f, c) - 0.5 * pos * pos) / (pos * neg)));
      }
    }
  }
  return s;
}

similarity_matrix auprc_fast(const probing_set& set, const Eigen::VectorXd& w) {
  const Eigen::Index F = set.neurons(), C = set.concept_count();
  // Row-major so that one sample's concepts are contiguous for the per-sample vector update.
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const row_major wy = w.asDiagonal() * set.concepts;
  const Eigen::RowVectorXd n1 = wy.colwise().sum();
  auto s = make_result(metric::auprc, F, C);
  tbb::parallel_for(Eigen::Index{0}, F, [&](Eigen::Index f) {
    const auto& order = set.orders[static_cast<std::size_t>(f)];
    const double* z = set.activations.col(f).data();
    Eigen::RowVectorXd true_pos = Eigen::RowVectorXd::Zero(C), block_pos(C), ap = Eigen::RowVectorXd::Zero(C);
    double seen = 0.0;
    std::size_t begin = 0;
    while (begin < order.size()) {
      const double value = z[order[begin]];
      block_pos.setZero();
      std::size_t end = begin;
      for (; end < order.size() && z[order[end]] == value; ++end) {
        seen += w(order[end]);
        block_pos += wy.row(order[end]);
      }
      true_pos += block_pos;
      if (seen > 0.0) ap += block_pos.cwiseProduct(true_pos) / seen;
      begin = end;
    }
    for (Eigen::Index c = 0; c < C; ++c) {
      set_entry(s, f, c,
                n1(c) > 0.0 ? metric_value::of(ap(c) / n1(c))
                            : metric_value::undefined(undefined_reason::no_concept_positives));
    }
  });
  return s;
}

// Correlation and MAD share the centred product S = Zc^T diag(w) Y.
similarity_matrix centred_fast(const probing_set& set, metric m, const metric_options& options,
                               const Eigen::VectorXd& w) {
  const Eigen::Index F = set.neurons(), C = set.concept_count();
  const double total = w.sum();
  const Eigen::RowVectorXd means = (w.transpose() * set.activations) / total;
  const Eigen::MatrixXd centred = set.activations.rowwise() - means;
  const Eigen::MatrixXd wy = weighted_concepts(set, w);
  const Eigen::MatrixXd cross = blocked_transpose_product(centred, wy);  // sum w (z - mz) c
  const Eigen::RowVectorXd n1 = wy.colwise().sum();
  const Eigen::RowVectorXd szz = w.transpose() * centred.array().square().matrix();
  auto s = make_result(m, F, C);
  if (m == metric::correlation) {
    Eigen::RowVectorXd scc(C);
    for (Eigen::Index c = 0; c < C; ++c) {
      const double mc = n1(c) / total;
      scc(c) = (w.array() * (set.concepts.col(c).array() - mc).square()).sum();
    }
    for (Eigen::Index c = 0; c < C; ++c)
      for (Eigen::Index f = 0; f < F; ++f) {
        if (!(szz(f) > 0.0))
          set_entry(s, f, c, metric_value::undefined(undefined_reason::zero_variance_activation));
        else if (!(scc(c) > 0.0))
          set_entry(s, f, c, metric_value::undefined(undefined_reason::zero_variance_concept));
        else
          set_entry(s, f, c, metric_value::of(cross(f, c) / std::sqrt(szz(f) * scc(c))));
      }
    return s;
  }
  // MAD: mean1 - mean0 = S/n1 + S/n0, because sum w (z - mz) = 0 gives sum w (1-c)(z - mz) = -S.
  Eigen::MatrixXd squares;
  if (options.mad_standardised) squares = blocked_transpose_product(centred.array().square().matrix(), wy);
  for (Eigen::Index c = 0; c < C; ++c) {
    const double pos = n1(c), neg = total - pos;
    for (Eigen::Index f = 0; f < F; ++f) {
      if (!(pos > 0.0)) {
        set_entry(s, f, c, metric_value::undefined(undefined_reason::no_concept_positives));
        continue;
      }
      if (!(neg > 0.0)) {
        set_entry(s, f, c, metric_value::undefined(undefined_reason::no_concept_negatives));
        continue;
      }
      const double diff = cross(f, c) / pos + cross(f, c) / neg;
      if (!options.mad_standardised) {
        set_entry(s, f, c, metric_value::of(diff));
        continue;
      }
      // sum w (1-c)(z - mean0)^2 = sum w (1-c)(z - mz)^2 - n0 (mean0 - mz)^2, mean0 - mz = -S/n0.
      const double shift = cross(f, c) / neg;
      const double ss0 = (szz(f) - squares(f, c)) - neg * shift * shift;
      // Relative guard: a constant neuron on c = 0 leaves only rounding noise in ss0.
      if (!(ss0 > 1e-12 * std::max(szz(f), 1e-300)))
        set_entry(s, f, c, metric_value::undefined(undefined_reason::zero_variance_negatives));
      else
        set_entry(s, f, c, metric_value::of(diff / std::sqrt(ss0 / neg)));
    }
  }
  return s;
}

similarity_matrix wpmi_fast(const probing_set& set, const metric_options& options, const Eigen::VectorXd& w,
                            std::span<const double> weights) {
  const Eigen::Index F = set.neurons(), C = set.concept_count();
  const Eigen::MatrixXd active = binarize_neurons(set, options, weights);
  const Eigen::MatrixXd log_concepts =
      w.asDiagonal() * set.concepts.array().max(options.wpmi_eps).log().matrix();
  const Eigen::MatrixXd log_sums = blocked_transpose_product(active, log_concepts);
  const Eigen::VectorXd active_weight = active.transpose() * w;
  const Eigen::RowVectorXd n1 = w.transpose() * set.concepts;
  const double total = w.sum();
  auto s = make_result(metric::wpmi, F, C);
  for (Eigen::Index c = 0; c < C; ++c)
    for (Eigen::Index f = 0; f < F; ++f) {
      if (!(n1(c) > 0.0))
        set_entry(s, f, c, metric_value::undefined(undefined_reason::no_concept_positives));
      else
        set_entry(s, f, c,
                  metric_value::of(log_sums(f, c) / active_weight(f) - options.wpmi_lambda * std::log(n1(c) / total)));
    }
  return s;
}

}  // namespace

void check_weights(std::span<const double> weights, Eigen::Index samples) {
  if (weights.empty()) return;
  if (static_cast<Eigen::Index>(weights.size()) != samples)
    throw invalid_argument(fmt::format("weights have {} entries but the probing set has {} samples", weights.size(),
                                       samples));
  double total = 0.0;
  for (double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw invalid_argument(fmt::format("weights must be finite and non-negative, got {}", w));
    total += w;
  }
  if (!(total > 0.0)) throw invalid_argument("weights sum to zero");
}

Eigen::MatrixXd blocked_transpose_product(const Eigen::MatrixXd& left, const Eigen::MatrixXd& right) {
  const Eigen::Index F = left.cols();
  Eigen::MatrixXd out(F, right.cols());
  const Eigen::Index blocks = (F + kNeuronBlock - 1) / kNeuronBlock;
  tbb::parallel_for(Eigen::Index{0}, blocks, [&](Eigen::Index b) {
    const Eigen::Index begin = b * kNeuronBlock;
    const Eigen::Index width = std::min(kNeuronBlock, F - begin);
    out.middleRows(begin, width).noalias() = left.middleCols(begin, width).transpose() * right;
  });
  return out;
}

Eigen::MatrixXd binarize_neurons(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights) {
  const Eigen::Index n = set.samples(), F = set.neurons();
  if (options.binary_activations) {
    for (Eigen::Index j = 0; j < F; ++j)
      for (Eigen::Index i = 0; i < n; ++i) {
        const double a = set.activations(i, j);
        if (a != 0.0 && a != 1.0)
          throw data_error(fmt::format("binary activations must be 0 or 1, got {} at row {}, neuron {}", a, i, j));
      }
    return set.activations;
  }
  Eigen::MatrixXd b(n, F);
  tbb::parallel_for(Eigen::Index{0}, F, [&](Eigen::Index j) {
    const auto z = column(set.activations, j);
    const double t = top_alpha_threshold(z, set.orders[static_cast<std::size_t>(j)], options.alpha, weights);
    for (Eigen::Index i = 0; i < n; ++i) b(i, j) = z[static_cast<std::size_t>(i)] >= t ? 1.0 : 0.0;
  });
  return b;
}

pairwise_counts all_pairs_counts(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights) {
  check_metric_options(options);
  check_weights(weights, set.samples());
  const Eigen::VectorXd w = weight_vector(weights, set.samples());
  const Eigen::MatrixXd b = binarize_neurons(set, options, weights);
  const Eigen::MatrixXd wy = weighted_concepts(set, w);
  pairwise_counts k;
  k.n = w.sum();
  k.fire = b.transpose() * w;
  k.positives = wy.colwise().sum();
  k.both = blocked_transpose_product(b, wy);
  return k;
}

similarity_matrix all_pairs_similarity(const probing_set& set, metric m, const metric_options& options,
                                       std::span<const double> weights) {
  check_metric_options(options);
  check_weights(weights, set.samples());
  if (is_count_metric(m) || (m == metric::auroc && options.binary_activations))
    return from_counts(all_pairs_counts(set, options, weights), m, options);
  const Eigen::VectorXd w = weight_vector(weights, set.samples());
  switch (m) {
    case metric::auroc:
      if (options.auroc == auroc_convention::strict)
        throw invalid_argument("the strict AUROC is defined for binary activations only (use --binary)");
      return auroc_fast(set, w, weights);
    case metric::auprc: return auprc_fast(set, w);
    case metric::correlation:
    case metric::mad: return centred_fast(set, m, options, w);
    case metric::wpmi: return wpmi_fast(set, options, w, weights);
    default: break;
  }
  throw invalid_argument(fmt::format("unhandled metric '{}'", to_string(m)));
}

similarity_matrix all_pairs_similarity_loop(const probing_set& set, metric m, const metric_options& options,
                                            std::span<const double> weights) {
  check_metric_options(options);
  check_weights(weights, set.samples());
  auto s = make_result(m, set.neurons(), set.concept_count());
  for (Eigen::Index f = 0; f < set.neurons(); ++f)
    for (Eigen::Index c = 0; c < set.concept_count(); ++c)
      set_entry(s, f, c, pair_metric(m, column(set.activations, f), column(set.concepts, c), weights, options));
  return s;
}

}  // namespace neuroncert
