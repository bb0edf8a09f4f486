#include "neuroncert/bounds/certify.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <tbb/parallel_for.h>

#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/identify.hpp"

namespace neuroncert::bounds {
namespace {

bool is_whole(double x) { return std::floor(x) == x; }

/// The similarities and, when the rate needs them, the 2x2 counts behind them, from one pass of
/// the similarity engine: a count metric is binary_metric() of the counts (what
/// all_pairs_similarity computes from the same counts), and AUROC's rate needs only each concept's
/// class counts (n1 positives, n0 = n - n1), so no neuron is binarised for it.
std::pair<similarity_matrix, pairwise_counts> similarities_and_counts(const probing_set& set, metric m,
                                                                      const metric_options& options, bool need_counts) {
  std::pair<similarity_matrix, pairwise_counts> out;
  auto& [sim, counts] = out;
  const bool from_counts = is_count_metric(m) || (m == metric::auroc && options.binary_activations);
  if (!from_counts) {
    sim = all_pairs_similarity(set, m, options);
    if (need_counts) {  // class counts only: fire = F11 = 0 leaves n1 = positives, n0 = n - n1
      counts.n = static_cast<double>(set.samples());
      counts.positives = concept_sums(set.sparse);
      counts.fire = Eigen::VectorXd::Zero(set.neurons());
      counts.both = Eigen::MatrixXd::Zero(set.neurons(), set.concept_count());
    }
    return out;
  }
  counts = all_pairs_counts(set, options);
  sim = similarity_from_counts(counts, m, options);
  return out;
}

}  // namespace

certification certify_all(const probing_set& set, metric m, const metric_options& options, double delta,
                          double min_support) {
  check_open_unit("delta", delta);
  check_nonnegative("minimum support", min_support);
  const auto kind = rate_kind_for(m);
  auto [sim, counts] = similarities_and_counts(set, m, options, kind.has_value());
  const auto ids = identify(sim);
  std::vector<certified_identification> out(ids.size());
  const double delta_c = union_delta(delta, set.concept_count());
  const bool needs_counts = kind.has_value();
  const bool integer_counts = needs_counts && is_whole(counts.n) && set.sparse.binary();

  // Neurons are independent: each fills its own slot (the certified sets' exact intervals cost most).
  tbb::parallel_for(std::size_t{0}, ids.size(), [&](std::size_t f) {
    const Eigen::Index fi = static_cast<Eigen::Index>(f);
    auto& c = out[f];
    c.concept_index = ids[f].concept_index;
    c.estimate = ids[f].value;
    c.skipped = ids[f].skipped;
    if (!kind || !ids[f].found()) return;
    c.has_bound = true;
    c.bound = *kind == rate_kind::hoeffding ? "hoeffding"
              : *kind == rate_kind::agarwal_auroc ? "agarwal_auroc"
                                                  : "effective_sample_size";
    const rate_basis chosen = rate_basis_for(m, counts.at(fi, c.concept_index), options.recall_precision);
    c.effective_n = chosen.n_eff;
    c.rate = rate_at(chosen, delta_c);
    c.certified = {std::max(0.0, c.estimate - c.rate), std::min(1.0, c.estimate + c.rate)};
    double worst = 0.0;
    for (Eigen::Index j = 0; j < set.concept_count(); ++j) {
      if (!sim.at(fi, j).defined()) continue;
      worst = std::max(worst, rate_at(rate_basis_for(m, counts.at(fi, j), options.recall_precision), delta_c));
    }
    // The certified metrics lie in [0, 1], so no gap exceeds 1: past it the bound says nothing.
    c.gap = std::min(1.0, c.rate + worst);
    c.gap_vacuous = c.gap >= 1.0;
    std::vector<metric_value> row(static_cast<std::size_t>(set.concept_count()));
    std::vector<counts2x2> k(row.size());
    for (Eigen::Index j = 0; j < set.concept_count(); ++j) {
      row[static_cast<std::size_t>(j)] = sim.at(fi, j);
      k[static_cast<std::size_t>(j)] = counts.at(fi, j);
    }
    c.candidates = certify_concept_set(m, row, k, integer_counts, delta_c, min_support, options);
    if (chosen.successes && integer_counts && chosen.trials >= 1.0)
      c.clopper_pearson = clopper_pearson(static_cast<std::int64_t>(*chosen.successes),
                                          static_cast<std::int64_t>(chosen.trials), delta_c);
  });
  return {std::move(out), std::move(sim)};
}

std::vector<certified_identification> certify_identifications(const probing_set& set, metric m,
                                                              const metric_options& options, double delta) {
  return certify_all(set, m, options, delta).neurons;
}

}  // namespace neuroncert::bounds
