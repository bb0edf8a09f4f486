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

namespace {

enum class interval_kind { rate, clopper_pearson, auroc_binary, auroc_kl };

interval_kind kind_of(metric m, const rate_basis& b, bool integer_counts, const metric_options& options) {
  if (!b.kind) throw invalid_argument(fmt::format("metric '{}' has no closed-form rate: no certified set", to_string(m)));
  const bool auroc = m == metric::auroc && options.auroc == auroc_convention::tie_corrected && b.n1 >= 1.0 && b.n0 >= 1.0;
  if (auroc && options.binary_activations && integer_counts) return interval_kind::auroc_binary;
  if (auroc && std::floor(b.n1) == b.n1 && std::floor(b.n0) == b.n0) return interval_kind::auroc_kl;
  if (b.successes && integer_counts && b.trials >= 1.0) return interval_kind::clopper_pearson;
  return interval_kind::rate;
}

// The cheap part of a concept's interval: `inner` lies inside it and it lies inside estimate -+ `radius`;
// with the kind and class counts that decide how its exact ends are found.
struct cheap_bounds {
  interval inner;
  double radius = 0;
  interval_kind kind = interval_kind::rate;
  double n1 = 0, n0 = 0;
};

cheap_bounds cheap_bounds_of(interval_kind kind, double estimate, const rate_basis& b, double delta_c) {
  // L <= estimate <= U; +inf radius when m = 0
  cheap_bounds out{{estimate, estimate}, rate_at(b, delta_c), kind, b.n1, b.n0};
  if (kind == interval_kind::auroc_binary) {
    // Clopper-Pearson on TPR and TNR, each within its Hoeffding radius at its share of delta_c.
    const auroc_delta_split d = auroc_split_delta(static_cast<std::int64_t>(b.n1), static_cast<std::int64_t>(b.n0), delta_c);
    out.radius = 0.5 * (std::sqrt(std::log(2.0 / d.positives) / (2.0 * b.n1)) +
                        std::sqrt(std::log(2.0 / d.negatives) / (2.0 * b.n0)));
  } else if (kind == interval_kind::auroc_kl) {
    // Inside Agarwal's radius (kl >= 2 t^2 and min(n1, n0) >= n1 n0 / n); the chi-square interval inside it.
    out.inner = auroc_u_statistic_kl_inner(static_cast<std::int64_t>(b.n1), static_cast<std::int64_t>(b.n0),
                                           std::clamp(estimate, 0.0, 1.0), delta_c);
  }
  return out;
}

}  // namespace

concept_interval interval_for_concept(metric m, double estimate, const counts2x2& k, bool integer_counts,
                                      double delta_c, const metric_options& options) {
  const rate_basis b = rate_basis_for(m, k, options.recall_precision);
  const interval_kind kind = kind_of(m, b, integer_counts, options);
  concept_interval out;
  out.max_radius = cheap_bounds_of(kind, estimate, b, delta_c).radius;
  out.exact = kind != interval_kind::rate;
  switch (kind) {
    case interval_kind::auroc_binary:  // a binary neuron's tie-corrected AUROC is (TPR + TNR) / 2
      out.bounds = auroc_binary_exact(static_cast<std::int64_t>(k.f11), static_cast<std::int64_t>(b.n1),
                                      static_cast<std::int64_t>(k.f00), static_cast<std::int64_t>(b.n0), delta_c);
      break;
    case interval_kind::auroc_kl:  // any scores: Hoeffding's two-sample U-statistic bound, kl form
      out.bounds = auroc_u_statistic_kl(static_cast<std::int64_t>(b.n1), static_cast<std::int64_t>(b.n0),
                                        std::clamp(estimate, 0.0, 1.0), delta_c);
      break;
    case interval_kind::clopper_pearson:
      out.bounds = clopper_pearson(static_cast<std::int64_t>(*b.successes), static_cast<std::int64_t>(b.trials), delta_c);
      break;
    case interval_kind::rate:
      out.bounds = {std::max(0.0, estimate - out.max_radius), std::min(1.0, estimate + out.max_radius)};
      break;
  }
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

  bool any_exact = false, any_rate = false;
  const auto cheap = [&](std::size_t c) {
    const rate_basis b = rate_basis_for(m, counts[c], options.recall_precision);
    const interval_kind kind = kind_of(m, b, integer_counts, options);
    (kind == interval_kind::rate ? any_rate : any_exact) = true;
    return cheap_bounds_of(kind, estimates[c].value, b, delta_c);
  };
  const auto exact = [&](std::size_t c) {
    return interval_for_concept(m, estimates[c].value, counts[c], integer_counts, delta_c, options).bounds;
  };

  // c_LCB: L_c <= inner.lower <= estimate_c, so once the estimates fall below the best L found, no later
  // one can beat it, and a concept whose inner interval starts below it cannot either.
  double best_lower = -1.0;
  std::vector<cheap_bounds> cheap_of(estimates.size());
  std::vector<bool> has_cheap(estimates.size(), false);
  for (std::size_t c : order) {
    if (estimates[c].value < best_lower) break;
    cheap_of[c] = cheap(c);
    has_cheap[c] = true;
    if (cheap_of[c].inner.lower < best_lower) continue;
    const interval iv = exact(c);
    if (iv.lower > best_lower || (iv.lower == best_lower && static_cast<Eigen::Index>(c) < out.lcb_concept)) {
      best_lower = iv.lower;
      out.lcb_concept = static_cast<Eigen::Index>(c);
      out.lcb_interval = iv;
    }
  }
  // S_cert: in when estimate_c (or the inner interval's end) reaches max L; out when estimate + radius
  // falls short of it; otherwise the exact upper end decides.
  for (std::size_t c : order) {
    const double est = estimates[c].value;
    bool member = est >= best_lower - slack;
    if (!member) {
      if (!has_cheap[c]) cheap_of[c] = cheap(c);
      const cheap_bounds& cb = cheap_of[c];
      const double x = best_lower - slack;
      if (cb.inner.upper >= x) {
        member = true;
      } else if (est + cb.radius >= x) {
        // For the kl interval one evaluation of kl at x decides (x > estimate: the upper end reaches x
        // iff x is in the set); the others compute their upper end.
        member = cb.kind == interval_kind::auroc_kl
                     ? auroc_u_statistic_kl_contains(static_cast<std::int64_t>(cb.n1), static_cast<std::int64_t>(cb.n0),
                                                     std::clamp(est, 0.0, 1.0), delta_c, std::clamp(x, 0.0, 1.0))
                     : exact(c).upper >= x;
      }
    }
    if (member) out.members.push_back(static_cast<Eigen::Index>(c));
  }
  out.method = any_exact && any_rate ? "mixed" : any_exact ? "exact" : "rate";
  return out;
}

}  // namespace neuroncert::bounds
