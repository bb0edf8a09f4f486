// The pairwise BE error bound (bounds/be_pairwise.hpp, docs/be_coverage_bound.md): hand-computed
// values, the exact tail against brute force (every sequence for small n, the trinomial for larger n),
// the monotonicity facts the uniform version rests on, and the comparison with the Hoeffding union.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

namespace {

/// P(sum D <= 0) by enumerating all 3^n sequences of D in {-1, 0, 1} (u, 1 - d, v).
double brute_sequences(int n, double margin, double d) {
  const double u = (d + margin) / 2, v = (d - margin) / 2, w = 1 - d;
  int total = 1;
  for (int i = 0; i < n; ++i) total *= 3;
  double p = 0;
  for (int code = 0; code < total; ++code) {
    int c = code, sum = 0;
    double prob = 1;
    for (int i = 0; i < n; ++i, c /= 3) {
      const int digit = c % 3;
      sum += digit == 0 ? 1 : digit == 1 ? 0 : -1;
      prob *= digit == 0 ? u : digit == 1 ? w : v;
    }
    if (sum <= 0) p += prob;
  }
  return p;
}

/// P(U <= V) for (U, V, n - U - V) ~ Multinomial(n; u, v, 1 - d), summed in log space.
double brute_trinomial(int n, double margin, double d) {
  const double u = (d + margin) / 2, v = (d - margin) / 2, w = 1 - d;
  const auto lf = [](int k) { return std::lgamma(k + 1.0); };
  const auto lp = [](double x, int k) { return k == 0 ? 0.0 : k * std::log(x); };
  double p = 0;
  for (int a = 0; a <= n; ++a)
    for (int b = a; a + b <= n; ++b) {
      if ((u == 0 && a > 0) || (v == 0 && b > 0) || (w == 0 && a + b < n)) continue;
      p += std::exp(lf(n) - lf(a) - lf(b) - lf(n - a - b) + lp(u, a) + lp(v, b) + lp(w, n - a - b));
    }
  return p;
}

}  // namespace

TEST_CASE("pairwise error: hand-computed values", "[bounds][be][be_pairwise]") {
  // n = 1: the runner-up ties or wins unless D = 1: 1 - u = 1 - (d + Delta)/2 = 0.7.
  CHECK(pairwise_error_exact(1, 0.2, 0.4) == Approx(0.7).epsilon(1e-8));
  // n = 2, u = 0.3, v = 0.1, w = 0.6: P(sum >= 1) = u^2 + 2 u w = 0.45, so 0.55.
  CHECK(pairwise_error_exact(2, 0.2, 0.4) == Approx(0.55).epsilon(1e-8));
  // Chernoff (1 - d + sqrt(d^2 - Delta^2))^n = (0.6 + sqrt(0.12))^2.
  CHECK(pairwise_error_chernoff(2, 0.2, 0.4) == Approx(std::pow(0.6 + std::sqrt(0.12), 2)).epsilon(1e-13));
  // Bernstein exp(-n Delta^2 / (2d + 2 Delta/3 - 4 Delta^2/3)) = exp(-0.08 / 0.88).
  CHECK(pairwise_error_bernstein(2, 0.2, 0.4) == Approx(std::exp(-0.08 / 0.88)).epsilon(1e-13));
  // d = Delta: a disagreement always favours c*, so the runner-up only ties, when N = 0: (1 - Delta)^n.
  CHECK(pairwise_error_exact(50, 0.1, 0.1) == Approx(std::pow(0.9, 50)).epsilon(1e-8));
  CHECK(pairwise_error_chernoff(50, 0.1, 0.1) == Approx(std::pow(0.9, 50)).epsilon(1e-12));
  // d = 1: every sample disagrees; sum D <= 0 iff Bin(n, (1 + Delta)/2) <= n/2. n = 3, q = 0.6:
  // P(U <= 1) = 0.4^3 + 3 * 0.6 * 0.4^2 = 0.352.
  CHECK(pairwise_error_exact(3, 0.2, 1.0) == Approx(0.352).epsilon(1e-8));
  // p: (|C| - 1) times the uniform pair bound, clamped at 1.
  CHECK(p_from_disagreement(2, 0.2, 0.4, 3) == 1.0);
  const double one = pairwise_error_uniform(200, 0.1, 0.2);
  CHECK(one == std::min(pairwise_error_chernoff(200, 0.1, 0.2), 2 * pairwise_error_exact(200, 0.1, 0.2)));
  CHECK(p_from_disagreement(200, 0.1, 0.2, 4) == Approx(3 * one).epsilon(1e-15));
  const runner_up two[] = {{0.1, 0.2}, {0.2, 0.5}};
  CHECK(p_from_runner_ups(200, two) ==
        Approx(pairwise_error_exact(200, 0.1, 0.2) + pairwise_error_exact(200, 0.2, 0.5)).epsilon(1e-15));
}

