#include "pair_oracle.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

namespace neuroncert::oracle {
namespace {

void check_lengths(std::span<const double> z, std::span<const double> c, std::span<const double> w) {
  if (z.size() != c.size())
    throw invalid_argument(fmt::format("activations have {} samples but the concept has {}", z.size(), c.size()));
  if (!w.empty() && w.size() != z.size())
    throw invalid_argument(fmt::format("weights have {} entries but the sample has {}", w.size(), z.size()));
}

double weight(std::span<const double> w, std::size_t i) { return w.empty() ? 1.0 : w[i]; }

struct class_sums {
  double n = 0.0, n1 = 0.0, n0 = 0.0;
};

class_sums sums(std::span<const double> c, std::span<const double> w) {
  class_sums s;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double wi = weight(w, i);
    s.n += wi;
    s.n1 += wi * c[i];
  }
  s.n0 = s.n - s.n1;
  return s;
}

}  // namespace

metric_value auroc_ranks(std::span<const double> z, std::span<const double> c, std::span<const double> w) {
  check_lengths(z, c, w);
  const class_sums s = sums(c, w);
  if (!(s.n1 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  if (!(s.n0 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_negatives);
  const auto order = descending_order(z);
  std::vector<double> ranks(z.size());
  weighted_mid_ranks(z, order, w, ranks);
  double rank_sum = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) rank_sum += weight(w, i) * c[i] * ranks[i];
  return metric_value::of((rank_sum - 0.5 * s.n1 * s.n1) / (s.n1 * s.n0));
}

metric_value auprc(std::span<const double> z, std::span<const double> c, std::span<const double> w) {
  check_lengths(z, c, w);
  const class_sums s = sums(c, w);
  if (!(s.n1 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  const auto order = descending_order(z);
  double true_pos = 0.0, seen = 0.0, ap = 0.0;
  std::size_t begin = 0;
  while (begin < order.size()) {
    const double value = z[order[begin]];
    double block_pos = 0.0;
    std::size_t end = begin;
    for (; end < order.size() && z[order[end]] == value; ++end) {
      const double wi = weight(w, order[end]);
      seen += wi;
      block_pos += wi * c[order[end]];
    }
    true_pos += block_pos;
    if (block_pos > 0.0) ap += block_pos * (true_pos / seen);
    begin = end;
  }
  return metric_value::of(ap / s.n1);
}

metric_value correlation(std::span<const double> z, std::span<const double> c, std::span<const double> w) {
  check_lengths(z, c, w);
  const class_sums s = sums(c, w);
  if (!(s.n > 0.0)) return metric_value::undefined(undefined_reason::empty_sample);
  double mz = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) mz += weight(w, i) * z[i];
  mz /= s.n;
  const double mc = s.n1 / s.n;
  double szz = 0.0, scc = 0.0, szc = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double wi = weight(w, i);
    const double dz = z[i] - mz, dc = c[i] - mc;
    szz += wi * dz * dz;
    scc += wi * dc * dc;
    szc += wi * dz * dc;
  }
  if (!(szz > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_activation);
  if (!(scc > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_concept);
  return metric_value::of(szc / std::sqrt(szz * scc));
}

metric_value mad(std::span<const double> z, std::span<const double> c, std::span<const double> w, bool standardised) {
  check_lengths(z, c, w);
  const class_sums s = sums(c, w);
  if (!(s.n1 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  if (!(s.n0 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_negatives);
  double sum1 = 0.0, sum0 = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double wi = weight(w, i);
    sum1 += wi * c[i] * z[i];
    sum0 += wi * (1.0 - c[i]) * z[i];
  }
  const double mean1 = sum1 / s.n1, mean0 = sum0 / s.n0;
  if (!standardised) return metric_value::of(mean1 - mean0);
  double ss0 = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double d = z[i] - mean0;
    ss0 += weight(w, i) * (1.0 - c[i]) * d * d;
  }
  if (!(ss0 > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_negatives);
  return metric_value::of((mean1 - mean0) / std::sqrt(ss0 / s.n0));
}

metric_value wpmi(std::span<const double> z, std::span<const double> c, std::span<const double> w, double alpha,
                  double lambda, double eps) {
  check_lengths(z, c, w);
  const class_sums s = sums(c, w);
  if (!(s.n1 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  const auto f = binarize_top_alpha(z, alpha, w);
  double active = 0.0, log_sum = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (f[i] == 0.0) continue;
    const double wi = weight(w, i);
    active += wi;
    log_sum += wi * std::log(std::max(c[i], eps));
  }
  return metric_value::of(log_sum / active - lambda * std::log(s.n1 / s.n));
}

metric_value pair_metric(metric m, std::span<const double> z, std::span<const double> c, std::span<const double> w,
                         const metric_options& options) {
  check_metric_options(options);
  check_lengths(z, c, w);
  const bool counts_based = is_count_metric(m) || (m == metric::auroc && options.binary_activations);
  if (counts_based) {
    if (options.binary_activations) return binary_metric(m, count_pairs(z, c, w), options);
    const auto f = binarize_top_alpha(z, options.alpha, w);
    return binary_metric(m, count_pairs(f, c, w), options);
  }
  switch (m) {
    case metric::auroc:
      if (options.auroc == auroc_convention::strict)
        throw invalid_argument("the strict AUROC is defined for binary activations only (use --binary)");
      return auroc_ranks(z, c, w);
    case metric::auprc: return auprc(z, c, w);
    case metric::correlation: return correlation(z, c, w);
    case metric::mad: return mad(z, c, w, options.mad_standardised);
    case metric::wpmi: return wpmi(z, c, w, options.alpha, options.wpmi_lambda, options.wpmi_eps);
    default: break;
  }
  throw invalid_argument(fmt::format("unhandled metric '{}'", to_string(m)));
}

similarity_matrix all_pairs_similarity_loop(const probing_set& set, metric m, const metric_options& options,
                                            std::span<const double> weights) {
  check_metric_options(options);
  check_weights(weights, set.samples());
  if (!set.has_dense_concepts())
    throw invalid_argument("the per-pair oracle needs the dense concept matrix (a set built from sparse rows has none)");
  similarity_matrix s;
  s.which = m;
  s.value = Eigen::MatrixXd::Zero(set.neurons(), set.concept_count());
  s.reason = reason_matrix::Zero(set.neurons(), set.concept_count());
  for (Eigen::Index f = 0; f < set.neurons(); ++f)
    for (Eigen::Index c = 0; c < set.concept_count(); ++c) {
      const metric_value v =
          oracle::pair_metric(m, {set.activations.col(f).data(), static_cast<std::size_t>(set.samples())},
                      {set.concepts.col(c).data(), static_cast<std::size_t>(set.samples())}, weights, options);
      s.value(f, c) = v.defined() ? v.value : 0.0;
      s.reason(f, c) = static_cast<std::uint8_t>(v.reason);
    }
  return s;
}

}  // namespace neuroncert::oracle
