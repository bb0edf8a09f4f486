// Exact-binomial planning (docs/theory.md sec. 4.2): sup over p of P(|X/n - p| >= eps), checked against a
// brute-force evaluation on a fine p grid plus every critical point j/n +- eps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

namespace {
// P_p(|X/n - p| >= eps) by direct summation; eps read as a decimal (ties within 1e-9 count as >=).
double brute_tail(long n, double p, double eps, const std::vector<double>& logc) {
  double s = 0;
  for (long x = 0; x <= n; ++x) {
    if (std::abs(static_cast<double>(x) - n * p) < n * eps - 1e-9) continue;
    if (p == 0.0) { s += x == 0; continue; }
    s += std::exp(logc[x] + x * std::log(p) + (n - x) * std::log1p(-p));
  }
  return s;
}

double brute_sup(long n, double eps, long grid) {
  std::vector<double> logc(n + 1);
  for (long x = 0; x <= n; ++x) logc[x] = std::lgamma(n + 1.0) - std::lgamma(x + 1.0) - std::lgamma(n - x + 1.0);
  std::vector<double> ps;
  for (long i = 0; i <= grid; ++i) ps.push_back(0.5 * i / grid);
  for (long j = -n; j <= 2 * n; ++j)
    for (double c : {j / static_cast<double>(n) + eps, j / static_cast<double>(n) - eps})
      if (c >= 0 && c <= 0.5) ps.push_back(c);
  double best = 0;
  for (double p : ps) best = std::max(best, brute_tail(n, p, eps, logc));
  return best;
}
}  // namespace

TEST_CASE("worst-case tail brackets the brute-force sup", "[bounds][exact_binomial]") {
  for (long n : {1L, 7L, 30L, 100L}) {
    const worst_case_tail t = exact_binomial_worst_tail(n, 0.1, 1e-9);
    const double brute = brute_sup(n, 0.1, 20000);
    INFO("n " << n << " lower " << t.lower << " upper " << t.upper << " brute " << brute);
    CHECK(t.lower <= t.upper);
    CHECK(brute <= t.upper * (1 + 1e-9));
    CHECK(brute >= t.lower * (1 - 1e-6));  // the grid includes the critical points, so it reaches the sup
  }
}

TEST_CASE("exact planning, eps = 0.1: n holds, n-1 fails, every larger n holds (brute force)",
          "[bounds][exact_binomial]") {
  const double eps = 0.1, delta = 0.05;
  const auto n = plan_n_exact_binomial(eps, delta, 1);
  const auto n_hoeffding = plan_n_accuracy(eps, delta, 1);
  INFO("exact n " << n << ", Hoeffding n " << n_hoeffding);
  CHECK(n < n_hoeffding);
  CHECK(brute_sup(n, eps, 100000) <= delta);
  CHECK(brute_sup(n - 1, eps, 100000) > delta);
  // "From n on": the condition holds for every n' up to the Hoeffding n (beyond it Hoeffding covers it).
  for (long m = n + 1; m < n_hoeffding; ++m) {
    INFO("n' = " << m);
    CHECK(brute_sup(m, eps, 2000) <= delta);
  }
}

TEST_CASE("exact planning with a concept set, eps = 0.1, |C| = 100", "[bounds][exact_binomial]") {
  const auto n = plan_n_exact_binomial(0.1, 0.05, 100);
  CHECK(n < plan_n_accuracy(0.1, 0.05, 100));
  CHECK(brute_sup(n, 0.1, 50000) <= 0.05 / 100);
  CHECK(brute_sup(n - 1, 0.1, 50000) > 0.05 / 100);
}

TEST_CASE("exact planning is much tighter than Hoeffding for |C| = 1000, eps = 0.01", "[bounds][exact_binomial]") {
  const auto n = plan_n_exact_binomial(0.01, 0.05, 1000);
  // Normal approximation at p = 1/2: (z_{1 - 2.5e-5} / 0.02)^2 = (4.0556 / 0.02)^2 = 41121.
  CHECK(n >= 40000);
  CHECK(n <= 42000);
  CHECK(n < 52984);
  CHECK(exact_binomial_holds(n, 0.01, 5e-5));
  CHECK_FALSE(exact_binomial_holds(n - 1, 0.01, 5e-5));
}

