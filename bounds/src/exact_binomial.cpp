#include "neuroncert/bounds/exact_binomial.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <queue>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>

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
// probability is still Boost.Math's (binomial cdf, incomplete beta and its derivative).
//
// Structure. g(p) = g(1 - p) (X -> n - X), so only p in [0, 1/2] is searched. a jumps up at the
// critical points A_j = j/n + eps (a = j from A_j on: right-closed), b jumps up at B_k = k/n - eps
// (b = k up to B_k: left-closed). Between consecutive critical points ("pieces") a, b are constant and
// h(p) = P_p(X <= a) + P_p(X >= b) is continuous. At A_j the attained value is the right limit and
// exceeds the left limit; at B_k it is the left limit and exceeds the right limit.
// On a piece, h is quasi-convex: d/dp P_p(X <= a) = -n C(n-1, a) p^a (1-p)^(n-1-a) and
// d/dp P_p(X >= b) = n C(n-1, b-1) p^(b-1) (1-p)^(n-b), so h'(p) has the sign of
//   C(n-1, b-1) (p/(1-p))^(b-1-a) - C(n-1, a),
// increasing in p (b - 1 - a >= 0): h falls, then rises, and its max over the closed piece is at an end.
// An end is a critical point (whose attained value is the larger one-sided limit) or p = 0 (g = 0) or
// p = 1/2. Hence
//   T(n) = max( g(1/2), max over the critical points c in (0, 1/2) of g(c) ),
// a finite maximum over two integer families, A (index j) and B (index k). Each g(c) is evaluated
// with a(c), b(c) rounded outward (a jump within floating-point resolution of c counts as included:
// when an a-jump and a b-jump coincide, n eps a half-integer multiple, e.g. eps = 0.1, n = 100 read as
// the decimal 1/10, both are included, the value at c for the decimal epsilon).
//
// Bounds on a run c_1 < ... < c_W of consecutive critical points of one family (a(c), b(c) are
// non-decreasing along it; P_p(X <= a) decreases in p and increases in a, P_p(X >= b) the reverse).
// Bounding each tail by its value at a corner of the run (the smallest c with the largest a, ...) loses
// a factor of about 1 + z/sqrt(n p (1-p)) per lattice step inside the run (4% at n = 41,000): near
// p = 1/2, where g is flat and within a percent of the target for a thousand points, that would mean
// evaluating every point. Three bounds avoid it:
//  - Bernstein: P(|X - n c| >= t) <= 2 exp(-t^2 / (2 (n c (1-c) + t/3))) with t = n eps (less the
//    outward rounding) and the variance at c_W (c (1-c) increases on [0, 1/2]). One exp for a whole
//    run; it settles the runs far from 1/2.
//  - Stirling-Chernoff: within a few percent of g, a few exp and a short sum for a whole run, so that
//    only the points within a fraction of a percent of T(n) are left to the ratio bound. With
//    e = eps less the outward rounding, every point of either family has a <= n (c - e) and
//    b >= n (c + e). For the lower tail (upper: mirrored),
//      P_c(X <= a) = P_c(X = a) sum_{m >= 0} prod_{i < m} r_{a-i},  r_j = P(X = j-1) / P(X = j)
//                                                                      = j (1-c) / ((n-j+1) c),
//    and three facts bound it over the run:
//    (1) Stirling with Robbins' bounds, sqrt(2 pi k) (k/e)^k e^{1/(12k+1)} <= k! <= the same with
//        e^{1/(12k)}: P_c(X = k) <= sqrt(n / (2 pi k (n-k))) exp(-n KL(k/n || c) + 1/(12n) - 1/(12k+1)
//        - 1/(12(n-k)+1)). KL(x || c) is convex in x with minimum 0 at c, so KL(a/n || c) >= KL(c-e || c),
//        and d/dc KL(c-e || c) = e / (c(1-c)) - int_{c-e}^{c} du / (u(1-u)) <= 0 on (e, 1/2] (u(1-u) <= c(1-c)
//        there): the exponent is taken at c_W. The upper tail's d/dc KL(c+e || c) =
//        int_c^{c+e} du / (u(1-u)) - e / (c(1-c)) is <= 0 up to c = 1/2 - e; on [1/2 - e, 1/2] both
//        integrands lie in [4, 4 / (1 - 4e^2)], so |d/dc| <= 16 e^3 / (1 - 4 e^2) and the exponent at c_W
//        less that times n (c_W - c_1) bounds the run (a run is not allowed to straddle 1/2 - e).
//        sqrt(k (n-k)) is concave, the Robbins terms monotone in k: each at its worse end of the run.
//    (2) r_{a-i} / r_a = (1 - i/a) / (1 + i/N), N = n - a + 1, <= exp(-i/a - i/N + i^2 / (2 N^2))
//        (1 - x <= e^{-x}, log(1+x) >= x - x^2/2), and -i/N + i^2/(2N^2) increases in N for i <= N: with
//        a_W and the largest N of the run, prod_{i<m} r_{a-i} <= r^m exp(-beta m(m-1)/2 + gamma
//        (m-1) m (2m-1) / 6), beta = 1/a_W + 1/N, gamma = 1/(2 N^2), for m up to 8 sqrt(n) + 64 (and
//        below every N); beyond it the ratios are at most r (they decrease along the tail), a geometric rest.
//    (3) r_a <= r(c) := n(c-e)(1-c) / ((n - n(c-e) + 1) c) (r_j increases in j), 1 - r(c) =
//        (e + c/n) / (c (1 - c + e + 1/n)), and over the run 1 - r >= (e + c_1/n) / (c_W (1 - c_1 + e + 1/n)).
//        Upper: 1 - s >= (n e + 1 - c_W) / ((n (c_W + e) + 1) (1 - c_1)).
//    The bound is the sum of both at the run's worst corners of each factor. It is left out where it does
//    not apply (c_1 <= e, e < 1/n, a cut-off outside [1, n-1]).
//  - ratio: the likelihood ratio L(i) = P_c(X = i) / P_p(X = i) = (c/p)^i ((1-c)/(1-p))^(n-i) grows
//    geometrically in i when c > p (by rho^-1 = c (1-p) / (p (1-c)) per step), so
//      P_c(X <= a) = L(a) sum_{m >= 0} P_p(X = a-m) rho^m
//                 <= L(a) ( sum_{m < M} P_p(X = a-m) rho^m + rho^M P_p(X <= a-M) ),
//    and likewise P_c(X >= b) <= L(b) ( sum_{m < M} P_q(X = b+m) tau^m + tau^M P_q(X >= b+M) ) against
//    a q >= c, tau = c (1-q) / (q (1-c)). With p = c_1, q = c_W, one lower tail at c_1, one upper tail at
//    c_W and the pmf recurrence bound every g(c_i) of the run; what is lost is only the variation of L
//    beyond the first M terms. It is used per point (M = 64) on runs of at most 64 points; the blocked
//    form (per block the corner of L and of the tail, M = 0), which longer runs used before the
//    Stirling-Chernoff bound, cost more than it settled once that bound took the middle range.
// The bounds are computed in double precision (Boost's incomplete beta and its derivative without the
// long-double promotion, about 5x faster than the binomial cdf; exp, log1p and the recurrences of the
// Stirling-Chernoff sum, whose error grows at most linearly in its ~1,000 terms) and inflated by 1e-9
// relative, far above their error (about 1e-12 against long-double values), so they stay upper bounds. A
// single critical point is evaluated as g(c) with Boost's binomial cdf (long double internally).
//
// Search. Best-first branch and bound over runs: the run with the largest bound is halved, and a run of
// one point is evaluated. The points next to 1/2 are evaluated first: T(n) is usually attained there, so
// a "T(n) > target" decision costs a handful of evaluations. The lower bound is the largest g found, the
// upper bound the largest bound still open (or the lower bound).
// ---------------------------------------------------------------------------------------------
namespace {

using fast_policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
constexpr double rounding_allowance = 1.0 + 1e-9;  // on the double-precision bounds, see above
constexpr std::size_t ratio_blocks = 64;        // blocks per ratio bound
constexpr double ratio_run_max = 64;            // longer runs get only the Bernstein and Chernoff bounds
constexpr double ratio_terms = 64;              // tail terms weighted exactly in a per-point ratio bound

struct tail_problem {
  double n;
  double eps;
  double slack;  // outward rounding of a, b at a critical point, in lattice units

