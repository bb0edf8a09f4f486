#pragma once
// The single-identification error p of Theorem 4.1 (docs/theory.md sec. 5) from pairwise differences of
// concepts instead of the uniform Hoeffding union, for the accuracy metric: a tighter BE coverage
// bound when the best concept and its runner-ups rarely disagree (docs/be_coverage_bound.md).
//
// Setting. A fixed binary neuron f, binary concepts, i.i.d. probing samples x_1..x_n from P, and the
// accuracy acc(c) = P(f(x) = c(x)), estimated by acc_hat(c) = (1/n) sum_i A_c(x_i), A_c = 1[f = c].
// c* is the population-best concept; runner-up c != c* has margin Delta_c = acc(c*) - acc(c) > 0 and
// disagreement d_c = P(c*(x) != c(x)). Identification picks argmax_c acc_hat(c), ties to the lowest
// concept index.
//
// Derivation.
// (1) Error event. c_hat != c* only if some runner-up c has acc_hat(c) >= acc_hat(c*) (strictly
//     greater, or equal with c before c* in index order). Counting every tie as an error makes the
//     bound hold for any tie-break rule and any position of c*; then, by the union bound,
//       p = P(c_hat != c*) <= sum_{c != c*} T_c,   T_c = P(sum_i D_i <= 0),
//     with D_i = A_{c*}(x_i) - A_c(x_i) in {-1, 0, 1}, i.i.d. over the samples.
// (2) The law of D. For binary f, c*, c: A_{c*} != A_c exactly where c*(x) != c(x), so D != 0 with
//     probability d, and E D = Delta. With u = P(D = 1), v = P(D = -1): u + v = d, u - v = Delta, so
//       u = (d + Delta) / 2,   v = (d - Delta) / 2,   Var D = d - Delta^2 <= d.
//     In particular d >= Delta: two concepts that disagree on a fraction d of the inputs differ in
//     accuracy by at most d. A small d means a small variance: that is where the gain comes from.
// (3) Exact tail. Let N = #{i : D_i != 0} ~ Bin(n, d) and U = #{i : D_i = 1}. Given N = m, U ~ Bin(m, q),
//     q = u / d = (1 + Delta/d) / 2, and sum D = 2U - m <= 0 iff U <= floor(m/2). Hence
//       T(n, Delta, d) = sum_{m=0}^{n} P(Bin(n, d) = m) P(Bin(m, q) <= floor(m/2))      (exact).
//     Computed over the window |m - n d| <= 15 sd(N) + 10 (sd(N)^2 = n d (1 - d)) with Boost.Math's
//     binomial pdf and cdf; the mass of N below the window is added whole (a conditional probability
//     is at most 1) and the mass above it times (4 q (1 - q))^((hi + 1)/2) (Chernoff: P(Bin(m, q) <=
//     m/2) <= exp(-m KL(1/2 || q)), decreasing in m), so the result stays an upper bound; it is inflated
//     by 1e-9 relative (far above the floating-point error) and capped by the Chernoff bound (5), also
//     an upper bound (they differ only below about 1e-40, where the outside mass counts). Cost
//     O(sqrt(n d (1 - d))) evaluations; beyond 10^6 terms the Chernoff bound alone is returned.
// (4) Bernstein (closed form, for reference). X = Delta - D has mean 0, variance d - Delta^2 and
//     X <= 1 + Delta, so P(sum D <= 0) = P(sum X >= n Delta) <= exp(-n Delta^2 / (2 (d - Delta^2) +
//     2 (1 + Delta) Delta / 3)) = exp(-n Delta^2 / (2 d + 2 Delta/3 - 4 Delta^2/3)) <=
//     exp(-n Delta^2 / (2 d + 2 Delta/3)). Against Hoeffding's exp(-n Delta^2 / 2) per pair (the
//     uniform bound p = 2|C| exp(-n Delta^2/2) of bounds::p_from_margin_accuracy), the exponent gains
//     a factor 1 / (d + Delta/3) when d is small.
// (5) Chernoff (exact moment generating function, optimised). E exp(-l D) = 1 - d + u e^{-l} + v e^{l}
//     is minimal at e^l = sqrt(u/v), so T <= (1 - d + 2 sqrt(u v))^n = (1 - d + sqrt(d^2 - Delta^2))^n
//     (v = 0 gives (1 - d)^n, exact). It is never above (4), and it is non-decreasing in d and
//     non-increasing in Delta: d/dd (1 - d + sqrt(d^2 - Delta^2)) = d / sqrt(d^2 - Delta^2) - 1 >= 0.
// (6) Uniform version: every runner-up has margin >= Delta and disagreement <= d (the user knows an
//     upper bound on the disagreement, not each value). The exact T is not monotone in d (ties: at
//     d = Delta, T = (1 - Delta)^n; for n = 1, T = 1 - u falls as d grows), so the worst case is
//     taken with two monotonicity facts:
//     (a) T is non-increasing in the margin at fixed d: lowering Delta to Delta' moves probability
//         (Delta - Delta')/2 from D = 1 to D = -1, which (coupled sample by sample) only lowers sum D.
//         So a runner-up (Delta_c >= Delta, d_c) has T <= T(n, Delta, d_c), and d_c >= Delta_c >= Delta.
//     (b) For Delta <= d' <= d, T(n, Delta, d') <= 2 T(n, Delta, d): couple D(d') to D(d) by turning
//         each D(d') = 0 into +1 or -1 (each with probability (d - d') / (2 (1 - d'))); the law is
//         then exactly (u, v) at d. Given the D(d') sequence, the added sum S is symmetric, so on
//         {sum D(d') <= 0}, P(sum D(d') + S <= 0) >= P(S <= 0) >= 1/2.
//     Hence T_c <= T_unif(n, Delta, d) = min(1, Chernoff(n, Delta, d), 2 T(n, Delta, d)), and
//       p <= min(1, (|C| - 1) T_unif(n, Delta, d)).
//     With the exact values of each runner-up's margin and disagreement (a pilot, or a simulated
//     setting), p <= min(1, sum_c T(n, Delta_c, d_c)) without the factor 2.
// (7) Coverage: Theorem 4.1 as corrected (bounds::be_coverage_corrected) with this p.
//
// Scope. Accuracy only: it is the one metric whose sample value is a mean of per-sample indicators
// shared by every concept, so that the difference of two concepts is a mean of i.i.d. paired terms.
// Recall, IoU and AUROC normalise by per-concept counts (or pairs), precision by the neuron's firing
// count; none is covered here. Assumption (3) of Theorem 4.1 (independent identifications, e.g. fresh
// probing sets) is unchanged: for K bootstrap resamples of one probing set the coverage guarantee is
// heuristic (bounds::be_coverage_caveat).
// Theory: docs/theory.md sec. 5.4 (pairwise p).
#include <cstdint>
#include <span>

