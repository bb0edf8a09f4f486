// Corollary 3.2 gap: uniform 2r(n, delta/|C|), per-concept r_chat + r_cstar, worst case over concepts.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "neuroncert/bounds/gap.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

TEST_CASE("uniform gap is twice the union-bound rate (docs/theory.md sec. 4 table)", "[bounds][gap]") {
  // |C| = 1000, n = 1000: r = 0.072790 (ref), so the gap is 0.145580 to 6 digits.
  CHECK(std::abs(uniform_gap_accuracy(1000, 0.05, 1000) - 0.145580) <= 1e-6);
  // |C| = 20000, n = 50000: r = 0.011659 (ref).
  CHECK(std::abs(uniform_gap({rate_kind::hoeffding}, 50000, 0.05, 20000) - 0.023318) <= 1e-6);
  // AUROC, |C| = 1, rho = 0.01, n = 10^5: r = 0.043163 (ref).
  CHECK(std::abs(uniform_gap({rate_kind::agarwal_auroc, 0.01}, 1e5, 0.05, 1) - 0.086326) <= 1e-6);
  // The smallest resolvable margin is the same quantity.
  CHECK(resolvable_margin({rate_kind::hoeffding}, 1000, 0.05, 1000) == uniform_gap_accuracy(1000, 0.05, 1000));
}

TEST_CASE("uniform gap by hand", "[bounds][gap]") {
  // delta/|C| = 2 e^-2 => r = 1/sqrt(n); n = 100 => gap 0.2.
  const double d = 2.0 * std::exp(-2.0);
  CHECK(uniform_gap_accuracy(100, d, 1) == Approx(0.2).epsilon(1e-13));
  CHECK(uniform_gap_accuracy(100, d / 2, 1) > 0.2);  // a smaller level can only widen the gap
  // With |C| = 2 the per-concept level halves: same as |C| = 1 at delta/2.
  CHECK(uniform_gap_accuracy(100, d, 2) == Approx(uniform_gap_accuracy(100, d / 2, 1)).epsilon(1e-14));
  CHECK(std::isinf(uniform_gap({rate_kind::effective_sample_size}, 0, 0.05, 10)));
}

TEST_CASE("per-concept and worst-case gap", "[bounds][gap]") {
  CHECK(per_concept_gap(0.03, 0.05) == Approx(0.08));
  const std::vector<double> rates = {0.01, 0.2, 0.07};
  CHECK(worst_case_gap(0.03, rates) == Approx(0.23));
  const std::vector<double> with_inf = {0.01, std::numeric_limits<double>::infinity()};
  CHECK(std::isinf(worst_case_gap(0.03, with_inf)));
  // Per-concept form is tighter than the uniform one when c_hat and c* have more information than the
  // worst concept: ESS rates with m = 400 and 900 vs accuracy-style 2 r(100).
  const double r_hat = ess_rate(400, 0.05 / 10), r_star = ess_rate(900, 0.05 / 10);
  CHECK(per_concept_gap(r_hat, r_star) < uniform_gap({rate_kind::effective_sample_size}, 100, 0.05, 10));
}

TEST_CASE("gap arguments are checked and named", "[bounds][gap]") {
  CHECK_THROWS_WITH(per_concept_gap(-0.1, 0.2), Contains("rate_c_hat"));
  CHECK_THROWS_WITH(per_concept_gap(0.1, std::nan("")), Contains("rate_c_star"));
  CHECK_THROWS_WITH(worst_case_gap(0.1, std::vector<double>{}), Contains("concept_rates"));
  CHECK_THROWS_WITH(uniform_gap_accuracy(100, 2.0, 10), Contains("delta"));
  CHECK_THROWS_WITH(uniform_gap_accuracy(100, 0.05, 0), Contains("|C|"));
  CHECK_THROWS_WITH(uniform_gap_accuracy(0, 0.05, 10), Contains("n must"));
}