  // P_p(X <= a), P_p(X >= b) with Boost's binomial cdf: the exact values.
  double lower_tail(double p, double a) const {
    if (a < 0) return 0.0;
    if (a >= n) return 1.0;
    if (p <= 0.0) return 1.0;
    return boost::math::cdf(boost::math::binomial_distribution<double>(n, p), a);
  }
  double upper_tail(double p, double b) const {
    if (b <= 0) return 1.0;
    if (b > n) return 0.0;
    if (p <= 0.0) return 0.0;
    return boost::math::cdf(boost::math::complement(boost::math::binomial_distribution<double>(n, p), b - 1.0));
  }
  // The same in double precision (for the bounds): P(X <= a) = I_{1-p}(n-a, a+1), P(X >= b) = I_p(b, n-b+1).
  double fast_lower(double p, double a) const {
    if (a < 0) return 0.0;
    if (a >= n) return 1.0;
    return boost::math::ibetac(a + 1.0, n - a, p, fast_policy());
  }
  double fast_upper(double q, double b) const {
    if (b <= 0) return 1.0;
    if (b > n) return 0.0;
    return boost::math::ibeta(b, n - b + 1.0, q, fast_policy());
  }
  // P_p(X = i), 0 <= i <= n.
  double pmf(double p, double i) const {
    return boost::math::ibeta_derivative(i + 1.0, n - i + 1.0, p, fast_policy()) / (n + 1.0);
  }

