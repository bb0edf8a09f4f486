#include "neuroncert/bounds/auroc_interval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <boost/math/tools/roots.hpp>
#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// The largest unbiased sample variance of n values in [0, 1]: half at 0, half at 1 gives
// n/(4(n-1)) for even n (odd n less).
void check_placement_variance(const char* name, double v, std::int64_t n) {
  check_nonnegative(name, v);
  const double nd = static_cast<double>(n);
  const double cap = n >= 2 ? nd / (4.0 * (nd - 1.0)) : 0.0;
  if (v > cap * (1.0 + 1e-12) + 1e-15)
    throw invalid_argument(fmt::format("{} must be at most {} (the largest sample variance of {} values in [0, 1]), got {}",
                                       name, cap, n, v));
}

// One side of the Chernoff-Hoeffding interval: the q beyond `mean` (towards 1 when up) with
// kl(mean || q) = t. kl(mean || q) increases in |q - mean|, so bisection on [mean, 1] (or [0, mean]) finds
// it; Boost.Math has no inverse of the Bernoulli relative entropy, but its bisect does the root finding and
// returns a bracket, whose outer end is taken (so rounding only widens the interval).
double kl_end(double mean, double t, bool up) {
  if (up ? mean >= 1.0 : mean <= 0.0) return mean;
  auto f = [&](double q) { return kl_bernoulli(mean, q) - t; };
  const auto tol = boost::math::tools::eps_tolerance<double>(50);
  if (up) {
    if (f(1.0) <= 0.0) return 1.0;
    return boost::math::tools::bisect(f, mean, 1.0, tol).second;
  }
  if (f(0.0) <= 0.0) return 0.0;
  return boost::math::tools::bisect(f, 0.0, mean, tol).first;
}

void check_placement_stats(const auroc_placement_stats& s) {
  check_at_least("n1 (concept positives)", s.n1, 1);
  check_at_least("n0 (concept negatives)", s.n0, 1);
  check_closed_unit("auroc", s.auroc);
  check_placement_variance("var_pos", s.var_pos, s.n1);
  check_placement_variance("var_neg", s.var_neg, s.n0);
}

void check_scores(std::span<const double> scores, std::span<const std::uint8_t> labels) {
  if (scores.size() != labels.size())
    throw invalid_argument(fmt::format("scores ({}) and labels ({}) must have the same length", scores.size(), labels.size()));
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i])) throw data_error(fmt::format("scores[{}] is not finite ({})", i, scores[i]));
}

// Sum and sum of squared deviations (two passes) of values with integer weights.
struct weighted_moments {
  double weight = 0, sum = 0;
  std::vector<std::pair<double, double>> points;  // (value, weight)
  void add(double value, double w) {
    if (w <= 0.0) return;
    points.emplace_back(value, w);
    weight += w;
    sum += w * value;
  }
  double mean() const { return sum / weight; }
  double unbiased_variance() const {
    if (weight < 2.0) return 0.0;
    const double m = mean();
    double ss = 0.0;
    for (const auto& [v, w] : points) ss += w * (v - m) * (v - m);
    return ss / (weight - 1.0);
  }
};

// The kl budget t = ln(2/delta) / n of a two-sided Chernoff interval (each side at delta/2), with the
// arguments of chernoff_kl_interval checked.
double kl_budget(double mean, double n, double delta) {
  check_closed_unit("mean", mean);
  check_positive("n", n);
  if (n < 1.0) throw invalid_argument(fmt::format("n must be at least 1, got {}", n));
  check_open_unit("delta", delta);
  return std::log(2.0 / delta) / n;
}

// The arguments of the U-statistic interval and its companions.
void check_u_statistic_arguments(std::int64_t n1, std::int64_t n0, double auroc, double delta) {
  check_at_least("n1 (concept positives)", n1, 1);
  check_at_least("n0 (concept negatives)", n0, 1);
  check_closed_unit("auroc", auroc);
  check_open_unit("delta", delta);
}

}  // namespace

double kl_bernoulli(double p, double q) {
  check_closed_unit("p", p);
  check_closed_unit("q", q);
  double out = 0.0;
  if (p > 0.0) out += q > 0.0 ? p * std::log(p / q) : inf;
  if (p < 1.0) out += q < 1.0 ? (1.0 - p) * std::log((1.0 - p) / (1.0 - q)) : inf;
  return std::max(out, 0.0);  // rounding can leave -1e-17 near p = q
}

