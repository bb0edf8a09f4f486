#include "neuroncert/core/all_pairs.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"
#include "similarity_engine.hpp"

namespace neuroncert {
namespace {

std::span<const double> column(const Eigen::MatrixXd& m, Eigen::Index j) {
  return {m.col(j).data(), static_cast<std::size_t>(m.rows())};
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

/// Unit weights when none are given: the engine always reads n weights.
std::vector<double> weights_or_ones(std::span<const double> weights, Eigen::Index n) {
  if (weights.empty()) return std::vector<double>(static_cast<std::size_t>(n), 1.0);
  return {weights.begin(), weights.end()};
}

/// Runs body(block) for every block of neurons, in parallel; each block writes only its rows.
template <class Body>
void for_each_block(const probing_set& set, Body&& body) {
  const Eigen::Index F = set.neurons();
  const Eigen::Index blocks = (F + detail::engine_block - 1) / detail::engine_block;
  tbb::parallel_for(Eigen::Index{0}, blocks, [&](Eigen::Index b) {
    const Eigen::Index begin = b * detail::engine_block;
    body(begin, std::min(detail::engine_block, F - begin));
  });
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

Eigen::MatrixXd binarize_neurons(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights) {
  check_metric_options(options);
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
    const double t = top_alpha_threshold(z, descending_order(z), options.alpha, weights);
    for (Eigen::Index i = 0; i < n; ++i) b(i, j) = z[static_cast<std::size_t>(i)] >= t ? 1.0 : 0.0;
  });
  return b;
}

pairwise_counts all_pairs_counts(const probing_set& set, const metric_options& options,
                                 std::span<const double> weights) {
  check_metric_options(options);
  check_weights(weights, set.samples());
  const detail::similarity_engine engine(set.activations, set.sparse, metric::accuracy, options);  // any count metric: same counts
  const auto w = weights_or_ones(weights, set.samples());
  const auto terms = engine.terms(w);
  pairwise_counts k;
  k.n = terms.total;
  k.fire.resize(set.neurons());
  k.positives = Eigen::Map<const Eigen::RowVectorXd>(terms.positives.data(), set.concept_count());
  k.both.resize(set.neurons(), set.concept_count());
  for_each_block(set, [&](Eigen::Index begin, Eigen::Index width) {
    detail::engine_scratch scratch;
    engine.counts(engine.prepare(begin, width), terms, scratch,
                  [&](Eigen::Index j, double fire, std::span<const double> f11) {
                    k.fire(begin + j) = fire;
                    for (std::size_t c = 0; c < f11.size(); ++c) k.both(begin + j, static_cast<Eigen::Index>(c)) = f11[c];
                  });
  });
  return k;
}

similarity_matrix similarity_from_counts(const pairwise_counts& k, metric m, const metric_options& options) {
  check_metric_options(options);
  auto s = make_result(m, k.both.rows(), k.both.cols());
  for (Eigen::Index c = 0; c < k.both.cols(); ++c)
    for (Eigen::Index f = 0; f < k.both.rows(); ++f) set_entry(s, f, c, binary_metric(m, k.at(f, c), options));
  return s;
}

std::vector<similarity_matrix> all_pairs_similarities(const probing_set& set, std::span<const metric> metrics,
                                                    const metric_options& options, std::span<const double> weights) {
  check_weights(weights, set.samples());
  // Layer metrics (CLIP-Dissect's scores) depend on every neuron at once: clip_dissect.cpp.
  if (std::any_of(metrics.begin(), metrics.end(), is_layer_metric)) {
    std::vector<similarity_matrix> out;
    for (const metric m : metrics)
      out.push_back(is_layer_metric(m) ? clip_dissect_similarity(set, m, options, weights)
                                       : all_pairs_similarity(set, m, options, weights));
    return out;
  }
  std::vector<detail::similarity_engine> engines;
  engines.reserve(metrics.size());
  for (const metric m : metrics) engines.emplace_back(set.activations, set.sparse, m, options);
  const auto w = weights_or_ones(weights, set.samples());
  std::vector<detail::weight_terms> terms;
  std::vector<similarity_matrix> out;
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    terms.push_back(engines[k].terms(w));
    out.push_back(make_result(metrics[k], set.neurons(), set.concept_count()));
  }
  // The first engine of each kind prepares the block that all engines of that kind score.
  const auto first_of = [&](bool sorting) {
    return std::find_if(engines.begin(), engines.end(), [&](const auto& e) { return e.sorts() == sorting; });
  };
  const auto sorting = first_of(true), centred = first_of(false);
  for_each_block(set, [&](Eigen::Index begin, Eigen::Index width) {
    detail::engine_scratch scratch;
    const detail::neuron_block ordered = sorting != engines.end() ? sorting->prepare(begin, width) : detail::neuron_block{};
    const detail::neuron_block plain = centred != engines.end() ? centred->prepare(begin, width) : detail::neuron_block{};
    for (std::size_t k = 0; k < engines.size(); ++k) {
      auto& s = out[k];
      engines[k].score(engines[k].sorts() ? ordered : plain, terms[k], scratch,
                       [&](Eigen::Index j, std::span<const metric_value> row) {
                         for (std::size_t c = 0; c < row.size(); ++c)
                           set_entry(s, begin + j, static_cast<Eigen::Index>(c), row[c]);
                       });
    }
  });
  return out;
}

similarity_matrix all_pairs_similarity(const probing_set& set, metric m, const metric_options& options,
                                       std::span<const double> weights) {
  return std::move(all_pairs_similarities(set, std::span<const metric>(&m, 1), options, weights).front());
}

metric_value pair_metric(metric m, std::span<const double> z, std::span<const double> c,
                         std::span<const double> weights, const metric_options& options) {
  if (z.size() != c.size())
    throw invalid_argument(fmt::format("activations have {} samples but the concept has {}", z.size(), c.size()));
  if (z.empty()) throw invalid_argument("a pair metric of an empty sample");
  const auto n = static_cast<Eigen::Index>(z.size());
  check_weights(weights, n);
  const Eigen::MatrixXd activations = Eigen::Map<const Eigen::VectorXd>(z.data(), n);
  sparse_concepts_builder rows(1);
  for (const double y : c) {
    if (y != 0.0) rows.add(0, y);
    rows.end_row();
  }
  const sparse_concepts concept_rows = std::move(rows).finish();
  const detail::similarity_engine engine(activations, concept_rows, m, options);
  const auto w = weights_or_ones(weights, n);
  detail::engine_scratch scratch;
  metric_value out;
  engine.score(engine.prepare(0, 1), engine.terms(w), scratch,
               [&](Eigen::Index, std::span<const metric_value> scores) { out = scores[0]; });
  return out;
}

}  // namespace neuroncert
