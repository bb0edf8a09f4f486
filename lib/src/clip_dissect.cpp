// CLIP-Dissect's scores (clip_dissect.hpp). The neuron's order is cut to a prefix once (a partial
// sort), and every weight vector only walks that prefix: a resample changes which samples fill the
// top_k slots, never their order.
#include "neuroncert/core/clip_dissect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"

namespace neuroncert {
namespace {

/// The engine's order: activation descending, ties the lower sample index first (descending_order()
/// gives the same order; -0.0 and +0.0 tie there as here).
struct more_active {
  const double* z;
  bool operator()(std::uint32_t a, std::uint32_t b) const { return z[a] > z[b] || (z[a] == z[b] && a < b); }
};

/// The first `length` samples of neuron j's order.
std::vector<std::uint32_t> order_prefix(const Eigen::MatrixXd& a, Eigen::Index j, std::size_t length) {
  const auto n = static_cast<std::size_t>(a.rows());
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const auto cut = order.begin() + static_cast<std::ptrdiff_t>(std::min(length, n));
  std::partial_sort(order.begin(), cut, order.end(), more_active{a.col(j).data()});
  order.erase(cut, order.end());
  return order;
}

/// Prefix length kept per neuron: a resample's multiplicities average 1, so its top_k slots are
/// filled well within 4 top_k + 64 samples of the order; a resample that runs out of the prefix
/// sorts that neuron again in full (the same order, so the same result, only slower).
std::size_t prefix_length(std::int64_t top_k, std::size_t n, bool unit_weights) {
  const auto k = static_cast<std::size_t>(top_k);
  return std::min(n, unit_weights ? k : 4 * k + 64);
}

/// The sample in each slot: walks `order`, a sample of multiplicity m taking m consecutive slots.
/// False when `order` ran out before top_k slots were filled.
bool fill_slots(std::span<const std::uint32_t> order, std::span<const double> w, std::size_t top_k,
                std::vector<std::uint32_t>& slots) {
  slots.clear();
  for (const std::uint32_t i : order) {
    const double m = w.empty() ? 1.0 : w[i];
    for (double t = 0.0; t < m && slots.size() < top_k; t += 1.0) slots.push_back(i);
    if (slots.size() == top_k) return true;
  }
  return false;
}

/// Checks the weights (multiplicities) against top_k; returns nothing, throws invalid_argument.
void check_multiplicities(std::span<const double> w, Eigen::Index n, metric m, std::int64_t top_k) {
  check_weights(w, n);
  double total = static_cast<double>(n);
  if (!w.empty()) {
    total = 0.0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] != std::floor(w[i]))
        throw invalid_argument(fmt::format("{} reads weights as multiplicities (whole numbers), got {} for sample {}",
                                           to_string(m), w[i], i));
      total += w[i];
    }
  }
  if (static_cast<double>(top_k) > total)
    throw invalid_argument(fmt::format("{} top_k must lie between 1 and the number of probing samples ({}), got {}",
                                       to_string(m), total, top_k));
}

/// Everything a weight vector does not change: the settings and each neuron's order prefix.
struct layer_problem {
  const Eigen::MatrixXd& a;
  const sparse_concepts& y;
  clip_dissect_options o;
  bool soft = true;
  std::vector<std::vector<std::uint32_t>> prefixes;
  std::vector<double> logs;  ///< cd_wpmi: log(y + eps) of every nonzero, the same for every slot

  layer_problem(const Eigen::MatrixXd& activations, const sparse_concepts& concepts, metric m,
                const metric_options& options, bool unit_weights)
      : a(activations), y(concepts), o(clip_dissect_settings(m, options)), soft(m == metric::soft_wpmi) {
    if (y.samples != a.rows())
      throw invalid_argument(fmt::format("concepts have {} rows but the activations have {} samples", y.samples, a.rows()));
    const auto n = static_cast<std::size_t>(a.rows());
    const std::size_t length = prefix_length(o.top_k, n, unit_weights);
    if (!soft) {
      logs.resize(y.nonzeros());
      for (std::size_t q = 0; q < y.nonzeros(); ++q) logs[q] = std::log(y.at(q) + o.eps);
    }
    prefixes.resize(static_cast<std::size_t>(a.cols()));
    tbb::parallel_for(Eigen::Index{0}, a.cols(),
                      [&](Eigen::Index j) { prefixes[static_cast<std::size_t>(j)] = order_prefix(a, j, length); });
  }