interval chernoff_kl_interval(double mean, double n, double delta) {
  const double t = kl_budget(mean, n, delta);
  return {kl_end(mean, t, false), kl_end(mean, t, true)};
}

interval chernoff_kl_inner(double mean, double n, double delta) {
  const double t = kl_budget(mean, n, delta);
  // b^2 - 4 (1 + t) p^2 simplifies to t (t + 4 p (1 - p)), free of the cancellation of the textbook
  // form; the smaller root as 2 p^2 / (b + sqrt(disc)) likewise. The roots bracket the mean (the
  // quadratic is -t p (1 - p) <= 0 there); the clamps only guard rounding.
  const double b = 2.0 * mean + t, root = std::sqrt(t * (t + 4.0 * mean * (1.0 - mean)));
  const double lo = 2.0 * mean * mean / (b + root), hi = (b + root) / (2.0 * (1.0 + t));
  return {std::clamp(lo, 0.0, mean), std::clamp(hi, mean, 1.0)};
}

interval empirical_bernstein_interval(double mean, double variance, std::int64_t n, double delta) {
  check_closed_unit("mean", mean);
  check_at_least("n", n, 2);
  check_placement_variance("variance", variance, n);
  check_open_unit("delta", delta);
  const double nd = static_cast<double>(n), L = std::log(3.0 / delta);
  const double r = std::sqrt(2.0 * variance * L / nd) + 7.0 * L / (3.0 * (nd - 1.0));
  return {std::max(0.0, mean - r), std::min(1.0, mean + r)};
}

auroc_delta_split auroc_split_delta(std::int64_t n1, std::int64_t n0, double delta) {
  check_at_least("n1 (concept positives)", n1, 1);
  check_at_least("n0 (concept negatives)", n0, 1);
  check_open_unit("delta", delta);
  const double n = static_cast<double>(n1) + static_cast<double>(n0);
  return {delta * static_cast<double>(n0) / n, delta * static_cast<double>(n1) / n};
}

interval auroc_binary_exact(std::int64_t true_pos, std::int64_t n1, std::int64_t true_neg, std::int64_t n0,
                            double delta) {
  const auroc_delta_split d = auroc_split_delta(n1, n0, delta);
  check_at_least("true_pos", true_pos, 0);
  check_at_least("true_neg", true_neg, 0);
  if (true_pos > n1) throw invalid_argument(fmt::format("true_pos ({}) must not exceed n1 ({})", true_pos, n1));
  if (true_neg > n0) throw invalid_argument(fmt::format("true_neg ({}) must not exceed n0 ({})", true_neg, n0));
  const interval tpr = clopper_pearson(true_pos, n1, d.positives);
  const interval tnr = clopper_pearson(true_neg, n0, d.negatives);
  return {std::clamp(0.5 * (tpr.lower + tnr.lower), 0.0, 1.0), std::clamp(0.5 * (tpr.upper + tnr.upper), 0.0, 1.0)};
}

interval auroc_u_statistic_kl(std::int64_t n1, std::int64_t n0, double auroc, double delta) {
  check_u_statistic_arguments(n1, n0, auroc, delta);
  return chernoff_kl_interval(auroc, static_cast<double>(std::min(n1, n0)), delta);
}

bool auroc_u_statistic_kl_contains(std::int64_t n1, std::int64_t n0, double auroc, double delta, double q) {
  check_u_statistic_arguments(n1, n0, auroc, delta);
  check_closed_unit("q", q);
  return kl_bernoulli(auroc, q) <= kl_budget(auroc, static_cast<double>(std::min(n1, n0)), delta);
}

interval auroc_u_statistic_kl_inner(std::int64_t n1, std::int64_t n0, double auroc, double delta) {
  check_u_statistic_arguments(n1, n0, auroc, delta);
  return chernoff_kl_inner(auroc, static_cast<double>(std::min(n1, n0)), delta);
}