  // Critical point `index` of family A (sign +1: j/n + eps) or B (sign -1: k/n - eps), with a, b rounded
  // outward.
  struct point {
    double c, a, b;
  };
  point at(double sign, double index) const {
    const double c = index / n + sign * eps;
    return {c, std::floor(n * (c - eps) + slack), std::ceil(n * (c + eps) - slack)};
  }
  double g(const point& x) const { return std::min(1.0, lower_tail(x.c, x.a) + upper_tail(x.c, x.b)); }

  // Bernstein's bound on a run ending at `last`: every point deviates by t >= n eps - slack (a and b are
  // rounded outward by at most slack; 2 slack covers the rounding of n (c -+ eps) too).
  double bernstein_bound(const point& last) const {
    const double t = n * eps - 2.0 * slack, v = n * last.c * (1.0 - last.c);
    if (!(t > 0.0)) return 1.0;
    return std::min(1.0, 2.0 * std::exp(-t * t / (2.0 * (v + t / 3.0))) * rounding_allowance);
  }

  // sum_{m < cap} r^m exp(-beta m (m-1) / 2 + gamma (m-1) m (2m-1) / 6), then the geometric rest with ratio
  // r (stopping early once a term is below 1e-12 of the sum): the tail sum of the Stirling-Chernoff bound
  // (increasing in r and gamma, decreasing in beta). r < 1, cap >= 1 and far below beta / (2 gamma).
  static double curved_sum(double r, double beta, double gamma, double cap) {
    double sum = 0.0, term = 1.0, q = r, d = std::exp(-beta + gamma);  // q = r exp(-beta m + gamma m^2)
    const double d_step = std::exp(2.0 * gamma);                         // d = exp(-beta + gamma (2m + 1))
    for (double m = 0;; m += 1.0) {
      sum += term;
      if (term <= 1e-12 * sum || m + 1.0 >= cap) break;
      term *= q;
      q *= d;
      d *= d_step;
    }
    return sum + term * r / (1.0 - r);  // the terms after the last one: ratios at most r
  }

