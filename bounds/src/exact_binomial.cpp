#include "neuroncert/bounds/exact_binomial.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {

interval clopper_pearson(std::int64_t successes, std::int64_t trials, double delta) {
  check_at_least("trials", trials, 1);
  check_at_least("successes", successes, 0);
  if (successes > trials)
    throw invalid_argument(fmt::format("successes ({}) must not exceed trials ({})", successes, trials));
  check_open_unit("delta", delta);
  using boost::math::binomial_distribution;
  const double m = static_cast<double>(trials);
  const double k = static_cast<double>(successes);
  const double side = delta / 2.0;  // Boost takes a one-sided risk
  interval ci;
  ci.lower = successes == 0 ? 0.0 : binomial_distribution<double>::find_lower_bound_on_p(m, k, side);
  ci.upper = successes == trials ? 1.0 : binomial_distribution<double>::find_upper_bound_on_p(m, k, side);
  return ci;
}

// ---------------------------------------------------------------------------------------------
// Worst-case tail T(n) = sup_p g(p), g(p) = P_p(X <= a(p)) + P_p(X >= b(p)),
//   a(p) = floor(n (p - eps)),  b(p) = ceil(n (p + eps))          (|X/n - p| >= eps, inclusive).
// Hand-written because no library computes a certified sup of a discontinuous function; every
// probability is still Boost.Math's binomial cdf.
//
// Structure. g(p) = g(1 - p) (X -> n - X), so only p in [0, 1/2] is searched. a jumps up at the
// critical points A_j = j/n + eps (a = j from A_j on: right-closed), b jumps up at B_k = k/n - eps
// (b = k up to B_k: left-closed). Between consecutive critical points ("pieces") a, b are constant and
// h(p) = P_p(X <= a) + P_p(X >= b) is continuous. At A_j the attained value is the right limit and
// exceeds the left limit; at B_k it is the left limit and exceeds the right limit. Hence
//   T(n) = max over pieces of max over the CLOSED piece of its h,
// and every value of h on a closed piece is a limit of attained values (a valid lower bound on T).
//
// Bounds. P_p(X <= a) decreases in p and increases in a; P_p(X >= b) increases in p, decreases in b.
// On [L, H] inside one piece: sup h <= P_L(X <= a) + P_H(X >= b). On an interval spanning several
// pieces: a(p) <= a(H), b(p) >= b(L), so sup g <= P_L(X <= a(H)) + P_H(X >= b(L)) (a(H), b(L) rounded
// outward, so floating point only loosens it).
//
// Search. Best-first branch and bound: an interval that contains critical points is split at the one
// nearest its middle (so intervals become pieces exactly), a piece is bisected; the lower bound is the
// largest h evaluated (at midpoints and piece ends), the upper bound the largest bound still open.
// Critical points closer than 1e-12 to an interval end are not split at (floating-point resolution).
// ---------------------------------------------------------------------------------------------
namespace {

struct node {
  double lo, hi, bound;
  double a, b;  // piece constants; meaningful only when `piece`
  bool piece;
  bool operator<(const node& o) const { return bound < o.bound; }
};

struct tail_problem {
  double n;
  double eps;
  double slack;  // outward rounding of a(H), b(L) for multi-piece intervals

  // P_p(X <= a)
  double lower_tail(double p, double a) const {
    if (a < 0) return 0.0;
    if (a >= n) return 1.0;
    if (p <= 0.0) return 1.0;
    return boost::math::cdf(boost::math::binomial_distribution<double>(n, p), a);
  }
  // P_p(X >= b)
  double upper_tail(double p, double b) const {
    if (b <= 0) return 1.0;
    if (b > n) return 0.0;
    if (p <= 0.0) return 0.0;
    return boost::math::cdf(boost::math::complement(boost::math::binomial_distribution<double>(n, p), b - 1.0));
  }
  double h(double p, double a, double b) const { return std::min(1.0, lower_tail(p, a) + upper_tail(p, b)); }

  // A critical point strictly inside (L, H) nearest to the middle, or a negative value if none.
  double split_point(double L, double H) const {
    const double mid = 0.5 * (L + H);
    const double margin = 1e-12;
    double best = -1.0;
    auto consider = [&](double c) {
      if (c > L + margin && c < H - margin && (best < 0 || std::abs(c - mid) < std::abs(best - mid))) best = c;
    };
    // A_j = j/n + eps, j integer in (n(L - eps), n(H - eps)); B_k = k/n - eps likewise with +eps.
    for (double sign : {1.0, -1.0}) {
      const double lo = n * (L - sign * eps), hi = n * (H - sign * eps);
      const double jlo = std::floor(lo) + 1.0, jhi = std::ceil(hi) - 1.0;
      if (jlo > jhi) continue;
      const double j = std::clamp(std::round(n * (mid - sign * eps)), jlo, jhi);
      consider(j / n + sign * eps);
    }
    return best;
  }