TEST_CASE("worst-case tail at p = 1/2 by hand", "[bounds][exact_binomial]") {
  // n = 1, eps = 0.1: at p = 1/2 both outcomes are 0.5 away, tail = 1.
  CHECK(exact_binomial_worst_tail(1, 0.1).upper == Approx(1.0));
  // n = 2, eps = 0.6: p in [0, 1/2]; X/n in {0, 0.5, 1}; only X = 2 can be >= 0.6 away (p <= 0.4):
  // sup_p p^2 on [0, 0.4] = 0.16 (at p = 0.4, X = 2 is exactly 0.6 away).
  const worst_case_tail t = exact_binomial_worst_tail(2, 0.6, 1e-10);
  CHECK(t.upper == Approx(0.16).epsilon(1e-8));
  CHECK(t.lower == Approx(0.16).epsilon(1e-8));
}

TEST_CASE("exact planning arguments are checked and named", "[bounds][exact_binomial]") {
  CHECK_THROWS_WITH(plan_n_exact_binomial(-1, 0.05, 10), Contains("epsilon"));
  CHECK_THROWS_WITH(plan_n_exact_binomial(0.1, 0.0, 10), Contains("delta"));
  CHECK_THROWS_WITH(plan_n_exact_binomial(0.1, 0.05, 0), Contains("|C|"));
  CHECK_THROWS_WITH(exact_binomial_worst_tail(0, 0.1), Contains("n "));
  CHECK_THROWS_WITH(exact_binomial_holds(10, 0.1, 0), Contains("target"));
}

TEST_CASE("exact planning stays bounded: a stated n limit, and tiny per-concept deltas", "[bounds][exact_binomial]") {
  // Above exact_binomial_max_n every entry point refuses at once instead of running for minutes.
  CHECK_THROWS_WITH(exact_binomial_worst_tail(exact_binomial_max_n + 1, 0.1), Contains("at most 200000"));
  CHECK_THROWS_WITH(exact_binomial_holds(1'000'000'000'000'000'000, 0.1, 0.01), Contains("at most 200000"));
  // Hoeffding's n at eps = 0.001, |C| = 100: ln(2 * 100 / 0.05) / (2 eps^2) = 4,147,024.8 -> 4,147,025 > the limit.
  CHECK_FALSE(exact_binomial_plannable(0.001, 0.05, 100));
  CHECK_THROWS_WITH(plan_n_exact_binomial(0.001, 0.05, 100), Contains("Hoeffding's n is 4147025"));
  // |C| = 10^18 puts delta/|C| = 5e-20 below double's resolution next to 1: the normal start value
  // must come from the upper quantile directly (it overflowed as quantile(1 - 2.5e-20)). Hoeffding:
  // ceil(ln(2e18 / 0.05) / (2 * 0.05^2)) = ceil(9027.08) = 9028; the exact n holds and is smaller.
  CHECK(plan_n_accuracy(0.05, 0.05, 1'000'000'000'000'000'000) == 9028);
  REQUIRE(exact_binomial_plannable(0.05, 0.05, 1'000'000'000'000'000'000));
  const auto n = plan_n_exact_binomial(0.05, 0.05, 1'000'000'000'000'000'000);
  CHECK(n < 9028);
  CHECK(exact_binomial_holds(n, 0.05, 5e-20));
}

TEST_CASE("exact planning keeps the answers of the earlier branch and bound", "[bounds][exact_binomial]") {
  // Reference values computed with the branch and bound over p that bisected pieces with Boost's
  // binomial cdf (commit 99eb4cf, before the run bounds), for the same search.
  CHECK(plan_n_exact_binomial(0.01, 0.05, 1000) == 41201);
  CHECK(plan_n_exact_binomial(0.05, 0.05, 1) == 401);
  CHECK(plan_n_exact_binomial(0.1, 0.05, 100) == 311);
  CHECK(plan_n_exact_binomial(0.02, 0.01, 50) == 8676);
  CHECK(plan_n_exact_binomial(0.03, 0.1, 10) == 1867);
  CHECK(plan_n_exact_binomial(0.025, 0.05, 1000) == 6601);
  CHECK(plan_n_exact_binomial(0.0125, 0.02, 7) == 14281);
  CHECK(plan_n_exact_binomial(0.2, 0.3, 3) == 21);
  CHECK(plan_n_exact_binomial(0.05, 0.05, 1'000'000'000'000'000'000) == 8401);
}

