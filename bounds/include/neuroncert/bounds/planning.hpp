#pragma once
// Planning, the inverse problems of docs/theory.md sec. 4.1: how many probing samples a target accuracy
// epsilon (or margin Delta) needs, with the union bound over the concept set.
// Theory: docs/theory.md sec. 4.1 (planning), sec. 4.2 (exact binomial intervals and planning).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "neuroncert/bounds/rates.hpp"

namespace neuroncert::bounds {

/// Smallest integer n >= 1 with r(n, delta/|C|) <= epsilon for the rate of `spec`, docs/theory.md sec. 4.1.
/// Hoeffding: n = ceil(ln(2|C|/delta) / (2 eps^2)); Agarwal AUROC: the same divided by rho(1-rho);
/// effective_sample_size: the required count m (same formula as Hoeffding, in units of m).
/// The closed form is only the starting point: the result is verified against rate() at n and n-1,
/// because ceil() of a value that is mathematically an integer can be off by one in floating point.
/// epsilon > 0, delta in (0,1), num_concepts >= 1. Throws invalid_argument (naming epsilon) when
/// the answer would exceed 1e15.
std::int64_t plan_n(const rate_spec& spec, double epsilon, double delta, std::int64_t num_concepts);

/// Accuracy (Hoeffding): smallest n with sqrt(ln(2|C|/delta)/(2n)) <= epsilon.
std::int64_t plan_n_accuracy(double epsilon, double delta, std::int64_t num_concepts);

/// AUROC (Agarwal): smallest n with sqrt(ln(2|C|/delta)/(2 rho(1-rho) n)) <= epsilon; rho in (0,1).
std::int64_t plan_n_auroc(double epsilon, double delta, std::int64_t num_concepts, double rho);

/// Smallest n with P(Binomial(n, q) >= m) >= 1 - delta2 (docs/theory.md sec. 4.1): the probing-set size
/// that delivers m samples in the conditioning event with probability >= 1 - delta2.
/// m >= 1, q in (0,1] the probability of the conditioning event, delta2 in (0,1).
/// P(Bin(n,q) >= m) is non-decreasing in n, so an integer bisection on Boost's binomial cdf is exact.
std::int64_t smallest_n_for_count(std::int64_t m, double q, double delta2);

/// The plan for recall / precision / IoU (effective sample size), docs/theory.md sec. 4.1.
struct ess_plan {
  std::int64_t m = 0;  ///< required effective count: smallest m with r(m, delta1/|C|) <= epsilon
  std::int64_t n = 0;  ///< smallest n with P(Bin(n, q) >= m) >= 1 - delta2 / events
  double q = 0;        ///< probability of the conditioning event (rho, a, or P(f=1 or c=1))
  double delta1 = 0;   ///< failure probability spent on the rate (before the split over |C|)
  double delta2 = 0;   ///< failure probability spent on getting m samples; delta1 + delta2 = delta
};

/// Recall (q = rho), precision (q = a = P(f=1)), IoU (q = P(f=1 or c=1)): delta = delta1 + delta2 with
/// delta1 = delta1_fraction * delta. `events`: how many distinct conditioning events must each reach m
/// at once, so that every one gets delta2 / events (docs/theory.md sec. 4.1): 1 for precision (f = 1, shared
/// by every concept), |C| for recall (c = 1) and IoU (f = 1 or c = 1), one event per concept. epsilon > 0, delta in (0,1), num_concepts >= 1, q in (0,1],
/// delta1_fraction in (0,1) (default half/half).
/// Note: the m-event is counted once (all concepts share n, but each concept has its own conditioning
/// event; for a per-concept q use the smallest q over the concepts, and split delta2 over |C| yourself).
ess_plan plan_n_ess(double epsilon, double delta, std::int64_t num_concepts, double q,
                    double delta1_fraction = 0.5, std::int64_t events = 1);

/// As plan_n_ess, with the required m given (e.g. from the exact-binomial planner at delta1/|C|).
ess_plan plan_n_for_m(std::int64_t m, double delta, double q, double delta1_fraction = 0.5,
                      std::int64_t events = 1);

/// Corollary 3.2 turned around: to resolve a margin Delta the uniform error must be below Delta/2.
/// margin > 0; returns margin / 2.
double epsilon_for_margin(double margin);

/// Largest m with P(Binomial(n, q) >= m) >= 1 - delta2 (0 if none): the effective count that n samples
/// deliver with probability >= 1 - delta2 (docs/theory.md sec. 4.1, `plan --n` for recall / precision / IoU).
/// P(X >= m) decreases in m, so an integer bisection on Boost's cdf is exact. n >= 0, q in [0,1].
std::int64_t guaranteed_count(std::int64_t n, double q, double delta2);

/// Smallest epsilon (to 1e-6 relative, rounded up) with sup_p P(|X/n - p| >= eps) <= target, X ~
/// Binomial(n, p) (docs/theory.md sec. 4.2, `plan --n`): 1 when even eps = 1 fails. The sup is non-increasing
/// in eps, so bisection on exact_binomial_holds is valid. 1 <= n <= exact_binomial_max_n, target > 0.
double exact_epsilon(std::int64_t n, double target);

/// One line of `neuroncert plan`: a bound's planned n (or, given n, the accuracy and margin it resolves).
struct plan_row {
  std::string bound;
  std::optional<std::int64_t> n;  ///< planned n (or the given n)
  std::optional<std::int64_t> m;  ///< effective count (ESS)
  std::optional<double> epsilon;  ///< accuracy resolved (given n)
  std::optional<double> margin;   ///< margin resolved (given n)
  std::optional<double> delta1, delta2;
  std::string note;
};

/// What `neuroncert plan` asks: a rate kind with its parameter (rho for AUROC, q for the ESS metrics),
/// and either a target epsilon or a given n.
struct plan_request {
  rate_kind kind = rate_kind::hoeffding;
  double epsilon = 0.0;            ///< target accuracy (when n is not given)
  std::optional<std::int64_t> n;   ///< given probing-set size
  double delta = 0.05;
  std::int64_t concepts = 1;
  double rho = 0.5;                ///< AUROC's concept frequency
  double q = 1.0;                  ///< ESS: probability of the conditioning event
  double delta_split = 0.5;        ///< ESS: fraction of delta spent on the rate
  bool event_per_concept = false;  ///< ESS: recall and IoU (one event per concept: delta2 / |C| each)
};

/// The bounds `plan` reports for a request: Hoeffding and exact-binomial (accuracy), Agarwal (AUROC),
/// ESS-Hoeffding and ESS-exact-binomial (recall, precision, IoU; exact-binomial only by epsilon); an
/// exact-binomial row past exact_binomial_max_n carries a note instead of a number.
std::vector<plan_row> plan_rows(const plan_request& r);

}  // namespace neuroncert::bounds