  /// Row j of the conditional under weights w: sum over the slots of each slot's log term, slots in
  /// order. A sample's zero concepts all get the slot's term of 0, computed once.
  void conditional_row(Eigen::Index j, std::span<const double> w, std::vector<std::uint32_t>& slots,
                       std::vector<double>& row, double* out) const {
    const auto top_k = static_cast<std::size_t>(o.top_k);
    const auto& prefix = prefixes[static_cast<std::size_t>(j)];
    if (!fill_slots(prefix, w, top_k, slots)) {
      const auto full = order_prefix(a, j, static_cast<std::size_t>(a.rows()));
      fill_slots(full, w, top_k, slots);  // the total weight is at least top_k (checked)
    }
    const auto C = static_cast<std::size_t>(y.concepts);
    std::fill(out, out + C, 0.0);
    row.resize(C);
    const double k = static_cast<double>(top_k);
    for (std::size_t s = 0; s < top_k; ++s) {
      const double p = o.p_start - (static_cast<double>(s) / k) * (o.p_start - o.p_end);
      const auto term = [&](double v) { return soft ? std::log(1.0 + p * (v - 1.0) + o.eps) : std::log(v + o.eps); };
      std::fill(row.begin(), row.end(), term(0.0));
      const std::uint32_t i = slots[s];
      for (auto q = y.row_start[i]; q < y.row_start[i + 1]; ++q) row[y.index[q]] = soft ? term(y.at(q)) : logs[q];
      for (std::size_t c = 0; c < C; ++c) out[c] += row[c];
    }
  }

  /// Every neuron's conditional under w into `out` (F x |C|), neurons in parallel.
  void conditional(std::span<const double> w, clip_dissect_matrix& out) const {
    out.resize(a.cols(), y.concepts);
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, a.cols()), [&](const tbb::blocked_range<Eigen::Index>& r) {
      std::vector<std::uint32_t> slots;
      std::vector<double> row;
      for (Eigen::Index j = r.begin(); j < r.end(); ++j) conditional_row(j, w, slots, row, out.row(j).data());
    });
  }
};

}  // namespace

const clip_dissect_options& clip_dissect_settings(metric m, const metric_options& options) {
  if (m == metric::soft_wpmi) return options.soft_wpmi;
  if (m == metric::cd_wpmi) return options.cd_wpmi;
  throw invalid_argument(fmt::format("metric '{}' is not one of CLIP-Dissect's scores (soft_wpmi, cd_wpmi)", to_string(m)));
}

clip_dissect_matrix clip_dissect_conditional(const probing_set& set, metric m, const metric_options& options,
                                             std::span<const double> weights) {
  check_metric_options(options);
  check_multiplicities(weights, set.samples(), m, clip_dissect_settings(m, options).top_k);
  const layer_problem problem(set.activations, set.sparse, m, options, weights.empty());
  clip_dissect_matrix out;
  problem.conditional(weights, out);
  return out;
}

Eigen::RowVectorXd clip_dissect_marginal(const clip_dissect_matrix& conditional) {
  const Eigen::Index F = conditional.rows(), C = conditional.cols();
  if (F == 0) throw invalid_argument("the CLIP-Dissect marginal of a layer without neurons");
  Eigen::RowVectorXd out(C);
  const double log_f = std::log(static_cast<double>(F));
  // Per concept: the largest term, then the sum of exp(x - max) over the neurons in index order.
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, C, 256), [&](const tbb::blocked_range<Eigen::Index>& r) {
    for (Eigen::Index c = r.begin(); c < r.end(); ++c) {
      double top = conditional(0, c);
      for (Eigen::Index k = 1; k < F; ++k) top = std::max(top, conditional(k, c));
      double sum = 0.0;
      for (Eigen::Index k = 0; k < F; ++k) sum += std::exp(conditional(k, c) - top);
      out(c) = (std::log(sum) + top) - log_f;
    }
  });
  return out;
}