TEST_CASE("exact_epsilon: the accuracy a given n resolves, as before", "[bounds][exact_binomial]") {
  // Reference values from `plan --n`'s bisection on the earlier branch and bound (commit 99eb4cf).
  CHECK(exact_epsilon(5000, 5e-5) == 0.028700008988380432);
  CHECK(exact_epsilon(1000, 0.005) == 0.044500023126602173);
  CHECK(exact_epsilon(100, 0.05) == 0.10000002384185791);
  CHECK(exact_epsilon(7, 0.3) == 0.21428573131561279);
  // The result holds and is within 1e-6 relative of failing.
  CHECK(exact_binomial_holds(5000, exact_epsilon(5000, 5e-5), 5e-5));
  CHECK_FALSE(exact_binomial_holds(5000, exact_epsilon(5000, 5e-5) * (1 - 2e-6), 5e-5));
}

TEST_CASE("guaranteed_count: the largest m that n samples deliver", "[bounds][planning]") {
  // n = 5000, q = 0.2, delta2 = 0.025: `plan --metric precision --rate 0.2 --n 5000` reported m = 945
  // (mean 1000, sd 28.3: about 1.94 sd below). P(Bin(5000, 0.2) >= 945) >= 0.975 > P(... >= 946).
  CHECK(guaranteed_count(5000, 0.2, 0.025) == 945);
  CHECK(binomial_upper_tail(945, 5000, 0.2) >= 0.975);
  CHECK(binomial_upper_tail(946, 5000, 0.2) < 0.975);
  CHECK(guaranteed_count(10, 1.0, 0.05) == 10);  // every sample is in the event
  CHECK(guaranteed_count(10, 0.0, 0.05) == 0);
}

TEST_CASE("plan_rows: Hoeffding and exact-binomial rows by epsilon and by n", "[bounds][planning]") {
  plan_request r;
  r.epsilon = 0.01;
  r.concepts = 1000;
  const auto rows = plan_rows(r);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].bound == "hoeffding");
  CHECK(rows[0].n == 52984);
  CHECK(rows[1].bound == "exact-binomial");
  CHECK(rows[1].n == 41201);
  r.n = 300'000;  // past exact_binomial_max_n: a note instead of a number
  const auto by_n = plan_rows(r);
  REQUIRE(by_n.size() == 2);
  CHECK_FALSE(by_n[1].epsilon.has_value());
  CHECK_THAT(by_n[1].note, Contains("not computed above n = 200000"));
}

TEST_CASE("exact planning: more reference answers, before the Stirling-Chernoff run bound", "[bounds][exact_binomial]") {
  // (epsilon, delta, |C|) -> n, computed with the code of commit 3919a5f (Bernstein and ratio bounds only);
  // the search is unchanged, so a certified bound that decides the same gives the same n.
  struct reference {
    double epsilon, delta;
    std::int64_t concepts, n;
  };
  for (const reference& r : std::vector<reference>{
           {0.006, 0.01, 1, 46167},   {0.006, 0.1, 1, 18917},   {0.008, 0.01, 1, 26001},  {0.008, 0.05, 1000, 64313},
           {0.008, 0.025, 1, 19688},  {0.01, 0.01, 1000, 48851}, {0.01, 0.1, 1, 6851},    {0.01, 0.025, 1000, 44501},
           {0.015, 0.05, 1, 4334},    {0.015, 0.1, 1000, 16867}, {0.02, 0.01, 1, 4176},   {0.02, 0.05, 1000, 10326},
           {0.02, 0.025, 1, 3176},    {0.03, 0.01, 1000, 5451},  {0.03, 0.1, 1, 784},     {0.03, 0.025, 1000, 4951},
           {0.05, 0.1, 1000, 1531},   {0.07, 0.01, 1, 351},      {0.07, 0.05, 1000, 851}, {0.07, 0.025, 1, 265},
           {0.1, 0.01, 1000, 491},    {0.1, 0.1, 1, 76},         {0.1, 0.025, 1000, 451}, {0.15, 0.05, 1, 47},
           {0.15, 0.1, 1000, 171},    {0.25, 0.01, 1, 29},       {0.25, 0.05, 1000, 67},  {0.25, 0.025, 1, 23}}) {
    INFO("epsilon " << r.epsilon << ", delta " << r.delta << ", |C| " << r.concepts);
    CHECK(plan_n_exact_binomial(r.epsilon, r.delta, r.concepts) == r.n);
  }
}

