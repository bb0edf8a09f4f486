#pragma once
// Distribution-free confidence intervals for the tie-corrected AUROC that are tighter than Agarwal's
// rate (rates.hpp, auroc_rate; the paper's bound, kept as it is) where it matters: rare concepts and
// AUROC near 1. docs/auroc_certificate.md has the derivation in full, the comparison with Agarwal's
// rate and the assumptions; the steps are summarised here.
//
// Setting. A probing set of n i.i.d. pairs (x, c); conditionally on the class counts n1 = #{c = 1},
// n0 = #{c = 0}, the positives' scores X_1..X_n1 and the negatives' scores Y_1..Y_n0 are independent
// i.i.d. samples of P(score | c = 1) and P(score | c = 0). Every interval below holds conditionally on
// (n1, n0), hence also unconditionally. AUROC A = P(X > Y) + P(X = Y)/2, estimated by the Mann-Whitney
// statistic A_hat = (1/(n1 n0)) sum_ij h(X_i, Y_j), h(x, y) = 1{x > y} + 1{x = y}/2.
// A binary neuron binarised by its own top-alpha sample quantile is not a fixed function: like every
// bound in bounds/, these assume a fixed neuron (docs/theory.md sec. 3). For identification over a concept set
// pass delta / |C| (union_delta) to each concept's interval.
//
// 1. Binary neuron (auroc_binary_exact). For f in {0, 1} the tie-corrected AUROC is balanced accuracy,
//    A = (TPR + TNR)/2, and given (n1, n0) the counts TP ~ Binomial(n1, TPR), TN ~ Binomial(n0, TNR) are
//    independent. Clopper-Pearson intervals [L1, U1] for TPR at level d1 and [L0, U0] for TNR at level d0,
//    d1 + d0 = delta, both hold with probability >= 1 - delta (union bound), and on that event
//    (L1 + L0)/2 <= A <= (U1 + U0)/2. The split: d1 = delta n0 / n, d0 = delta n1 / n (delta/2 each for
//    balanced classes; for a rare concept nearly all of delta goes to the rate estimated from few samples,
//    since the other one is precise at any level). It depends on (n1, n0) only, which the interval is
//    conditional on, so it is fixed before the counts TP, TN are seen.
//
// 2. Any scores (auroc_u_statistic_kl). Hoeffding (1963, sec. 5) writes the two-sample U-statistic as an
//    average over pairings: with k = min(n1, n0), A_hat = average over permutations pi, sigma of
//    W = (1/k) sum_{i<=k} h(X_pi(i), Y_sigma(i)), and each W is a mean of k i.i.d. [0, 1]-valued variables
//    with mean A. By Jensen E exp(s A_hat) <= E exp(s W), so every Chernoff bound for such a mean holds for
//    A_hat with k in place of n; the tightest distribution-free one (Hoeffding 1963, Thm. 1) gives
//    P(A_hat - A >= t) <= exp(-k kl(A + t || A)), kl the Bernoulli relative entropy, and the same below.
//    Inverted at delta/2 per side: A in {q : kl(A_hat || q) <= ln(2/delta) / k}. Pinsker (kl >= 2 t^2)
//    and 1/k <= 1/n1 + 1/n0 make its radius never larger than Agarwal's sqrt(ln(2/delta)(1/n1 + 1/n0)/2);
//    near AUROC 1 it is much smaller (kl sees the variance A(1 - A) the mean allows), and for balanced
//    classes smaller by up to sqrt(2) (k = n/2 against n1 n0 / n = n/4). Ties count 1/2: h stays in [0, 1].
//
// 3. Continuous neuron, variance-sensitive (auroc_continuous). Placement values: a positive's
//    G_i = (1/n0) sum_j h(X_i, Y_j), a negative's H_j = (1/n1) sum_i h(X_i, Y_j); each class's placements
//    average to A_hat. Let "small" be the class with fewer samples (the positives when n1 <= n0; a choice
//    fixed by (n1, n0)) and "large" the other; written for small = positives (otherwise swap the classes:
//    the H_j given X are i.i.d. with mean (1/n1) sum_i G(X_i), G(x) = P(x > Y) + P(x = Y)/2, E G(X) = A):
//        A_hat - A = [A_hat - m(Y)] + [m(Y) - A],   m(Y) = E[G_i | Y] = (1/n0) sum_j H(Y_j),
//    with H(y) = P(X > y) + P(X = y)/2.
//    (a) Given the large sample Y, the G_i are i.i.d. in [0, 1] with mean m(Y), and they are observed:
//        mean A_hat, unbiased sample variance V_s. At level d_s, m(Y) lies in the empirical-Bernstein
//        interval A_hat +- (sqrt(2 V_s L / n_s) + 7 L / (3 (n_s - 1))), L = ln(3 / d_s): Bernstein's
//        inequality on each side and Maurer and Pontil's (2009, Thm. 10) upper confidence bound on the
//        standard deviation, three events at d_s/3 each.
//    (b) The H(Y_j) are i.i.d. in [0, 1] with mean A, so at level d_l, A lies in the Chernoff-Hoeffding
//        interval around m(Y) with n_l samples. m(Y) is not observed, but on the event of (a) it lies in
//        [l_a, u_a], and the kl interval's ends are monotone in its centre: A >= kl-lower(l_a), A <=
//        kl-upper(u_a).
//    Both hold with probability >= 1 - d_s - d_l (the event of (a) has conditional probability >= 1 - d_s
//    for every Y); d_s : d_l = n_l : n_s. The placement variance V_s can be far below A(1 - A) (Gaussian
//    scores: 0.0008 against 0.03), but the bound pays 7 L / (3 (n_s - 1)) and a sum of two radii, so it
//    beats 2. only with many samples in the small class and a much larger other class. auroc_continuous
//    therefore uses 2. at delta alone unless n_s >= auroc_placement_min_small and
//    n_l >= auroc_placement_min_ratio n_s, and then the intersection of 2. at delta/2 with 3. at delta/2
//    (union bound); the rule depends on (n1, n0) only, so it is fixed before the scores are seen.
//
// All are clipped to [0, 1]. interval is exact_binomial.hpp's.
// Theory: docs/theory.md sec. 4.4 (AUROC intervals).
#include <cstdint>
#include <span>