namespace {

/// score = conditional - lambda marginal, as a similarity matrix (every entry defined).
similarity_matrix scores_of(const clip_dissect_matrix& conditional, const Eigen::RowVectorXd& marginal, metric m,
                            double lambda) {
  similarity_matrix s;
  s.which = m;
  s.value.resize(conditional.rows(), conditional.cols());
  s.reason = reason_matrix::Zero(conditional.rows(), conditional.cols());
  for (Eigen::Index c = 0; c < conditional.cols(); ++c)
    for (Eigen::Index k = 0; k < conditional.rows(); ++k) s.value(k, c) = conditional(k, c) - lambda * marginal(c);
  return s;
}

}  // namespace

similarity_matrix clip_dissect_similarity(const probing_set& set, metric m, const metric_options& options,
                                          std::span<const double> weights) {
  const auto conditional = clip_dissect_conditional(set, m, options, weights);
  return scores_of(conditional, clip_dissect_marginal(conditional), m, clip_dissect_settings(m, options).lambda);
}

ensemble_counts clip_dissect_ensemble(const Eigen::MatrixXd& activations, const sparse_concepts& concepts,
                                      const multiplicity_matrix& multiplicities, const bootstrap_request& request) {
  const metric m = request.which;
  check_metric_options(request.options);
  const auto& o = clip_dissect_settings(m, request.options);
  const Eigen::Index n = activations.rows(), F = activations.cols(), C = concepts.concepts;
  const std::int64_t K = multiplicities.rows();
  if (multiplicities.cols() != n)
    throw invalid_argument(fmt::format("multiplicities have {} columns but the probing set has {} samples",
                                       multiplicities.cols(), n));
  if (o.top_k > n)
    throw invalid_argument(fmt::format("{} top_k must lie between 1 and the number of probing samples ({}), got {}",
                                       to_string(m), n, o.top_k));
  const layer_problem problem(activations, concepts, m, request.options, /*unit_weights=*/false);
  ensemble_counts out;
  out.counts.setZero(F, C);
  out.unidentified.setZero(F);
  out.resamples = K;
  clip_dissect_matrix conditional;
  std::vector<std::int32_t> winners(static_cast<std::size_t>(F));
  std::vector<double> w;
  for (std::int64_t r = 0; r < K; ++r) {
    w.assign(multiplicities.row(r).data(), multiplicities.row(r).data() + n);
    check_multiplicities(w, n, m, o.top_k);
    problem.conditional(w, conditional);
    const Eigen::RowVectorXd marginal = clip_dissect_marginal(conditional);  // recomputed from this resample
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, F), [&](const tbb::blocked_range<Eigen::Index>& range) {
      std::vector<metric_value> scores(static_cast<std::size_t>(C));
      for (Eigen::Index k = range.begin(); k < range.end(); ++k) {
        for (Eigen::Index c = 0; c < C; ++c)
          scores[static_cast<std::size_t>(c)] = metric_value::of(conditional(k, c) - o.lambda * marginal(c));
        winners[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(identify_scores(scores).concept_index);
      }
    });
    for (Eigen::Index k = 0; k < F; ++k) {
      const std::int32_t c = winners[static_cast<std::size_t>(k)];
      if (c >= 0)
        ++out.counts(k, c);
      else
        ++out.unidentified(k);  // only without concepts: every score is defined
    }
    if (request.progress) request.progress((r + 1) * F, K * F);
  }
  if (request.neurons_done) request.neurons_done(0, F, out);
  return out;
}

}  // namespace neuroncert
