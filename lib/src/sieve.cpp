#include "neuroncert/core/sieve.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"
#include "neuroncert/core/silhouette.hpp"

namespace neuroncert {
namespace {

std::vector<double> column(const Eigen::MatrixXd& m, Eigen::Index c) {
  std::vector<double> v(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index r = 0; r < m.rows(); ++r) v[static_cast<std::size_t>(r)] = m(r, c);
  return v;
}

}  // namespace

void check_sieve_options(const sieve_options& o) {
  if (!(o.beta > 0) || !std::isfinite(o.beta))
    throw invalid_argument(fmt::format("--beta must be positive and finite, got {}", o.beta));
  if (!(o.quantile > 0.5 && o.quantile < 1.0))
    throw invalid_argument(fmt::format("--quantile must lie in (0.5, 1), got {}", o.quantile));
  if (o.top < 2) throw invalid_argument(fmt::format("--top must be at least 2, got {}", o.top));
  if (o.hypotheses_per_cluster < 1)
    throw invalid_argument(fmt::format("--hypotheses-per-cluster must be at least 1, got {}", o.hypotheses_per_cluster));
  if (o.max_clusters < 1)
    throw invalid_argument(fmt::format("--max-clusters must be at least 1, got {}", o.max_clusters));
}

sieve_ratio sieve_select(std::span<const double> activations, double beta, double quantile) {
  sieve_ratio r;
  r.top_quantile = quantile_type7(activations, quantile);
  r.median = quantile_type7(activations, 0.5);
  if (r.median <= 0) {
    r.undefined_reason = fmt::format("median {} <= 0: the ratio Q_{}/median is undefined", r.median, quantile);
    return r;
  }
  r.ratio = r.top_quantile / r.median;
  r.selected = *r.ratio > beta;
  return r;
}

std::vector<std::uint32_t> top_sample_indices(std::span<const double> activations, int top) {
  if (top < 1 || static_cast<std::size_t>(top) > activations.size())
    throw invalid_argument(fmt::format("--top must lie in [1, {}] (probe images), got {}", activations.size(), top));
  auto order = descending_order(activations);
  order.resize(static_cast<std::size_t>(top));
  return order;
}

std::vector<concept_hypothesis> hypothesise(std::span<const int> labels, const Eigen::MatrixXd& scores,
                                            int k_per_cluster) {
  if (static_cast<Eigen::Index>(labels.size()) != scores.rows())
    throw invalid_argument(fmt::format("hypothesise: {} labels for {} score rows", labels.size(), scores.rows()));
  if (k_per_cluster < 1) throw invalid_argument("hypothesise: K must be at least 1");
  int m = 0;
  for (int l : labels) m = std::max(m, l + 1);
  std::vector<concept_hypothesis> out;
  for (int c = 0; c < m; ++c) {
    Eigen::RowVectorXd g = Eigen::RowVectorXd::Zero(scores.cols());
    double size = 0;
    for (std::size_t r = 0; r < labels.size(); ++r)
      if (labels[r] == c) {
        g += scores.row(static_cast<Eigen::Index>(r));
        size += 1;
      }
    if (size == 0) continue;
    g /= size;
    std::vector<Eigen::Index> idx(static_cast<std::size_t>(scores.cols()));
    for (Eigen::Index t = 0; t < scores.cols(); ++t) idx[static_cast<std::size_t>(t)] = t;
    std::stable_sort(idx.begin(), idx.end(), [&](Eigen::Index x, Eigen::Index y) { return g(x) > g(y); });
    int taken = 0;
    for (Eigen::Index t : idx) {
      if (taken == k_per_cluster || !(g(t) > 0)) break;
      ++taken;
      const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& h) { return h.concept_index == t; });
      if (!seen) out.push_back({t, c, g(t)});
    }
  }
  return out;
}

std::vector<std::vector<std::uint32_t>> verification_sets(const Eigen::MatrixXd& heldout_concepts) {
  std::vector<std::vector<std::uint32_t>> sets(static_cast<std::size_t>(heldout_concepts.cols()));
  for (Eigen::Index c = 0; c < heldout_concepts.cols(); ++c)
    for (Eigen::Index r = 0; r < heldout_concepts.rows(); ++r)
      if (heldout_concepts(r, c) >= 0.5) sets[static_cast<std::size_t>(c)].push_back(static_cast<std::uint32_t>(r));
  return sets;
}

std::int64_t count_above(std::span<const double> activations, std::span<const std::uint32_t> images, double threshold) {
  std::int64_t k = 0;
  for (auto x : images) k += activations[x] > threshold ? 1 : 0;
  return k;
}

mean_ar_filter filter_by_mean(std::span<const double> rates) {
  mean_ar_filter f;
  f.kept.assign(rates.size(), true);
  if (rates.empty()) return f;
  double total = 0;
  for (double r : rates) total += r;
  f.mean_before = total / static_cast<double>(rates.size());
  double kept_total = 0;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    f.kept[i] = rates[i] >= f.mean_before;
    if (f.kept[i]) {
      kept_total += rates[i];
      ++f.kept_count;
    }
  }
  f.mean_after = f.kept_count ? kept_total / static_cast<double>(f.kept_count) : 0.0;
  return f;
}