  // The Stirling-Chernoff bound on a run from `first` to `last` (see the header comment), or 1 where it
  // does not apply (c_1 <= e, c_W > 1/2, e < 1/n, a cut-off outside [1, n-1], a run across 1/2 - e).
  double chernoff_bound(const point& first, const point& last) const {
    const double e = eps - 2.0 * slack / n, c1 = first.c, c2 = last.c;
    const bool near_half = c2 > 0.5 - e;
    if (!(e * n >= 1.0 && c1 > e && c2 <= 0.5 && first.a >= 1.0 && last.b <= n - 1.0)) return 1.0;
    if (near_half && !(c1 >= 0.5 - e && e < 0.25)) return 1.0;
    // n KL(x || c), with log1p for the ratios near 1.
    auto nkl = [&](double x, double c) {
      return n * (x * std::log1p((x - c) / c) + (1.0 - x) * std::log1p((c - x) / (1.0 - c)));
    };
    auto prefactor = [&](double k) { return std::sqrt(n / (2.0 * std::numbers::pi * k * (n - k))); };
    // Terms weighted by the curvature: i <= cap keeps i below both N of the ratio bounds (header comment).
    const double cap = std::min({std::ceil(8.0 * std::sqrt(n)) + 64.0, n - last.a, first.b});
    // Lower tails: n KL(c - e || c) decreases in c on (e, 1/2].
    const double r = 1.0 - (e + c1 / n) / (c2 * (1.0 - c1 + e + 1.0 / n));
    const double na = n - first.a + 1.0;
    const double lower = std::max(prefactor(first.a), prefactor(last.a)) * std::exp(-nkl(c2 - e, c2)) *
                         curved_sum(r, 1.0 / last.a + 1.0 / na, 0.5 / (na * na), cap) *
                         std::exp(-1.0 / (12.0 * last.a + 1.0) - 1.0 / (12.0 * (n - first.a) + 1.0));
    // Upper tails: n KL(c + e || c) decreases in c up to 1/2 - e; above it, within 16 e^3 / (1 - 4 e^2) per
    // unit of c.
    double nkl_up = nkl(c2 + e, c2);
    if (near_half) nkl_up -= n * (c2 - c1) * 16.0 * e * e * e / (1.0 - 4.0 * e * e);
    const double s = 1.0 - (n * e + 1.0 - c2) / ((n * (c2 + e) + 1.0) * (1.0 - c1));
    const double nb = last.b + 1.0;
    const double upper = std::max(prefactor(first.b), prefactor(last.b)) * std::exp(-nkl_up) *
                         curved_sum(s, 1.0 / (n - first.b) + 1.0 / nb, 0.5 / (nb * nb), cap) *
                         std::exp(-1.0 / (12.0 * last.b + 1.0) - 1.0 / (12.0 * (n - first.b) + 1.0));
    return std::min(1.0, (lower + upper) * std::exp(1.0 / (12.0 * n)) * rounding_allowance);
  }

  // P_p(X = i) for i = from, ..., to (0 outside [0, n]). The recurrence runs towards the mode from the
  // end farther from it, where the terms grow, so nothing that matters underflows; a term below 1e-280
  // is recomputed directly.
  void pmf_range(double p, double from, double to, std::vector<double>& out) const {
    out.clear();
    if (to < from) return;
    out.assign(static_cast<std::size_t>(to - from) + 1, 0.0);
    const bool upward = to <= n * p || (from < n * p && n * p - from >= to - n * p);
    auto slot = [&](double i) -> double& { return out[static_cast<std::size_t>(i - from)]; };
    double mass = 0.0;
    if (upward) {
      for (double i = std::max(from, 0.0); i <= std::min(to, n); i += 1.0) {
        // P(X = i) = P(X = i-1) (n-i+1) p / (i (1-p))
        mass = i == 0.0 || mass < 1e-280 ? pmf(p, i) : mass * (n - i + 1.0) / i * p / (1.0 - p);
        slot(i) = mass;
      }
    } else {
      for (double i = std::min(to, n); i >= std::max(from, 0.0); i -= 1.0) {
        // P(X = i) = P(X = i+1) (i+1) (1-p) / ((n-i) p)
        mass = i == n || mass < 1e-280 ? pmf(p, i) : mass * (i + 1.0) / (n - i) * (1.0 - p) / p;
        slot(i) = mass;
      }
    }
  }

  // sum_{m < M} x[from + dir m] r^m and r^M, in four interleaved chains (M a multiple of 4): the terms are
  // the same, only the order of the additions differs (covered by rounding_allowance).
  static std::pair<double, double> weighted_sum(const std::vector<double>& x, double from, double dir, double M,
                                                double r) {
    const double r2 = r * r, r4 = r2 * r2;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, w = 1.0;
    for (double m = 0; m < M; m += 4.0, w *= r4) {
      auto at = [&](double k) { return x[static_cast<std::size_t>(from + dir * (m + k))]; };
      s0 += at(0.0) * w;
      s1 += at(1.0) * w;
      s2 += at(2.0) * w;
      s3 += at(3.0) * w;
    }
    return {s0 + r * s1 + r2 * (s2 + r * s3), w};
  }