TEST_CASE("pairwise error: the exact tail equals brute force", "[bounds][be][be_pairwise]") {
  const double settings[][2] = {{0.05, 0.05}, {0.05, 0.1}, {0.1, 0.3}, {0.02, 0.5}, {0.3, 0.9}, {0.2, 1.0}};
  for (const auto& s : settings)
    for (int n = 1; n <= 9; ++n) {
      INFO("n " << n << " Delta " << s[0] << " d " << s[1]);
      const double want = brute_sequences(n, s[0], s[1]);
      const double got = pairwise_error_exact(n, s[0], s[1]);
      CHECK(got >= want * (1 - 1e-12));  // an upper bound ...
      CHECK(got == Approx(want).epsilon(1e-8).margin(1e-15));  // ... and exact
    }
  for (const int n : {50, 201, 400})
    for (const auto& s : settings) {
      INFO("n " << n << " Delta " << s[0] << " d " << s[1]);
      const double want = brute_trinomial(n, s[0], s[1]);
      const double got = pairwise_error_exact(n, s[0], s[1]);
      CHECK(got >= want * (1 - 1e-10));
      CHECK(got == Approx(want).epsilon(1e-7).margin(1e-300));
    }
}

TEST_CASE("pairwise error: exact <= Chernoff <= Bernstein <= Hoeffding per pair", "[bounds][be][be_pairwise]") {
  for (const int n : {10, 100, 1000, 10000})
    for (const double margin : {0.005, 0.02, 0.05, 0.2})
      for (const double d : {1.0, 0.5, 0.2, 0.05, 0.01, 0.005})
        if (d >= margin) {
          INFO("n " << n << " Delta " << margin << " d " << d);
          const double e = pairwise_error_exact(n, margin, d), c = pairwise_error_chernoff(n, margin, d);
          const double b = pairwise_error_bernstein(n, margin, d);
          CHECK(e <= c * (1 + 1e-8) + 1e-300);  // subnormal terms vs an underflowed 0
          CHECK(c <= b * (1 + 1e-12));
          CHECK(b <= std::exp(-n * margin * margin / (2 * d + 2 * margin / 3)) * (1 + 1e-12));  // the simpler form
          CHECK(c <= std::exp(-n * margin * margin / 2) * (1 + 1e-12));                           // Hoeffding's
          // So the new p never exceeds the uniform Hoeffding p of the corrected bound.
          for (const std::int64_t C : {2, 10, 1000})
            CHECK(p_from_disagreement(n, margin, d, C) <= p_from_margin_accuracy(n, margin, C));
        }
}

TEST_CASE("pairwise error: the uniform bound covers every runner-up with a larger margin and a smaller "
          "disagreement", "[bounds][be][be_pairwise]") {
  // The exact tail is not monotone in d: for n = 1 it is 1 - (d + Delta)/2, falling as d grows.
  CHECK(pairwise_error_exact(1, 0.1, 0.1) > pairwise_error_exact(1, 0.1, 0.5));
  // Ties at small n d: at d = Delta it is (1 - Delta)^n.
  CHECK(pairwise_error_exact(4, 0.1, 0.1) > pairwise_error_exact(4, 0.1, 0.15));
  for (const int n : {1, 2, 4, 7, 30, 300, 1000})
    for (const double margin : {0.01, 0.05, 0.2})
      for (const double d : {0.02, 0.1, 0.3, 0.7, 1.0}) {
        if (d < margin) continue;
        const double bound = pairwise_error_uniform(n, margin, d);
        for (double m2 = margin; m2 <= d; m2 += std::max(margin, (d - margin) / 6))
          for (double d2 = m2; d2 <= d * (1 + 1e-12); d2 += std::max(1e-3, (d - m2) / 15)) {
            INFO("n " << n << " bound at (" << margin << ", " << d << ") vs exact at (" << m2 << ", " << d2 << ")");
            CHECK(pairwise_error_exact(n, m2, std::min(d2, d)) <= bound * (1 + 1e-9) + 1e-300);
          }
      }
}

TEST_CASE("pairwise error: argument checks name the argument", "[bounds][be][be_pairwise]") {
  CHECK_THROWS_WITH(pairwise_error_exact(0, 0.1, 0.2), Contains("n must be at least 1"));
  CHECK_THROWS_WITH(pairwise_error_exact(10, 0.0, 0.2), Contains("margin must lie in (0, 1]"));
  CHECK_THROWS_WITH(pairwise_error_uniform(10, 0.3, 0.2), Contains("disagreement must lie in [margin, 1]"));
  CHECK_THROWS_WITH(pairwise_error_bernstein(10, 0.1, 1.5), Contains("disagreement"));
  CHECK_THROWS_WITH(p_from_disagreement(10, 0.1, 0.2, 1), Contains("num_concepts (|C|) must be at least 2"));
  const runner_up bad[] = {{0.1, 0.2}, {0.3, 0.2}};
  CHECK_THROWS_WITH(p_from_runner_ups(10, bad), Contains("runner-up 1: disagreement"));
  CHECK_THROWS_AS(p_from_runner_ups(10, std::vector<runner_up>{}), neuroncert::invalid_argument);
}

TEST_CASE("pairwise error: large n stays fast and bounded", "[bounds][be][be_pairwise]") {
  // n d (1 - d) beyond the exact window's budget: the Chernoff bound is returned.
  const double big = pairwise_error_exact(1'000'000'000'000LL, 0.0001, 0.3);
  CHECK(big == pairwise_error_chernoff(1'000'000'000'000LL, 0.0001, 0.3));
  CHECK(p_from_disagreement(1'000'000'000'000LL, 0.5, 0.5, 100) == 0.0);
}
