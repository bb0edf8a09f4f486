#pragma once
// Exact binomial alternatives to Hoeffding (docs/theory.md sec. 4.2, beyond the paper): Clopper-Pearson
// intervals for count metrics and exact-binomial planning.
// Theory: docs/theory.md sec. 4.2 (exact binomial intervals and planning).
#include <cstdint>

namespace neuroncert::bounds {

/// A closed interval [lower, upper] within [0, 1].
struct interval {
  double lower = 0;
  double upper = 1;
};

/// Two-sided Clopper-Pearson interval at level delta for `successes` out of `trials` (docs/theory.md
/// sec. 4.2): lower = Beta quantile delta/2 of Beta(k, m-k+1), upper = quantile 1-delta/2 of
/// Beta(k+1, m-k), via Boost.Math binomial_distribution::find_lower/upper_bound_on_p with the
/// one-sided risk delta/2 per side. Edges are exact: k = 0 gives lower = 0, k = m gives upper = 1.
/// P(p outside the interval) <= delta. For the Bonferroni split over a concept set pass
/// delta / |C| (union_delta). trials >= 1, 0 <= successes <= trials, delta in (0,1).
interval clopper_pearson(std::int64_t successes, std::int64_t trials, double delta);

/// The largest n the exact worst-case tail is computed for. The worst-case tail is a maximum over
/// about 2n critical points, bounded in runs (see exact_binomial.cpp), and a planning search makes a
/// dozen or more evaluations, so the cost still grows with n; beyond it Hoeffding's rate, within about
/// 20% of the exact one there, is the answer. Every function below refuses a larger n
/// (invalid_argument), so no call can run for minutes.
inline constexpr std::int64_t exact_binomial_max_n = 200'000;

/// Bounds on the worst-case two-sided tail T(n) = sup_{p in [0,1]} P(|X/n - p| >= epsilon),
/// X ~ Binomial(n, p): lower <= T(n) <= upper, with argmax_p a p (in [0, 1/2]) where the lower value
/// is attained. See exact_binomial.cpp for the method (branch and bound over p).
struct worst_case_tail {
  double lower = 0;
  double upper = 1;
  double argmax_p = 0.5;
};

/// T(n) to relative tolerance rel_tol (upper <= lower (1 + rel_tol) unless the search budget runs out,
/// in which case upper is still a valid bound). n >= 1, epsilon > 0, rel_tol > 0.
worst_case_tail exact_binomial_worst_tail(std::int64_t n, double epsilon, double rel_tol = 1e-6);

/// Certified decision "T(n) <= target": true only when an upper bound on T(n) is <= target (so a
/// true answer is rigorous); false when some p has tail > target, or (rarely, when T(n) is within
/// floating-point resolution of target) when neither can be shown. n >= 1, epsilon > 0, target > 0.
bool exact_binomial_holds(std::int64_t n, double epsilon, double target);

/// Exact-binomial planning, the tighter alternative to plan_n_accuracy (docs/theory.md sec. 4.2): an n with
/// T(n) <= delta/|C| and T(n-1) > delta/|C| (n = 1 when T(1) <= delta/|C|).
/// T(n) is not monotone in n in general (lattice effects), so "smallest" means: the first n at which the
/// condition holds in the bracket searched by bisection around the normal approximation
/// n ~ (z_{1-delta/(2|C|)} / (2 eps))^2; the result is verified (holds at n, fails at n-1), and is
/// never above the Hoeffding n, from which the condition holds for every larger n.
/// epsilon > 0, delta in (0,1), num_concepts >= 1, and a Hoeffding n of at most exact_binomial_max_n
/// (exact_binomial_plannable tells).
std::int64_t plan_n_exact_binomial(double epsilon, double delta, std::int64_t num_concepts);

/// Whether plan_n_exact_binomial(epsilon, delta, num_concepts) is within exact_binomial_max_n.
bool exact_binomial_plannable(double epsilon, double delta, std::int64_t num_concepts);

}  // namespace neuroncert::bounds