  // g at a critical point c, with both tails rounded outward: a jump within floating-point resolution of
  // c counts as included. This is g(c) when only one jump is at c; when an a-jump and a b-jump coincide
  // (n eps a half-integer multiple, e.g. eps = 0.1, n = 100, read as the decimal 1/10), it includes
  // both, the value at c for the decimal epsilon. Used as witness and as upper bound at c.
  double at_critical_point(double c) const {
    return h(c, std::floor(n * (c - eps) + slack), std::ceil(n * (c + eps) - slack));
  }

  node make(double L, double H) const {
    if (split_point(L, H) < 0.0) {
      const double m = 0.5 * (L + H);  // far from any jump: a, b are the piece's constants
      const double a = std::floor(n * (m - eps)), b = std::ceil(n * (m + eps));
      return {L, H, std::min(1.0, lower_tail(L, a) + upper_tail(H, b)), a, b, true};
    }
    const double a = std::floor(n * (H - eps) + slack), b = std::ceil(n * (L + eps) - slack);
    return {L, H, std::min(1.0, lower_tail(L, a) + upper_tail(H, b)), 0.0, 0.0, false};
  }
};

constexpr std::int64_t max_evaluations = 2'000'000;

// With target > 0: stop as soon as the bracket decides "T <= target" or "T > target".
// With target <= 0: stop when upper <= lower (1 + rel_tol).
worst_case_tail branch_and_bound(std::int64_t n, double eps, double target, double rel_tol) {
  const tail_problem prob{static_cast<double>(n), eps, 1e-9 * std::max(1.0, static_cast<double>(n))};
  worst_case_tail out{0.0, 0.0, 0.5};
  auto record = [&](double p, double g) {
    if (g > out.lower) {
      out.lower = g;
      out.argmax_p = p;
    }
  };
  // h on a closed piece, or g at a critical point: limits of attained values, so lower bounds on T.
  auto witness = [&](double p, double a, double b) { record(p, prob.h(p, a, b)); };
  const bool decide = target > 0.0;
  auto keep = [&](double bound) { return decide ? bound > target : bound > out.lower * (1.0 + rel_tol); };
  double closed_upper = 0.0;  // bounds of pieces too narrow to bisect further
  std::priority_queue<node> open;
  record(0.5, prob.at_critical_point(0.5));  // 1/2 may be a critical point; else this is g(1/2) or above
  open.push(prob.make(0.0, 0.5));
  std::int64_t evaluations = 0;
  while (!open.empty()) {
    const double upper = std::max(open.top().bound, closed_upper);
    if (decide ? (out.lower > target || upper <= target) : upper <= out.lower * (1.0 + rel_tol)) break;
    if (evaluations > max_evaluations) break;
    const node top = open.top();
    open.pop();
    if (!keep(top.bound)) continue;
    if (top.piece) {
      const double cut = 0.5 * (top.lo + top.hi);
      if (!(cut > top.lo && cut < top.hi) || top.hi - top.lo < 1e-15) {
        closed_upper = std::max(closed_upper, top.bound);
        continue;
      }
      witness(cut, top.a, top.b);
      for (const auto& [L, H] : {std::pair{top.lo, cut}, std::pair{cut, top.hi}}) {
        const node child{L, H, std::min(1.0, prob.lower_tail(L, top.a) + prob.upper_tail(H, top.b)), top.a, top.b,
                         true};
        evaluations += 3;
        if (keep(child.bound)) open.push(child);
      }
    } else {
      const double cut = prob.split_point(top.lo, top.hi);
      record(cut, prob.at_critical_point(cut));
      evaluations += 2;
      for (const auto& [L, H] : {std::pair{top.lo, cut}, std::pair{cut, top.hi}}) {
        const node child = prob.make(L, H);
        evaluations += 2;
        if (child.piece) {  // the closed piece's end values are limits of attained values
          witness(L, child.a, child.b);
          witness(H, child.a, child.b);
          evaluations += 4;
        }
        if (keep(child.bound)) open.push(child);
      }
    }
  }
  out.upper = std::max(out.lower, std::max(closed_upper, open.empty() ? 0.0 : open.top().bound));
  return out;
}

void check_tail_args(std::int64_t n, double epsilon) {
  check_at_least("n", n, 1);
  if (n > exact_binomial_max_n)
    throw invalid_argument(fmt::format("n must be at most {} for the exact-binomial tail (its cost grows with n; use "
                                       "Hoeffding's rate above it), got {}",
                                       exact_binomial_max_n, n));
  check_positive("epsilon", epsilon);
}

}  // namespace