TEST_CASE("exact_epsilon and the effective-sample-size plans keep their earlier answers", "[bounds][exact_binomial]") {
  // exact_epsilon(n, target), from the code of commit 3919a5f.
  CHECK(exact_epsilon(1, 0.3) == 0.70000028610229492);
  CHECK(exact_epsilon(2, 5e-5) == 0.99292945861816406);
  CHECK(exact_epsilon(10, 0.05) == 0.35000014305114746);
  CHECK(exact_epsilon(37, 0.3) == 0.094594597816467285);
  CHECK(exact_epsilon(37, 1e-8) == 0.4632413387298584);
  CHECK(exact_epsilon(100, 5e-5) == 0.20500004291534424);
  CHECK(exact_epsilon(1000, 0.05) == 0.031000018119812012);
  CHECK(exact_epsilon(5000, 0.3) == 0.0074000023305416107);
  CHECK(exact_epsilon(5000, 1e-8) == 0.040600001811981201);
  CHECK(exact_epsilon(20000, 5e-5) == 0.014350004494190216);
  CHECK(exact_epsilon(50000, 0.05) == 0.0043900012969970703);
  CHECK(exact_epsilon(50000, 5e-5) == 0.0090700015425682068);
  CHECK(exact_epsilon(120000, 0.3) == 0.0015000011771917343);
  CHECK(exact_epsilon(120000, 1e-8) == 0.0082750022411346436);
  // ESS rows (recall, precision, IoU): (epsilon, delta, |C|, q) -> (n, m) of ess-hoeffding, ess-exact-binomial.
  struct reference {
    double epsilon, delta;
    std::int64_t concepts;
    double q;
    std::int64_t n_hoeffding, m_hoeffding, n_exact, m_exact;
  };
  for (const reference& x : std::vector<reference>{{0.05, 0.05, 1000, 0.1, 23473, 2258, 18706, 1791},
                                                   {0.05, 0.05, 1, 0.1, 9330, 877, 5643, 521},
                                                   {0.02, 0.05, 100, 0.3, 38029, 11234, 28591, 8426},
                                                   {0.03, 0.01, 10, 0.05, 95605, 4608, 70638, 3384}}) {
    plan_request r;
    r.kind = rate_kind::effective_sample_size;
    r.epsilon = x.epsilon;
    r.delta = x.delta;
    r.concepts = x.concepts;
    r.q = x.q;
    const auto rows = plan_rows(r);
    INFO("epsilon " << x.epsilon << ", delta " << x.delta << ", |C| " << x.concepts << ", q " << x.q);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].n == x.n_hoeffding);
    CHECK(rows[0].m == x.m_hoeffding);
    CHECK(rows[1].bound == "ess-exact-binomial");
    CHECK(rows[1].n == x.n_exact);
    CHECK(rows[1].m == x.m_exact);
  }
}

TEST_CASE("worst-case tail at moderate n, where the Stirling-Chernoff run bound is used, brackets the brute force",
          "[bounds][exact_binomial]") {
  for (const auto& [n, eps] : std::vector<std::pair<long, double>>{{300, 0.05}, {1000, 0.03}, {2000, 0.01}}) {
    const worst_case_tail t = exact_binomial_worst_tail(n, eps, 1e-9);
    const double brute = brute_sup(n, eps, 2000);
    INFO("n " << n << " eps " << eps << " lower " << t.lower << " upper " << t.upper << " brute " << brute);
    CHECK(brute <= t.upper * (1 + 1e-9));
    CHECK(brute >= t.lower * (1 - 1e-6));
  }
}