#include "neuroncert/bounds/exact_binomial.hpp"

namespace neuroncert::bounds {

/// Bernoulli relative entropy kl(p || q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)), 0 ln 0 = 0; +infinity
/// when q is 0 or 1 and p differs from it. p, q in [0, 1].
double kl_bernoulli(double p, double q);

/// Two-sided Chernoff-Hoeffding interval for the mean of `n` i.i.d. [0, 1]-valued variables with sample
/// mean `mean`: {q : kl(mean || q) <= ln(2/delta) / n} (each side at delta/2). Holds with probability
/// >= 1 - delta for any distribution on [0, 1]. The ends are found by bisection and rounded outward.
/// mean in [0, 1], n >= 1 (may be fractional), delta in (0, 1).
interval chernoff_kl_interval(double mean, double n, double delta);

/// An interval inside chernoff_kl_interval(mean, n, delta), in closed form, for callers that only need
/// to know that a value is certainly inside (a set's pruning): kl(p || q) <= chi^2 = (p - q)^2 / (q (1 - q))
/// (KL <= log(1 + chi^2)), so every q with (p - q)^2 <= t q (1 - q), t = ln(2/delta)/n, lies in the kl
/// set; its ends are the roots of (1 + t) q^2 - (2p + t) q + p^2 = 0. Same arguments and checks.
interval chernoff_kl_inner(double mean, double n, double delta);

/// Two-sided empirical-Bernstein interval for the mean of n >= 2 i.i.d. [0, 1]-valued variables with
/// sample mean `mean` and unbiased sample variance `variance` (divisor n - 1):
/// mean +- (sqrt(2 variance L / n) + 7 L / (3 (n - 1))), L = ln(3/delta), clipped to [0, 1] (Bernstein
/// on each side and Maurer and Pontil 2009 Thm. 10, each at delta/3). mean in [0, 1], variance >= 0,
/// delta in (0, 1).
interval empirical_bernstein_interval(double mean, double variance, std::int64_t n, double delta);

/// How auroc_binary_exact splits delta: `positives` for TPR (delta n0 / n), `negatives` for TNR
/// (delta n1 / n). n1, n0 >= 1, delta in (0, 1).
struct auroc_delta_split {
  double positives = 0;
  double negatives = 0;
};
auroc_delta_split auroc_split_delta(std::int64_t n1, std::int64_t n0, double delta);

/// Binary neuron (see 1. above): the interval for the tie-corrected AUROC (TPR + TNR)/2 from
/// Clopper-Pearson intervals for TPR = true_pos / n1 and TNR = true_neg / n0 at the levels of
/// auroc_split_delta; P(A outside) <= delta given (n1, n0), for every n1, n0 >= 1.
/// true_pos = F11 (neuron fires on a concept positive), true_neg = F00, n1 = F01 + F11, n0 = F00 + F10.
/// AUROC is undefined without a positive or a negative, so n1 = 0 or n0 = 0 throws invalid_argument
/// (as do 0 <= true_pos <= n1, 0 <= true_neg <= n0 violated and delta outside (0, 1)).
interval auroc_binary_exact(std::int64_t true_pos, std::int64_t n1, std::int64_t true_neg, std::int64_t n0,
                            double delta);

/// Any scores (see 2. above): Hoeffding's two-sample U-statistic bound in Chernoff (kl) form,
/// {q : kl(auroc || q) <= ln(2/delta) / min(n1, n0)}; P(A outside) <= delta given (n1, n0), for any score
/// distributions, ties included. Needs only what Agarwal's rate needs (and the estimate), and is never
/// wider than A_hat -+ auroc_rate_counts(n0, n1, delta). n1, n0 >= 1 (AUROC is undefined otherwise),
/// auroc in [0, 1], delta in (0, 1); invalid_argument naming the argument otherwise.
interval auroc_u_statistic_kl(std::int64_t n1, std::int64_t n0, double auroc, double delta);

/// Whether q lies in auroc_u_statistic_kl's set {q : kl(auroc || q) <= ln(2/delta) / min(n1, n0)}: one
/// evaluation of kl instead of the bisection for an end (the set's ends differ from the returned
/// interval's only by the bisection's outward rounding). Same checks; q in [0, 1].
bool auroc_u_statistic_kl_contains(std::int64_t n1, std::int64_t n0, double auroc, double delta, double q);

/// chernoff_kl_inner for auroc_u_statistic_kl: an interval inside it, in closed form.
interval auroc_u_statistic_kl_inner(std::int64_t n1, std::int64_t n0, double auroc, double delta);

/// The sufficient statistics of auroc_continuous (see 3. above). The placement of positive i is
/// G_i = (#{negatives below X_i} + #{negatives tied with X_i}/2) / n0, of negative j
/// H_j = (#{positives above Y_j} + #{positives tied with Y_j}/2) / n1; with mid-ranks R (pooled),
/// R+ (among positives), R- (among negatives): G_i = (R_i - R+_i) / n0, H_j = 1 - (R_j - R-_j) / n1,
/// the placements of DeLong's variance (V_pos/n1 + V_neg/n0 is DeLong's estimate).
struct auroc_placement_stats {
  std::int64_t n1 = 0;    ///< positives (>= 1)
  std::int64_t n0 = 0;    ///< negatives (>= 1)
  double auroc = 0.5;     ///< mean of the G_i (= mean of the H_j = Mann-Whitney AUROC, ties 1/2)
  double var_pos = 0.0;   ///< unbiased sample variance of the G_i (divisor n1 - 1; 0 when n1 = 1)
  double var_neg = 0.0;   ///< unbiased sample variance of the H_j (divisor n0 - 1; 0 when n0 = 1)
};

/// When auroc_continuous adds the placement (empirical-Bernstein) interval: the smaller class has at least
/// auroc_placement_min_small samples and the larger at least auroc_placement_min_ratio times as many.
inline constexpr std::int64_t auroc_placement_min_small = 1000;
inline constexpr std::int64_t auroc_placement_min_ratio = 100;

/// The placement interval alone (3. above) at level delta: the smaller class's placements through
/// empirical Bernstein, then Chernoff-Hoeffding over the larger class. Needs min(n1, n0) >= 2.
interval auroc_placement_bernstein(const auroc_placement_stats& stats, double delta);

/// Continuous neuron (see 3. above): auroc_u_statistic_kl at delta, or, when the class sizes qualify,
/// its intersection at delta/2 with auroc_placement_bernstein at delta/2; P(A outside) <= delta given
/// (n1, n0), for every n1, n0 >= 1 and any score distributions, ties included. Only the smaller class's
/// variance is used. Throws invalid_argument naming the field when n1 or n0 < 1, auroc outside [0, 1], a
/// variance negative or above the largest possible for [0, 1] values (n / (4 (n - 1))), or delta outside
/// (0, 1).
interval auroc_continuous(const auroc_placement_stats& stats, double delta);

/// The placement statistics of scores with labels (nonzero = concept positive), O(n log n) by sorting,
/// ties counted 1/2. Throws invalid_argument when the sizes differ or a class is empty, data_error
/// when a score is not finite.
auroc_placement_stats auroc_placements(std::span<const double> scores, std::span<const std::uint8_t> labels);

/// The same by brute force over all n1 n0 pairs (for tests).
auroc_placement_stats auroc_placements_brute_force(std::span<const double> scores,
                                                   std::span<const std::uint8_t> labels);

/// The radius of an interval around an estimate inside it: max(estimate - lower, upper - estimate), the
/// form the validation study compares with the empirical error quantile (|A_hat - A| <= radius whenever
/// A is in the interval).
double interval_radius(const interval& ci, double estimate);

}  // namespace neuroncert::bounds