namespace {
void check_shapes(const Eigen::MatrixXd& pa, const Eigen::MatrixXd& pc, const Eigen::MatrixXd& ha,
                  const Eigen::MatrixXd& hc) {
  if (pa.rows() == 0 || ha.rows() == 0) throw invalid_argument("sieve: the probe and held-out sets must be non-empty");
  if (pa.rows() != pc.rows() || ha.rows() != hc.rows())
    throw invalid_argument("sieve: activations and concepts must have the same number of rows");
  if (pa.cols() != ha.cols() || pc.cols() != hc.cols())
    throw invalid_argument("sieve: probe and held-out sets must have the same neurons and concepts");
  if (!pa.allFinite() || !ha.allFinite()) throw data_error("sieve: activations contain NaN or Inf");
}
}  // namespace

sieve_result run_sieve(const Eigen::MatrixXd& pa, const Eigen::MatrixXd& pc, const Eigen::MatrixXd& ha,
                       const Eigen::MatrixXd& hc, const sieve_options& o) {
  check_sieve_options(o);
  check_shapes(pa, pc, ha, hc);
  if (o.top > pa.rows())
    throw invalid_argument(fmt::format("--top {} exceeds the {} probe images", o.top, pa.rows()));
  const auto sets = verification_sets(hc);
  sieve_result res;
  for (Eigen::Index i = 0; i < pa.cols(); ++i) {
    sieve_neuron nr;
    nr.neuron = i;
    const auto a = column(pa, i);
    nr.select = sieve_select(a, o.beta, o.quantile);
    nr.considered = !o.select || nr.select.selected;
    if (nr.considered) {
      nr.top = top_sample_indices(a, o.top);
      Eigen::MatrixXd feats(o.top, pa.cols()), scores(o.top, pc.cols());
      for (int r = 0; r < o.top; ++r) {
        feats.row(r) = pa.row(nr.top[static_cast<std::size_t>(r)]);
        scores.row(r) = pc.row(nr.top[static_cast<std::size_t>(r)]);
      }
      if (o.cluster) {
        auto choice = choose_clusters(feats, o.max_clusters);
        nr.clusters = choice.m;
        nr.labels = std::move(choice.labels);
        nr.silhouettes = std::move(choice.silhouettes);
      } else {
        nr.clusters = 1;
        nr.labels.assign(static_cast<std::size_t>(o.top), 0);
      }
      const auto ha_i = column(ha, i);
      for (const auto& h : hypothesise(nr.labels, scores, o.hypotheses_per_cluster)) {
        const auto& g = sets[static_cast<std::size_t>(h.concept_index)];
        if (g.empty())
          throw data_error(fmt::format("sieve: concept {} has no held-out verification image", h.concept_index));
        sieve_hypothesis sh;
        sh.neuron = i;
        sh.concept_index = h.concept_index;
        sh.cluster = h.cluster;
        sh.score = h.score;
        sh.fired = count_above(ha_i, g, nr.select.top_quantile);
        sh.images = static_cast<std::int64_t>(g.size());
        sh.rate = static_cast<double>(sh.fired) / static_cast<double>(sh.images);
        nr.hypotheses.push_back(res.hypotheses.size());
        res.hypotheses.push_back(sh);
      }
    }
    res.neurons.push_back(std::move(nr));
  }
  std::vector<double> rates;
  for (const auto& h : res.hypotheses) rates.push_back(h.rate);
  const auto f = filter_by_mean(rates);
  res.mean_ar_all = f.mean_before;
  if (o.verify) {
    for (std::size_t j = 0; j < rates.size(); ++j) res.hypotheses[j].kept = f.kept[j];
    res.mean_ar = f.mean_after;
    res.kept = f.kept_count;
  } else {
    res.mean_ar = f.mean_before;
    res.kept = rates.size();
  }
  for (const auto& nr : res.neurons)
    if (std::any_of(nr.hypotheses.begin(), nr.hypotheses.end(), [&](std::size_t j) { return res.hypotheses[j].kept; }))
      ++res.explained;
  return res;
}

std::vector<std::optional<double>> activation_rates_for(const Eigen::MatrixXd& pa, const Eigen::MatrixXd& ha,
                                                        const Eigen::MatrixXd& hc, std::span<const Eigen::Index> concepts,
                                                        double quantile) {
  if (static_cast<Eigen::Index>(concepts.size()) != pa.cols() || ha.cols() != pa.cols())
    throw invalid_argument("activation_rates_for: one concept per neuron is required");
  const auto sets = verification_sets(hc);
  std::vector<std::optional<double>> out(concepts.size());
  for (Eigen::Index i = 0; i < pa.cols(); ++i) {
    const Eigen::Index c = concepts[static_cast<std::size_t>(i)];
    if (c < 0) continue;
    if (c >= hc.cols()) throw invalid_argument(fmt::format("activation_rates_for: concept {} out of range", c));
    const auto& g = sets[static_cast<std::size_t>(c)];
    if (g.empty()) throw data_error(fmt::format("sieve: concept {} has no held-out verification image", c));
    const double t = quantile_type7(column(pa, i), quantile);
    out[static_cast<std::size_t>(i)] =
        static_cast<double>(count_above(column(ha, i), g, t)) / static_cast<double>(g.size());
  }
  return out;
}

std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> split_by_class(std::span<const std::int64_t> labels) {
  std::map<std::int64_t, std::size_t> total, seen;
  for (auto l : labels) ++total[l];
  std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto l = labels[i];
    const std::size_t rank = seen[l]++;
    (rank < (total[l] + 1) / 2 ? out.first : out.second).push_back(static_cast<std::uint32_t>(i));
  }
  return out;
}

}  // namespace neuroncert
