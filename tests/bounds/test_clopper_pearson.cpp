// Clopper-Pearson intervals (docs/theory.md sec. 4.2): known values, exact edges, and the defining property
// that each endpoint puts exactly delta/2 in the corresponding tail (checked by direct summation).
#include <catch2/catch.hpp>

#include <cmath>

#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

namespace {
double pmf(long n, long x, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(x + 1.0) - std::lgamma(n - x + 1.0) + x * std::log(p) +
                  (n - x) * std::log1p(-p));
}
double brute_cdf(long n, long k, double p) {  // P(X <= k)
  double s = 0;
  for (long x = 0; x <= k; ++x) s += pmf(n, x, p);
  return s;
}
}  // namespace

TEST_CASE("Clopper-Pearson k = 0 and k = m edges are exact", "[bounds][clopper_pearson]") {
  // k = 0, m = 10, 95%: upper solves (1-p)^10 = 0.025 => 1 - 0.025^(1/10) = 1 - e^(-0.368888) = 0.308497
  const interval zero = clopper_pearson(0, 10, 0.05);
  CHECK(zero.lower == 0.0);
  CHECK(zero.upper == Approx(1.0 - std::pow(0.025, 0.1)).epsilon(1e-10));
  CHECK(std::abs(zero.upper - 0.308497) < 1e-6);
  const interval all = clopper_pearson(10, 10, 0.05);
  CHECK(all.upper == 1.0);
  CHECK(all.lower == Approx(std::pow(0.025, 0.1)).epsilon(1e-10));
}

TEST_CASE("Clopper-Pearson known value and symmetry", "[bounds][clopper_pearson]") {
  // 5 of 10 at 95%: the textbook interval (0.1871, 0.8129).
  const interval half = clopper_pearson(5, 10, 0.05);
  CHECK(std::abs(half.lower - 0.187086) < 1e-6);
  CHECK(std::abs(half.upper - 0.812914) < 1e-6);
  CHECK(half.lower + half.upper == Approx(1.0).epsilon(1e-12));
  // k and m - k mirror each other.
  const interval a = clopper_pearson(3, 17, 0.1), b = clopper_pearson(14, 17, 0.1);
  CHECK(a.lower == Approx(1.0 - b.upper).epsilon(1e-10));
  CHECK(a.upper == Approx(1.0 - b.lower).epsilon(1e-10));
}

TEST_CASE("Clopper-Pearson endpoints put exactly delta/2 in each tail", "[bounds][clopper_pearson]") {
  for (auto [k, m, delta] : {std::tuple{3L, 20L, 0.1}, std::tuple{1L, 7L, 0.05}, std::tuple{40L, 55L, 0.01}}) {
    const interval ci = clopper_pearson(k, m, delta);
    INFO("k " << k << " m " << m << " delta " << delta);
    // Upper endpoint: P_upper(X <= k) = delta/2. Lower endpoint: P_lower(X >= k) = delta/2.
    CHECK(brute_cdf(m, k, ci.upper) == Approx(delta / 2).epsilon(1e-8));
    CHECK(1.0 - brute_cdf(m, k - 1, ci.lower) == Approx(delta / 2).epsilon(1e-8));
    CHECK(ci.lower < static_cast<double>(k) / m);
    CHECK(ci.upper > static_cast<double>(k) / m);
  }
}

TEST_CASE("Clopper-Pearson with the Bonferroni split is wider", "[bounds][clopper_pearson]") {
  const interval one = clopper_pearson(30, 100, 0.05), many = clopper_pearson(30, 100, 0.05 / 1000);
  CHECK(many.lower < one.lower);
  CHECK(many.upper > one.upper);
}

TEST_CASE("Clopper-Pearson arguments are checked and named", "[bounds][clopper_pearson]") {
  CHECK_THROWS_AS(clopper_pearson(11, 10, 0.05), neuroncert::invalid_argument);
  CHECK_THROWS_WITH(clopper_pearson(11, 10, 0.05), Contains("successes"));
  CHECK_THROWS_WITH(clopper_pearson(-1, 10, 0.05), Contains("successes"));
  CHECK_THROWS_WITH(clopper_pearson(0, 0, 0.05), Contains("trials"));
  CHECK_THROWS_WITH(clopper_pearson(3, 10, 1.5), Contains("delta"));
}
