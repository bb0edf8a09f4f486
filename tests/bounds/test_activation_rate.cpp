// Activation-rate statistics of SIEVE (docs/theory.md sec. 7): Clopper-Pearson interval, the one-sided
// exact binomial test against the random-image rate 0.01, and verification-image planning.
#include <catch2/catch.hpp>

#include <cmath>

#include "neuroncert/bounds/activation_rate.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;

namespace {
double pmf(long n, long x, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(x + 1.0) - std::lgamma(n - x + 1.0) + x * std::log(p) +
                  (n - x) * std::log1p(-p));
}
double brute_upper(long k, long n, double p) {  // P(X >= k)
  double s = 0;
  for (long x = std::max(0L, k); x <= n; ++x) s += pmf(n, x, p);
  return s;
}
}  // namespace

TEST_CASE("binomial upper tail: hand values", "[bounds][activation_rate]") {
  // P(X >= 1 | 10, 0.01) = 1 - 0.99^10 = 0.0956179
  CHECK(binomial_upper_tail(1, 10, 0.01) == Approx(1 - std::pow(0.99, 10)));
  CHECK(std::abs(binomial_upper_tail(1, 10, 0.01) - 0.0956179) < 1e-7);
  // P(X >= 2 | 10, 0.01) = 1 - 0.99^10 - 10 * 0.01 * 0.99^9 = 0.0042662
  CHECK(binomial_upper_tail(2, 10, 0.01) == Approx(1 - std::pow(0.99, 10) - 0.1 * std::pow(0.99, 9)));
  CHECK(binomial_upper_tail(0, 10, 0.01) == 1.0);
  CHECK(binomial_upper_tail(11, 10, 0.01) == 0.0);
  CHECK(binomial_upper_tail(30, 50, 0.01) == Approx(brute_upper(30, 50, 0.01)).epsilon(1e-9));
}

TEST_CASE("activation rate: Clopper-Pearson and the test against 0.01", "[bounds][activation_rate]") {
  // k = 0 of n = 10: AR 0, CP [0, 1 - 0.025^(1/10)] = [0, 0.308497], p-value P(X >= 0) = 1.
  const auto zero = activation_rate(0, 10);
  CHECK(zero.rate == 0.0);
  CHECK(zero.clopper_pearson.lower == 0.0);
  CHECK(std::abs(zero.clopper_pearson.upper - 0.308497) < 1e-6);
  CHECK(zero.p_value == 1.0);
  CHECK_FALSE(zero.significant);
  // k = 5 of n = 10: CP (0.187086, 0.812914) (textbook), p-value = P(X >= 5 | 10, 0.01) ~ 2.4e-8.
  const auto half = activation_rate(5, 10);
  CHECK(half.rate == 0.5);
  CHECK(std::abs(half.clopper_pearson.lower - 0.187086) < 1e-6);
  CHECK(std::abs(half.clopper_pearson.upper - 0.812914) < 1e-6);
  CHECK(half.p_value == Approx(brute_upper(5, 10, 0.01)).epsilon(1e-9));
  CHECK(half.significant);
  // k = 1 of 10: p = 0.0956 > 0.05, not significant; k = 2: 0.00427, significant.
  CHECK_FALSE(activation_rate(1, 10).significant);
  CHECK(activation_rate(2, 10).significant);
  CHECK_THROWS_AS(activation_rate(0, 0), neuroncert::invalid_argument);
  CHECK_THROWS_AS(activation_rate(11, 10), neuroncert::invalid_argument);
}

TEST_CASE("verification planning: hand case AR 0.5", "[bounds][activation_rate][plan]") {
  // p0 = 0.01, alpha = 0.05: c(n) = 1 while P(X >= 1 | n, 0.01) = 1 - 0.99^n <= 0.05, i.e. n <= 5.
  // Power at AR = 0.5 with c = 1: 1 - 0.5^n = 0.5, 0.75, 0.875 for n = 1, 2, 3 -> n = 3 at power 0.8.
  const auto p = plan_verification_images(0.5, 0.8);
  CHECK(p.images == 3);
  CHECK(p.critical == 1);
  CHECK(p.size == Approx(1 - std::pow(0.99, 3)));
  CHECK(p.power == Approx(0.875));
  CHECK(p.stable_from == 3);
}

TEST_CASE("verification planning matches a brute-force scan and shows the saw-tooth", "[bounds][activation_rate][plan]") {
  // AR 0.2: c = 1 up to n = 5 (power 1 - 0.8^5 = 0.672), c = 2 at n = 6: power
  // 1 - 0.8^6 - 6 * 0.2 * 0.8^5 = 0.34464 < 0.672 (the power drops as n grows).
  for (double ar : {0.2, 0.05, 0.9}) {
    for (double power : {0.8, 0.95}) {
      long found = 0;
      for (long n = 1; n < 5000 && !found; ++n) {
        long c = 0;
        while (brute_upper(c, n, 0.01) > 0.05) ++c;
        if (brute_upper(c, n, ar) >= power) found = n;
      }
      const auto plan = plan_verification_images(ar, power);
      INFO("ar " << ar << " power " << power);
      CHECK(plan.images == found);
      CHECK(plan.size <= 0.05);
      CHECK(plan.power >= power);
      CHECK(plan.stable_from >= plan.images);
    }
  }
  CHECK(binomial_upper_tail(2, 6, 0.2) == Approx(1 - std::pow(0.8, 6) - 1.2 * std::pow(0.8, 5)));
}

TEST_CASE("verification planning rejects AR <= 0.01 and bad levels", "[bounds][activation_rate][plan]") {
  CHECK_THROWS_WITH(plan_verification_images(0.01, 0.8), Catch::Contains("--ar"));
  CHECK_THROWS_WITH(plan_verification_images(0.5, 1.0), Catch::Contains("--power"));
  CHECK_THROWS_WITH(plan_verification_images(0.5, 0.8, 0.0), Catch::Contains("--alpha"));
  CHECK_THROWS_AS(plan_verification_images(0.0101, 0.8, 0.05, 0.01, 1000), neuroncert::invalid_argument);
}
