#include "neuroncert/bounds/certify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/identify.hpp"

namespace neuroncert::bounds {
namespace {

bool is_whole(double x) { return std::floor(x) == x; }

// The rate of one (neuron, concept) pair and the size behind it.
struct pair_rate {
  double n_eff = 0.0;
  double rate = std::numeric_limits<double>::infinity();
  double successes = 0.0;  // numerator of the estimate as a count, for Clopper-Pearson
};

pair_rate rate_of(metric m, const counts2x2& k, const metric_options& options, double delta_c) {
  pair_rate r;
  switch (m) {
    case metric::accuracy:
      r.n_eff = k.total();
      r.successes = k.f00 + k.f11;
      r.rate = hoeffding_rate(r.n_eff, delta_c);
      break;
    case metric::recall:
    case metric::precision: {
      const bool concept_side = (m == metric::recall) == (options.recall_precision == orientation::paper);
      r.n_eff = concept_side ? k.concept_positives() : k.neuron_positives();
      r.successes = k.f11;
      r.rate = ess_rate(r.n_eff, delta_c);
      break;
    }
    case metric::iou:
      r.n_eff = k.union_count();
      r.successes = k.f11;
      r.rate = ess_rate(r.n_eff, delta_c);
      break;
    case metric::auroc: {
      const double n1 = k.concept_positives(), n0 = k.f00 + k.f10;
      r.n_eff = n1 * n0 / (n1 + n0);
      r.rate = auroc_rate_counts(n0, n1, delta_c);
      break;
    }
    default: break;
  }
  return r;
}

}  // namespace

std::vector<certified_identification> certify_identifications(const probing_set& set, metric m,
                                                              const metric_options& options, double delta) {
  check_open_unit("delta", delta);
  const auto sim = all_pairs_similarity(set, m, options);
  const auto ids = identify(sim);
  std::vector<certified_identification> out(ids.size());
  const auto kind = rate_kind_for(m);
  const double delta_c = union_delta(delta, set.concept_count());
  // AUROC's rate needs only the class counts, which the counts path provides for any activations.
  const bool needs_counts = kind.has_value();
  pairwise_counts counts;
  if (needs_counts) counts = all_pairs_counts(set, options);
  const bool integer_counts = needs_counts && is_whole(counts.n) && set.sparse.binary();

  for (std::size_t f = 0; f < ids.size(); ++f) {
    const Eigen::Index fi = static_cast<Eigen::Index>(f);
    auto& c = out[f];
    c.concept_index = ids[f].concept_index;
    c.estimate = ids[f].value;
    c.skipped = ids[f].skipped;
    if (!kind || !ids[f].found()) continue;
    c.has_bound = true;
    c.bound = *kind == rate_kind::hoeffding ? "hoeffding"
              : *kind == rate_kind::agarwal_auroc ? "agarwal_auroc"
                                                  : "effective_sample_size";
    const pair_rate chosen = rate_of(m, counts.at(fi, c.concept_index), options, delta_c);
    c.effective_n = chosen.n_eff;
    c.rate = chosen.rate;
    c.certified = {std::max(0.0, c.estimate - c.rate), std::min(1.0, c.estimate + c.rate)};
    double worst = 0.0;
    for (Eigen::Index j = 0; j < set.concept_count(); ++j) {
      if (!sim.at(fi, j).defined()) continue;
      worst = std::max(worst, rate_of(m, counts.at(fi, j), options, delta_c).rate);
    }
    c.gap = c.rate + worst;
    if (m != metric::auroc && integer_counts && chosen.n_eff >= 1.0)
      c.clopper_pearson = clopper_pearson(static_cast<std::int64_t>(chosen.successes),
                                          static_cast<std::int64_t>(chosen.n_eff), delta_c);
  }
  return out;
}

}  // namespace neuroncert::bounds
