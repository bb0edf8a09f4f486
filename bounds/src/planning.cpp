#include "neuroncert/bounds/planning.hpp"

#include <cmath>

#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {
namespace {

constexpr double max_plan_n = 1e15;

}  // namespace

std::int64_t plan_n(const rate_spec& spec, double epsilon, double delta, std::int64_t num_concepts) {
  check_positive("epsilon", epsilon);
  const double d = union_delta(delta, num_concepts);
  if (spec.kind == rate_kind::agarwal_auroc) check_open_unit("rho", spec.rho);
  // Closed form: n_eff = ln(2/d) / (2 eps^2), n = n_eff / rho(1-rho) for AUROC.
  double x = std::log(2.0 / d) / (2.0 * epsilon * epsilon);
  if (spec.kind == rate_kind::agarwal_auroc) x /= spec.rho * (1.0 - spec.rho);
  if (!(x <= max_plan_n))
    throw invalid_argument(fmt::format("epsilon {} is too small: the required n exceeds {:g}", epsilon, max_plan_n));
  auto n = static_cast<std::int64_t>(std::ceil(x));
  if (n < 1) n = 1;
  // The definition is "smallest n with rate(n) <= eps": settle the last unit against the rate itself.
  while (n > 1 && rate(spec, static_cast<double>(n - 1), d) <= epsilon) --n;
  while (rate(spec, static_cast<double>(n), d) > epsilon) ++n;
  return n;
}

std::int64_t plan_n_accuracy(double epsilon, double delta, std::int64_t num_concepts) {
  return plan_n(rate_spec{rate_kind::hoeffding}, epsilon, delta, num_concepts);
}

std::int64_t plan_n_auroc(double epsilon, double delta, std::int64_t num_concepts, double rho) {
  check_open_unit("rho", rho);
  return plan_n(rate_spec{rate_kind::agarwal_auroc, rho}, epsilon, delta, num_concepts);
}

std::int64_t smallest_n_for_count(std::int64_t m, double q, double delta2) {
  check_at_least("m", m, 1);
  if (!(q > 0.0 && q <= 1.0)) throw invalid_argument(fmt::format("q must lie in (0, 1], got {}", q));
  check_open_unit("delta2", delta2);
  if (q == 1.0) return m;
  const double goal = 1.0 - delta2;
  // Invariant: lo fails, hi holds. n = m - 1 cannot give m successes.
  std::int64_t lo = m - 1;
  std::int64_t hi = std::max<std::int64_t>(m, static_cast<std::int64_t>(std::ceil(static_cast<double>(m) / q)));
  while (binomial_upper_tail(m, hi, q) < goal) {
    lo = hi;
    if (static_cast<double>(hi) > max_plan_n)
      throw invalid_argument(fmt::format("q {} is too small: the required n exceeds {:g}", q, max_plan_n));
    hi *= 2;
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (binomial_upper_tail(m, mid, q) >= goal ? hi : lo) = mid;
  }
  return hi;
}

ess_plan plan_n_for_m(std::int64_t m, double delta, double q, double delta1_fraction) {
  check_open_unit("delta", delta);
  check_open_unit("delta1_fraction (delta split)", delta1_fraction);
  ess_plan plan;
  plan.m = m;
  plan.q = q;
  plan.delta1 = delta1_fraction * delta;
  plan.delta2 = delta - plan.delta1;
  plan.n = smallest_n_for_count(m, q, plan.delta2);
  return plan;
}

ess_plan plan_n_ess(double epsilon, double delta, std::int64_t num_concepts, double q, double delta1_fraction) {
  check_open_unit("delta", delta);
  check_open_unit("delta1_fraction (delta split)", delta1_fraction);
  const double delta1 = delta1_fraction * delta;
  const std::int64_t m = plan_n(rate_spec{rate_kind::effective_sample_size}, epsilon, delta1, num_concepts);
  return plan_n_for_m(m, delta, q, delta1_fraction);
}

double epsilon_for_margin(double margin) {
  check_positive("margin", margin);
  return margin / 2.0;
}

}  // namespace neuroncert::bounds