  // The ratio bound over indices [lo, hi] of one family (see the header comment), taken over blocks of
  // `step` consecutive points: in a block i1..i2, L against p is largest at (c_i1, a_i2) (it increases in a
  // and, as a <= n c, decreases in c) and P_p(X <= a) at a_i2; L against q is largest at (c_i2, b_i1) and
  // P_q(X >= b) at b_i1. With step = 1 it is the per-point bound. The first ratio_terms terms of each
  // tail carry their own weight (per-point bounds only), the rest the weight of the last of them.
  double ratio_bound(double sign, double lo, double hi, double step) const {
    const double M = step == 1.0 ? ratio_terms : 0.0;  // coarse blocks lose more to their width anyway
    const point first = at(sign, lo), last = at(sign, hi);
    const double p = first.c, q = last.c;
    const double lp = std::log(p), l1p = std::log1p(-p), lq = std::log(q), l1q = std::log1p(-q);
    const auto blocks = static_cast<std::size_t>(std::ceil((hi - lo + 1.0) / step));  // <= ratio_blocks
    auto block = [&](std::size_t k) {
      const double i1 = lo + static_cast<double>(k) * step;
      return std::pair{at(sign, i1), at(sign, std::min(hi, i1 + step - 1.0))};
    };
    std::array<double, ratio_blocks> upper{};
    std::vector<double> mass;
    {  // Upper tails at q; cut-offs b of the blocks' first points, from bfirst to blast.
      const double bfirst = first.b, blast = block(blocks - 1).first.b;
      pmf_range(q, bfirst, blast + M - 1.0, mass);
      double rest = fast_upper(q, blast + M);  // P_q(X >= b + M), growing as b steps down
      double b = blast;
      for (std::size_t k = blocks; k-- > 0;) {
        const auto [x1, x2] = block(k);
        for (; b > x1.b; b -= 1.0) rest += mass[static_cast<std::size_t>(b - 1.0 + M - bfirst)];
        if (x1.b > n) continue;
        // P_c(X >= b) = L(b) sum_m P_q(X = b+m) tau^m, tau = c (1-q) / (q (1-c)) <= 1, c = x2.c
        const double c = x2.c, tau = c * (1.0 - q) / (q * (1.0 - c));
        const auto [head, w] = weighted_sum(mass, b - bfirst, 1.0, M, tau);
        const double sum = head + w * rest;
        const double ratio = c == q ? 1.0 : std::exp(b * (std::log(c) - lq) + (n - b) * (std::log1p(-c) - l1q));
        upper[k] = std::min(1.0, sum * ratio);
      }
    }
    // Lower tails at p; cut-offs a of the blocks' last points, from afirst to alast; and the bound.
    const double afirst = block(0).second.a, alast = last.a;
    pmf_range(p, afirst - M + 1.0, alast, mass);
    double rest = fast_lower(p, afirst - M);  // P_p(X <= a - M), growing as a steps up
    double a = afirst, best = 0.0;
    for (std::size_t k = 0; k < blocks; ++k) {
      const auto [x1, x2] = block(k);
      for (; a < x2.a; a += 1.0) rest += mass[static_cast<std::size_t>(a + 1.0 - M - (afirst - M + 1.0))];
      double lower = 0.0;
      if (a >= 0) {
        // P_c(X <= a) = L(a) sum_m P_p(X = a-m) rho^m, rho = p (1-c) / (c (1-p)) <= 1, c = x1.c
        const double c = x1.c, rho = p * (1.0 - c) / (c * (1.0 - p));
        const auto [head, w] = weighted_sum(mass, a - (afirst - M + 1.0), -1.0, M, rho);
        const double sum = head + w * rest;
        const double ratio = c == p ? 1.0 : std::exp(a * (std::log(c) - lp) + (n - a) * (std::log1p(-c) - l1p));
        lower = std::min(1.0, sum * ratio);
      }
      best = std::max(best, lower + upper[k]);
    }
    return std::min(1.0, best * rounding_allowance);
  }
};

struct run {
  double bound;
  double sign, lo, hi;  // family and index range
  bool operator<(const run& o) const { return bound < o.bound; }
};

constexpr std::int64_t max_evaluations = 2'000'000;

// With target > 0: stop as soon as the bracket decides "T <= target" or "T > target".
// With target <= 0: stop when upper <= lower (1 + rel_tol).
worst_case_tail branch_and_bound(std::int64_t n, double eps, double target, double rel_tol) {
  const tail_problem prob{static_cast<double>(n), eps, 1e-9 * std::max(1.0, static_cast<double>(n))};
  const double nd = prob.n;
  worst_case_tail out{0.0, 0.0, 0.5};
  auto record = [&](double p, double g) {
    if (g > out.lower) {
      out.lower = g;
      out.argmax_p = p;
    }
  };
  // 1/2 may be a critical point; else this is g(1/2), a piece end.
  record(0.5, prob.g({0.5, std::floor(nd * (0.5 - eps) + prob.slack), std::ceil(nd * (0.5 + eps) - prob.slack)}));
  const bool decide = target > 0.0;
  auto settled = [&](double upper) {
    return decide ? (out.lower > target || upper <= target) : upper <= out.lower * (1.0 + rel_tol);
  };
  auto keep = [&](double bound) { return decide ? bound > target : bound > out.lower * (1.0 + rel_tol); };
  std::int64_t evaluations = 0;
  std::priority_queue<run> open;
  auto push = [&](double sign, double lo, double hi) {
    double bound = 0.0;
    if (lo == hi) {  // one point: its exact value
      const auto x = prob.at(sign, lo);
      bound = prob.g(x);
      record(x.c, bound);
      evaluations += 2;
      return;
    }
    const double w = hi - lo + 1.0;
    bound = prob.bernstein_bound(prob.at(sign, hi));
    evaluations += 1;
    if (keep(bound)) {
      bound = std::min(bound, prob.chernoff_bound(prob.at(sign, lo), prob.at(sign, hi)));
      evaluations += 1;
    }
    if (keep(bound) && w <= ratio_run_max) {
      bound = std::min(bound, prob.ratio_bound(sign, lo, hi, std::ceil(w / static_cast<double>(ratio_blocks))));
      evaluations += 4;
    }
    if (keep(bound)) open.push({bound, sign, lo, hi});
  };
  // The families' index ranges with c in (0, 1/2): A_j = j/n + eps, B_k = k/n - eps. Their points next to
  // 1/2 first (exactly), where T(n) is usually attained.
  for (const double sign : {1.0, -1.0}) {
    double lo = std::floor(nd * (0.0 - sign * eps)) + 1.0, hi = std::ceil(nd * (0.5 - sign * eps)) - 1.0;
    while (lo <= hi && !(prob.at(sign, lo).c > 0.0)) lo += 1.0;
    while (lo <= hi && !(prob.at(sign, hi).c < 0.5)) hi -= 1.0;
    if (lo > hi) continue;
    const double top = std::max(lo, hi - 1.0);
    for (double i = top; i <= hi; i += 1.0) push(sign, i, i);
    if (lo < top) push(sign, lo, top - 1.0);
  }
  while (!open.empty()) {
    if (settled(open.top().bound) || evaluations > max_evaluations) break;
    const run top = open.top();
    open.pop();
    if (!keep(top.bound)) continue;
    const double mid = std::floor(0.5 * (top.lo + top.hi));
    push(top.sign, top.lo, mid);
    push(top.sign, mid + 1.0, top.hi);
  }
  out.upper = std::max(out.lower, open.empty() ? 0.0 : open.top().bound);
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
  // The search below may ask about the same n twice (a bisection end, then a period check): remember.
  std::map<std::int64_t, bool> known;
  auto holds = [&](std::int64_t n) {
    if (n >= n_hoeffding) return true;
    const auto it = known.find(n);
    if (it != known.end()) return it->second;
    return known[n] = exact_binomial_holds(n, epsilon, target);
  };

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