worst_case_tail exact_binomial_worst_tail(std::int64_t n, double epsilon, double rel_tol) {
  check_tail_args(n, epsilon);
  check_positive("rel_tol", rel_tol);
  return branch_and_bound(n, epsilon, 0.0, rel_tol);
}

bool exact_binomial_holds(std::int64_t n, double epsilon, double target) {
  check_tail_args(n, epsilon);
  check_positive("target", target);
  const worst_case_tail t = branch_and_bound(n, epsilon, target, 0.0);
  return t.upper <= target;
}

std::int64_t plan_n_exact_binomial(double epsilon, double delta, std::int64_t num_concepts) {
  check_positive("epsilon", epsilon);
  const double target = union_delta(delta, num_concepts);
  // Hoeffding: T(n) <= 2 exp(-2 n eps^2) <= target for every n >= n_hoeffding.
  const std::int64_t n_hoeffding = plan_n_accuracy(epsilon, delta, num_concepts);
  if (n_hoeffding > exact_binomial_max_n)
    throw invalid_argument(fmt::format("exact-binomial planning needs n <= {}, but Hoeffding's n is {} here: use it",
                                       exact_binomial_max_n, n_hoeffding));
  auto holds = [&](std::int64_t n) { return n >= n_hoeffding || exact_binomial_holds(n, epsilon, target); };

  // Step 1: bisection for a transition lo -> lo + 1 (T(lo) > target >= T(lo + 1)), bracket found by
  // galloping from the normal approximation at p = 1/2: 2 Phi(-2 eps sqrt(n)) = target. Any n <= lo is
  // not a valid answer, since the condition fails at lo.
  // The upper quantile through the complement: 1 - target/2 rounds to 1 once target < 1e-16 (a
  // huge concept set), where quantile(1) overflows.
  const double z =
      boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), target / 2.0));
  const double guess = std::ceil(z * z / (4.0 * epsilon * epsilon));
  const std::int64_t start = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min(guess, 1e15)), 1, n_hoeffding);
  std::int64_t lo = 0, hi = n_hoeffding;  // lo fails (n = 0 by convention), hi holds
  std::int64_t step = std::max<std::int64_t>(1, start / 256);
  if (holds(start)) {
    hi = start;
    for (;;) {
      const std::int64_t cand = hi - step;
      if (cand < 1) break;
      if (!holds(cand)) { lo = cand; break; }
      hi = cand;
      step *= 2;
    }
  } else {
    lo = start;
    for (;;) {
      const std::int64_t cand = lo + step;
      if (cand >= n_hoeffding) break;
      if (holds(cand)) { hi = cand; break; }
      lo = cand;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (holds(mid) ? hi : lo) = mid;
  }

  // Step 2: T(n) is a sawtooth in n: it drops where 2 n eps crosses an integer (the number of lattice
  // points the window |X/n - p| < eps can hold changes) and rises in between. So the condition can fail
  // again after the first n where it holds. Move on until the end of the candidate's period and the ends
  // of the next two periods hold (the period ends are the local maxima, decreasing with n).
  // Periods are (k-1, k] in 2 n eps, 2 n eps read as a decimal (snapped to an integer within 1e-9):
  // at 2 n eps = k the a- and b-jumps coincide and T(n) is the period's maximum.
  auto snapped = [&](std::int64_t n) {
    const double x = 2.0 * static_cast<double>(n) * epsilon, r = std::round(x);
    return std::abs(x - r) <= 1e-9 * std::max(1.0, x) ? r : x;
  };
  auto period_end = [&](std::int64_t n) {  // largest n' >= n with 2 n' eps <= ceil(2 n eps)
    const double k = std::ceil(snapped(n));
    auto e = std::max(n, static_cast<std::int64_t>(std::floor(k / (2.0 * epsilon))));
    while (e > n && snapped(e) > k) --e;
    while (e < n_hoeffding && snapped(e + 1) <= k) ++e;
    return e;
  };
  std::int64_t answer = hi;
  std::int64_t probe = hi;
  int confirmed = 0;
  while (confirmed < 3 && probe < n_hoeffding) {
    const std::int64_t end = period_end(probe);
    if (holds(end)) {
      ++confirmed;
      probe = end + 1;
      continue;
    }
    // The whole period up to `end` is disqualified; the answer starts in a later period.
    confirmed = 0;
    answer = end + 1;
    while (!holds(answer)) answer = period_end(answer) + 1;
    probe = answer;
  }
  return answer;
}

bool exact_binomial_plannable(double epsilon, double delta, std::int64_t num_concepts) {
  return plan_n_accuracy(epsilon, delta, num_concepts) <= exact_binomial_max_n;
}

}  // namespace neuroncert::bounds
