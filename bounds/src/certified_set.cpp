#include "neuroncert/bounds/certified_set.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "neuroncert/bounds/auroc_interval.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {
namespace {

// Rounding in the estimates (a ratio of counts) must not exclude a concept whose bound ties max L.
constexpr double slack = 1e-12;

}  // namespace

concept_interval interval_for_concept(metric m, double estimate, const counts2x2& k, bool integer_counts,
                                      double delta_c, const metric_options& options) {
  const rate_basis b = rate_basis_for(m, k, options.recall_precision);
  if (!b.kind) throw invalid_argument(fmt::format("metric '{}' has no closed-form rate: no certified set", to_string(m)));
  const double r = rate_at(b, delta_c);  // +inf when the effective size is 0
  concept_interval out;
  out.max_radius = r;
  // A binary neuron's tie-corrected AUROC is (TPR + TNR) / 2: exact from Clopper-Pearson on the two
  // rates (auroc_interval.hpp), each within its Hoeffding radius at its share of delta_c.
  if (m == metric::auroc && options.binary_activations && options.auroc == auroc_convention::tie_corrected &&
      integer_counts && b.n1 >= 1.0 && b.n0 >= 1.0) {
    const auto n1 = static_cast<std::int64_t>(b.n1), n0 = static_cast<std::int64_t>(b.n0);
    out.bounds = auroc_binary_exact(static_cast<std::int64_t>(k.f11), n1, static_cast<std::int64_t>(k.f00), n0, delta_c);
    const auroc_delta_split d = auroc_split_delta(n1, n0, delta_c);
    out.max_radius = 0.5 * (std::sqrt(std::log(2.0 / d.positives) / (2.0 * b.n1)) +
                            std::sqrt(std::log(2.0 / d.negatives) / (2.0 * b.n0)));
    out.exact = true;
    return out;
  }
  // Any scores: Hoeffding's two-sample U-statistic bound in kl form with k = min(n1, n0), inside
  // Agarwal's radius (kl >= 2 t^2 and min(n1, n0) >= n1 n0 / n), so the pruning radius stays r.
  if (m == metric::auroc && options.auroc == auroc_convention::tie_corrected && b.n1 >= 1.0 && b.n0 >= 1.0 &&
      std::floor(b.n1) == b.n1 && std::floor(b.n0) == b.n0) {
    out.bounds = auroc_u_statistic_kl(static_cast<std::int64_t>(b.n1), static_cast<std::int64_t>(b.n0),
                                      std::clamp(estimate, 0.0, 1.0), delta_c);
    out.exact = true;
    return out;
  }
  if (b.successes && integer_counts && b.trials >= 1.0) {
    out.bounds = clopper_pearson(static_cast<std::int64_t>(*b.successes), static_cast<std::int64_t>(b.trials), delta_c);
    out.exact = true;
    return out;
  }
  out.bounds = {std::max(0.0, estimate - r), std::min(1.0, estimate + r)};
  return out;
}

certified_set certify_concept_set(metric m, std::span<const metric_value> estimates, std::span<const counts2x2> counts,
                                  bool integer_counts, double delta_c, double min_support,
                                  const metric_options& options) {
  check_open_unit("delta per concept", delta_c);
  check_nonnegative("minimum support", min_support);
  if (estimates.size() != counts.size())
    throw invalid_argument(fmt::format("certify_concept_set: {} estimates but {} counts", estimates.size(), counts.size()));
  certified_set out;
  // Candidates by estimate, highest first (ties: lower index).
  std::vector<std::size_t> order;
  for (std::size_t c = 0; c < estimates.size(); ++c) {
    if (!estimates[c].defined()) continue;
    if (counts[c].concept_positives() < min_support) {
      ++out.below_min_support;
      continue;
    }
    order.push_back(c);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return estimates[a].value > estimates[b].value; });
  if (order.empty()) return out;

  std::vector<concept_interval> intervals(estimates.size());
  std::vector<bool> computed(estimates.size(), false);
  bool any_exact = false, any_rate = false;
  const auto interval_of = [&](std::size_t c) -> const concept_interval& {
    if (!computed[c]) {
      intervals[c] = interval_for_concept(m, estimates[c].value, counts[c], integer_counts, delta_c, options);
      computed[c] = true;
      (intervals[c].exact ? any_exact : any_rate) = true;
    }
    return intervals[c];
  };

  // c_LCB: L_c <= estimate_c, so once the estimates fall below the best L found, no later one can beat it.
  double best_lower = -1.0;
  for (std::size_t c : order) {
    if (estimates[c].value < best_lower) break;
    const concept_interval& iv = interval_of(c);
    if (iv.bounds.lower > best_lower || (iv.bounds.lower == best_lower && static_cast<Eigen::Index>(c) < out.lcb_concept)) {
      best_lower = iv.bounds.lower;
      out.lcb_concept = static_cast<Eigen::Index>(c);
      out.lcb_interval = iv.bounds;
    }
  }
  // S_cert: U_c >= estimate_c, and U_c <= estimate_c + the rate radius.
  for (std::size_t c : order) {
    const double est = estimates[c].value;
    bool member = est >= best_lower - slack;
    if (!member) {
      // The rate radius bounds every interval's reach except the binary AUROC's (its two rates each at
      // a share of delta_c): compute that one.
      const bool cheap = !(m == metric::auroc && options.binary_activations);
      const double r = computed[c] || !cheap ? interval_of(c).max_radius
                                             : rate_at(rate_basis_for(m, counts[c], options.recall_precision), delta_c);
      if (est + r >= best_lower - slack) member = interval_of(c).bounds.upper >= best_lower - slack;
    }
    if (member) out.members.push_back(static_cast<Eigen::Index>(c));
  }
  out.method = any_exact && any_rate ? "mixed" : any_exact ? "exact" : "rate";
  return out;
}

}  // namespace neuroncert::bounds