namespace neuroncert::bounds {

/// One runner-up concept c: margin Delta_c = acc(c*) - acc(c) and disagreement d_c = P(c*(x) != c(x)).
struct runner_up {
  double margin = 0;
  double disagreement = 0;
};

/// Exact P(sum_i D_i <= 0) for one runner-up with exactly this margin and disagreement, n samples
/// (derivation (3)): the probability that it ties with or beats c*. n >= 1, margin in (0, 1],
/// disagreement in [margin, 1]. Invalid_argument naming "margin" or "disagreement" otherwise.
double pairwise_error_exact(std::int64_t n, double margin, double disagreement);

/// Bernstein's closed form exp(-n Delta^2 / (2 d + 2 Delta/3 - 4 Delta^2/3)) (derivation (4)). Same ranges.
double pairwise_error_bernstein(std::int64_t n, double margin, double disagreement);

/// Chernoff's (1 - d + sqrt(d^2 - Delta^2))^n (derivation (5)). Same ranges.
double pairwise_error_chernoff(std::int64_t n, double margin, double disagreement);

/// Worst case of one runner-up's tie-or-beat probability over every runner-up with margin >= Delta and
/// disagreement <= d: min(1, Chernoff, 2 * exact) at (Delta, d) (derivation (6)). Same ranges.
double pairwise_error_uniform(std::int64_t n, double margin, double disagreement);

/// p = P(c_hat != c*) <= min(1, (|C| - 1) pairwise_error_uniform(n, Delta, d)) when every concept other
/// than c* has margin >= Delta and disagreement with c* <= d. num_concepts (|C|) >= 2; n, margin,
/// disagreement as above.
double p_from_disagreement(std::int64_t n, double margin, double disagreement, std::int64_t num_concepts);

/// p <= min(1, sum_c pairwise_error_exact(n, Delta_c, d_c)) from every runner-up's exact margin and
/// disagreement (a pilot estimate, or a simulated setting). At least one runner-up; each checked as
/// above, the message naming its index ("runner-up 3: margin must ...").
double p_from_runner_ups(std::int64_t n, std::span<const runner_up> runner_ups);

}  // namespace neuroncert::bounds
