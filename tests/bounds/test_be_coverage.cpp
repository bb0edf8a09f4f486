// BE coverage, Theorem 4.1 as corrected (docs/theory.md sec. 5): reference table, p from the margin,
// tightened bound, the printed eq. 9, threshold from a fraction.
#include <catch2/catch.hpp>

#include <cmath>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

namespace {
// Relative agreement to the 10 significant digits printed in docs/theory.md.
bool sig10(double x, double ref) { return std::abs(x - ref) <= 5e-10 * std::abs(ref); }
}  // namespace

TEST_CASE("corrected bound and paper eq. 9 match the docs/theory.md sec. 5 table", "[bounds][be_coverage]") {
  struct row { long K, t; double p, corrected, eq9; };
  const row rows[] = {{100, 95, 0.9, 0.9424231135, 2.584543838e-90},
                      {100, 95, 0.05, 1.0000000000, 0.4359813007},
                      {100, 50, 0.5, 0.4602053813, 0.4602053813},
                      {20, 19, 0.8, 0.9308247097, 1.048576e-14},
                      {10, 5, 0.3, 0.8497316674, 0.8497316674}};
  for (const row& r : rows) {
    INFO("K " << r.K << " t " << r.t << " p " << r.p);
    const double c = be_coverage_corrected(r.K, r.t, r.p);
    CHECK(std::abs(c - r.corrected) <= 5e-11);
    CHECK(sig10(paper_eq9(r.K, r.t, r.p), r.eq9));
  }
}

TEST_CASE("p from the margin matches the docs/theory.md sec. 5 reference values", "[bounds][be_coverage]") {
  CHECK(std::abs(p_from_margin_accuracy(10000, 0.04, 100) - 0.0670925) <= 5e-8);
  CHECK(std::abs(p_from_margin_accuracy(10000, 0.035, 100) - 0.437498) <= 5e-7);
  CHECK(std::abs(p_from_margin_accuracy(1000, 0.1, 10) - 0.134759) <= 5e-7);
}

TEST_CASE("p from the margin solves r(n, p/|C|) = Delta/2 for every rate kind", "[bounds][be_coverage]") {
  const rate_spec specs[] = {{rate_kind::hoeffding}, {rate_kind::effective_sample_size}, {rate_kind::agarwal_auroc, 0.1}};
  for (const rate_spec& s : specs) {
    const double n = 20000, margin = 0.08;
    const double p = p_from_margin(s, n, margin, 50);
    INFO("kind " << static_cast<int>(s.kind) << " p " << p);
    REQUIRE(p > 0);
    REQUIRE(p < 1);
    CHECK(rate(s, n, p / 50) == Approx(margin / 2).epsilon(1e-12));
  }
  // AUROC by hand: 2 |C| exp(-rho(1-rho) n Delta^2 / 2) = 100 exp(-0.09 * 20000 * 0.0064 / 2) = 100 e^-5.76.
  CHECK(p_from_margin({rate_kind::agarwal_auroc, 0.1}, 20000, 0.08, 50) == Approx(100 * std::exp(-5.76)));
}

TEST_CASE("p is clamped to [0, 1]; m = 0 means no information", "[bounds][be_coverage]") {
  CHECK(p_from_margin_accuracy(10, 0.01, 1000) == 1.0);
  CHECK(p_from_margin({rate_kind::effective_sample_size}, 0, 0.1, 10) == 1.0);
  CHECK(p_from_margin_accuracy(1e9, 0.5, 10) == 0.0);  // exp underflows to 0, not NaN
}

TEST_CASE("tightened bound uses a strict majority", "[bounds][be_coverage]") {
  // t below K/2: the majority argument dominates. K = 11, t = 1, p = 1/2: P(Bin(11, 1/2) <= 5) = 1/2.
  CHECK(be_coverage_tightened(11, 1, 0.5) == Approx(0.5).epsilon(1e-14));
  CHECK(be_coverage_corrected(11, 1, 0.5) == Approx(std::pow(0.5, 11)).epsilon(1e-12));
  // K = 4, t = 1, p = 1/2: ceil(4/2) - 1 = 1: P(Bin(4, 1/2) <= 1) = 5/16.
  CHECK(be_coverage_tightened(4, 1, 0.5) == Approx(5.0 / 16.0).epsilon(1e-14));
  // t >= K/2: identical to the corrected bound.
  CHECK(be_coverage_tightened(100, 95, 0.9) == be_coverage_corrected(100, 95, 0.9));
  // Edges p = 0 and p = 1.
  CHECK(be_coverage_corrected(10, 5, 0.0) == 1.0);
  CHECK(be_coverage_corrected(10, 5, 1.0) == 0.0);
  CHECK(be_coverage_corrected(10, 10, 1.0) == 0.0);
}

TEST_CASE("paper eq. 9 decreases as the set grows and is 0 past K - 1", "[bounds][be_coverage]") {
  CHECK(paper_eq9(10, 3, 0.3) > paper_eq9(10, 5, 0.3));
  CHECK(paper_eq9(10, 10, 0.3) == 0.0);  // K - k_S - 1 < 0: empty sum
  // For t >= K/2, eq. 9 at k_S = t is below the corrected bound (docs/theory.md sec. 5).
  CHECK(paper_eq9(100, 95, 0.2) < be_coverage_corrected(100, 95, 0.2));
}

TEST_CASE("threshold from a fraction: t = ceil(tau K) read as a decimal", "[bounds][be_coverage]") {
  CHECK(threshold_from_fraction(0.95, 100) == 95);
  CHECK(threshold_from_fraction(0.07, 100) == 7);  // 0.07 * 100 = 7.000000000000001 in binary
  CHECK(threshold_from_fraction(0.071, 100) == 8);
  CHECK(threshold_from_fraction(0.29, 100) == 29);  // 0.29 * 100 = 28.999999999999996 in binary
  CHECK(threshold_from_fraction(1.0, 37) == 37);
  CHECK(threshold_from_fraction(0.001, 10) == 1);
  CHECK(threshold_from_fraction(0.5, 7) == 4);
}

TEST_CASE("BE coverage arguments are checked and named", "[bounds][be_coverage]") {
  CHECK_THROWS_AS(be_coverage_corrected(0, 1, 0.5), neuroncert::invalid_argument);
  CHECK_THROWS_WITH(be_coverage_corrected(0, 1, 0.5), Contains("K "));
  CHECK_THROWS_WITH(be_coverage_corrected(10, 11, 0.5), Contains("t must lie in [1, K]"));
  CHECK_THROWS_WITH(be_coverage_tightened(10, 0, 0.5), Contains("t must"));
  CHECK_THROWS_WITH(be_coverage_corrected(10, 5, 1.5), Contains("p "));
  CHECK_THROWS_WITH(paper_eq9(10, 0, 0.5), Contains("k_S"));
  CHECK_THROWS_WITH(p_from_margin_accuracy(100, -0.1, 10), Contains("margin"));
  CHECK_THROWS_WITH(p_from_margin_accuracy(100, 0.1, 0), Contains("|C|"));
  CHECK_THROWS_WITH(p_from_margin({rate_kind::agarwal_auroc, 0.0}, 100, 0.1, 10), Contains("rho"));
  CHECK_THROWS_WITH(threshold_from_fraction(0.0, 10), Contains("tau"));
  CHECK_THROWS_WITH(threshold_from_fraction(0.5, 0), Contains("K "));
}
