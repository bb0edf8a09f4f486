#include "neuroncert/bounds/planning.hpp"

#include <cmath>

#include <fmt/format.h>

#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
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

ess_plan plan_n_for_m(std::int64_t m, double delta, double q, double delta1_fraction, std::int64_t events) {
  check_open_unit("delta", delta);
  check_open_unit("delta1_fraction (delta split)", delta1_fraction);
  check_at_least("events", events, 1);
  ess_plan plan;
  plan.m = m;
  plan.q = q;
  plan.delta1 = delta1_fraction * delta;
  plan.delta2 = delta - plan.delta1;
  plan.n = smallest_n_for_count(m, q, union_delta(plan.delta2, events));
  return plan;
}

ess_plan plan_n_ess(double epsilon, double delta, std::int64_t num_concepts, double q, double delta1_fraction,
                    std::int64_t events) {
  check_open_unit("delta", delta);
  check_open_unit("delta1_fraction (delta split)", delta1_fraction);
  const double delta1 = delta1_fraction * delta;
  const std::int64_t m = plan_n(rate_spec{rate_kind::effective_sample_size}, epsilon, delta1, num_concepts);
  return plan_n_for_m(m, delta, q, delta1_fraction, events);
}

double epsilon_for_margin(double margin) {
  check_positive("margin", margin);
  return margin / 2.0;
}

std::int64_t guaranteed_count(std::int64_t n, double q, double delta2) {
  auto ok = [&](std::int64_t m) { return binomial_upper_tail(m, n, q) >= 1.0 - delta2; };
  std::int64_t lo = 0, hi = n + 1;  // ok(lo), !ok(hi)
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (ok(mid) ? lo : hi) = mid;
  }
  return lo;
}

double exact_epsilon(std::int64_t n, double target) {
  double lo = 0.0, hi = 1.0;  // at eps = 1 the tail is 0 for every p, so hi holds
  if (!exact_binomial_holds(n, hi, target)) return 1.0;
  while (hi - lo > 1e-6 * hi) {
    const double mid = 0.5 * (lo + hi);
    (exact_binomial_holds(n, mid, target) ? hi : lo) = mid;
  }
  return hi;
}

namespace {

/// What an ESS row's m is delivered with: delta2 for the one event f = 1 (precision), delta2/|C| for
/// each concept's own event (recall, IoU; docs/theory.md sec. 4.1).
std::string ess_note(const plan_request& r) {
  return r.event_per_concept
             ? fmt::format("q = {}; m reached in every concept's event, each with prob. >= 1 - delta2/|C|", r.q)
             : fmt::format("q = {}; m reached with prob. >= 1 - delta2", r.q);
}

plan_row exact_skipped(const char* bound) {
  return {bound, {}, {}, {}, {}, {}, {},
          fmt::format("not computed above n = {} (its cost grows with n); use hoeffding", exact_binomial_max_n)};
}

// Planning by epsilon.
std::vector<plan_row> rows_for_epsilon(const plan_request& r) {
  const double eps = r.epsilon;
  std::vector<plan_row> rows;
  switch (r.kind) {
    case rate_kind::hoeffding:
      rows.push_back({"hoeffding", plan_n_accuracy(eps, r.delta, r.concepts), {}, {}, {}, {}, {}, ""});
      if (exact_binomial_plannable(eps, r.delta, r.concepts))
        rows.push_back({"exact-binomial", plan_n_exact_binomial(eps, r.delta, r.concepts), {}, {}, {}, {}, {},
                        "worst case over p, tighter"});
      else
        rows.push_back(exact_skipped("exact-binomial"));
      break;
    case rate_kind::agarwal_auroc:
      rows.push_back({"agarwal", plan_n_auroc(eps, r.delta, r.concepts, r.rho), {}, {}, {}, {}, {},
                      fmt::format("rho = {}", r.rho)});
      break;
    case rate_kind::effective_sample_size: {
      const std::int64_t events = r.event_per_concept ? r.concepts : 1;
      const std::string note = ess_note(r);
      const auto p = plan_n_ess(eps, r.delta, r.concepts, r.q, r.delta_split, events);
      rows.push_back({"ess-hoeffding", p.n, p.m, {}, {}, p.delta1, p.delta2, note});
      const double d1 = r.delta_split * r.delta;
      if (exact_binomial_plannable(eps, d1, r.concepts)) {
        const std::int64_t m_exact = plan_n_exact_binomial(eps, d1, r.concepts);
        const auto pe = plan_n_for_m(m_exact, r.delta, r.q, r.delta_split, events);
        rows.push_back({"ess-exact-binomial", pe.n, pe.m, {}, {}, pe.delta1, pe.delta2, note});
      } else {
        rows.push_back(exact_skipped("ess-exact-binomial"));
      }
      break;
    }
  }
  return rows;
}

// The accuracy and margin a given n resolves.
std::vector<plan_row> rows_for_n(const plan_request& r) {
  const std::int64_t given = *r.n;
  const double n = static_cast<double>(given), target = union_delta(r.delta, r.concepts);
  std::vector<plan_row> rows;
  switch (r.kind) {
    case rate_kind::hoeffding: {
      const double e = hoeffding_rate(n, target);
      rows.push_back({"hoeffding", given, {}, e, 2 * e, {}, {}, ""});
      if (given <= exact_binomial_max_n) {
        const double x = exact_epsilon(given, target);
        rows.push_back({"exact-binomial", given, {}, x, 2 * x, {}, {}, "worst case over p"});
      } else {
        rows.push_back(exact_skipped("exact-binomial"));
      }
      break;
    }
    case rate_kind::agarwal_auroc: {
      const double e = auroc_rate(n, r.rho, target);
      rows.push_back({"agarwal", given, {}, e, 2 * e, {}, {}, fmt::format("rho = {}", r.rho)});
      break;
    }
    case rate_kind::effective_sample_size: {
      const double d1 = r.delta_split * r.delta, d2 = r.delta - d1;
      const std::int64_t m = guaranteed_count(given, r.q, union_delta(d2, r.event_per_concept ? r.concepts : 1));
      const double e = ess_rate(static_cast<double>(m), union_delta(d1, r.concepts));
      rows.push_back({"ess-hoeffding", given, m, e, 2 * e, d1, d2, ess_note(r)});
      break;
    }
  }
  return rows;
}

}  // namespace

std::vector<plan_row> plan_rows(const plan_request& r) { return r.n ? rows_for_n(r) : rows_for_epsilon(r); }

}  // namespace neuroncert::bounds