interval auroc_placement_bernstein(const auroc_placement_stats& s, double delta) {
  check_placement_stats(s);
  check_open_unit("delta", delta);
  const bool positives_small = s.n1 <= s.n0;
  const std::int64_t ns = positives_small ? s.n1 : s.n0, nl = positives_small ? s.n0 : s.n1;
  check_at_least("the smaller class (min(n1, n0))", ns, 2);
  const double vs = positives_small ? s.var_pos : s.var_neg;
  const double n = static_cast<double>(ns) + static_cast<double>(nl);
  const double d_small = delta * static_cast<double>(nl) / n, d_large = delta * static_cast<double>(ns) / n;
  // (a) m(large sample) from the small class's placements; (b) A from m, through the ends of (a).
  const interval a = empirical_bernstein_interval(s.auroc, vs, ns, d_small);
  const double nld = static_cast<double>(nl);
  return {chernoff_kl_interval(a.lower, nld, d_large).lower, chernoff_kl_interval(a.upper, nld, d_large).upper};
}

interval auroc_continuous(const auroc_placement_stats& s, double delta) {
  check_placement_stats(s);
  check_open_unit("delta", delta);
  const std::int64_t ns = std::min(s.n1, s.n0), nl = std::max(s.n1, s.n0);
  if (ns < auroc_placement_min_small || nl / auroc_placement_min_ratio < ns)
    return auroc_u_statistic_kl(s.n1, s.n0, s.auroc, delta);
  const interval u = auroc_u_statistic_kl(s.n1, s.n0, s.auroc, delta / 2.0);
  const interval p = auroc_placement_bernstein(s, delta / 2.0);
  return {std::max(u.lower, p.lower), std::min(u.upper, p.upper)};
}

auroc_placement_stats auroc_placements(std::span<const double> scores, std::span<const std::uint8_t> labels) {
  check_scores(scores, labels);
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  std::int64_t n1 = 0;
  for (std::uint8_t l : labels) n1 += l != 0 ? 1 : 0;
  const std::int64_t n0 = static_cast<std::int64_t>(scores.size()) - n1;
  check_at_least("n1 (concept positives among labels)", n1, 1);
  check_at_least("n0 (concept negatives among labels)", n0, 1);
  const double p = static_cast<double>(n1), q = static_cast<double>(n0);
  // Tied blocks in ascending order: a positive in a block with b0 negatives and neg_below negatives below
  // it has G = (neg_below + b0/2)/n0; a negative with b1 positives in its block and pos_below below has
  // H = (n1 - pos_below - b1/2)/n1.
  weighted_moments g, h;
  double neg_below = 0.0, pos_below = 0.0;
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    double b1 = 0.0, b0 = 0.0;
    for (; last < order.size() && scores[order[last]] == scores[order[first]]; ++last)
      (labels[order[last]] != 0 ? b1 : b0) += 1.0;
    g.add((neg_below + 0.5 * b0) / q, b1);
    h.add((p - pos_below - 0.5 * b1) / p, b0);
    neg_below += b0;
    pos_below += b1;
    first = last;
  }
  return {n1, n0, std::clamp(g.mean(), 0.0, 1.0), g.unbiased_variance(), h.unbiased_variance()};
}

auroc_placement_stats auroc_placements_brute_force(std::span<const double> scores,
                                                   std::span<const std::uint8_t> labels) {
  check_scores(scores, labels);
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < scores.size(); ++i) (labels[i] != 0 ? pos : neg).push_back(scores[i]);
  check_at_least("n1 (concept positives among labels)", static_cast<std::int64_t>(pos.size()), 1);
  check_at_least("n0 (concept negatives among labels)", static_cast<std::int64_t>(neg.size()), 1);
  auto kernel = [](double x, double y) { return x > y ? 1.0 : x == y ? 0.5 : 0.0; };
  weighted_moments g, h;
  for (double x : pos) {
    double s = 0.0;
    for (double y : neg) s += kernel(x, y);
    g.add(s / static_cast<double>(neg.size()), 1.0);
  }
  for (double y : neg) {
    double s = 0.0;
    for (double x : pos) s += kernel(x, y);
    h.add(s / static_cast<double>(pos.size()), 1.0);
  }
  return {static_cast<std::int64_t>(pos.size()), static_cast<std::int64_t>(neg.size()), g.mean(),
          g.unbiased_variance(), h.unbiased_variance()};
}

double interval_radius(const interval& ci, double estimate) {
  return std::max({estimate - ci.lower, ci.upper - estimate, 0.0});
}

}  // namespace neuroncert::bounds
