// Rates r(n, delta) and the union bound: docs/theory.md sec. 4 reference values and hand-computed cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Contains;

namespace {
// |x - ref| within half a unit of the last printed digit.
bool matches(double x, double ref, double half_unit) { return std::abs(x - ref) <= half_unit; }
}  // namespace

TEST_CASE("accuracy rate r(n, delta/|C|) matches the docs/theory.md sec. 4 table", "[bounds][rates]") {
  const long concepts[] = {1, 120, 1000, 20000};
  const double ns[] = {100, 1000, 10000, 50000};
  const double table[4][4] = {{0.135810, 0.042947, 0.013581, 0.006074},
                              {0.205869, 0.065101, 0.020587, 0.009207},
                              {0.230181, 0.072790, 0.023018, 0.010294},
                              {0.260695, 0.082439, 0.026069, 0.011659}};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      const double r = hoeffding_rate(ns[j], union_delta(0.05, concepts[i]));
      INFO("|C| = " << concepts[i] << ", n = " << ns[j] << ", r = " << r);
      CHECK(matches(r, table[i][j], 5e-7));
    }
}

TEST_CASE("AUROC rate matches the docs/theory.md sec. 4 reference values", "[bounds][rates]") {
  CHECK(matches(auroc_rate(1000, 0.5, 0.05), 0.085894, 5e-7));
  CHECK(matches(auroc_rate(1e4, 0.5, 0.05), 0.027162, 5e-7));
  CHECK(matches(auroc_rate(1e4, 0.01, 0.05), 0.136494, 5e-7));
  CHECK(matches(auroc_rate(1e5, 0.01, 0.05), 0.043163, 5e-7));
  CHECK(matches(auroc_rate(1e4, 0.001, 0.05), 0.429684, 5e-7));
  CHECK(matches(auroc_rate(1e5, 0.001, 0.05), 0.135878, 5e-7));
}

TEST_CASE("AUROC class-count form equals the rho form", "[bounds][rates]") {
  // n0 = 9900, n1 = 100 is rho = 0.01, n = 10^4 (ref 0.136494).
  CHECK(matches(auroc_rate_counts(9900, 100, 0.05), 0.136494, 5e-7));
  CHECK(auroc_rate_counts(9900, 100, 0.05) == Approx(auroc_rate(1e4, 0.01, 0.05)).epsilon(1e-12));
  CHECK(std::isinf(auroc_rate_counts(0, 100, 0.05)));
  CHECK(std::isinf(auroc_rate_counts(100, 0, 0.05)));
}

TEST_CASE("hand-computed rates", "[bounds][rates]") {
  // delta = 2 e^-2: ln(2/delta) = 2, so r = sqrt(2 / (2n)) = 1/sqrt(n).
  const double delta = 2.0 * std::exp(-2.0);
  CHECK(hoeffding_rate(4, delta) == Approx(0.5).epsilon(1e-14));
  CHECK(ess_rate(25, delta) == Approx(0.2).epsilon(1e-14));
  // rho = 1/2: n_eff = n/4.
  CHECK(auroc_rate(16, 0.5, delta) == Approx(0.5).epsilon(1e-14));
  // Union bound: delta / |C|.
  CHECK(union_delta(0.05, 1000) == Approx(5e-5).epsilon(1e-15));
  CHECK(union_delta(0.05, 1) == 0.05);
  // The generic dispatch agrees with the named formulas.
  CHECK(rate({rate_kind::hoeffding}, 1000, 0.01) == hoeffding_rate(1000, 0.01));
  CHECK(rate({rate_kind::effective_sample_size}, 37, 0.01) == ess_rate(37, 0.01));
  CHECK(rate({rate_kind::agarwal_auroc, 0.2}, 1000, 0.01) == auroc_rate(1000, 0.2, 0.01));
}

TEST_CASE("effective sample sizes from 2x2 counts, paper orientation", "[bounds][rates]") {
  // f00 = 50, f01 = 3 (concept only), f10 = 7 (neuron only), f11 = 40.
  CHECK(recall_effective_n(50, 3, 7, 40) == 43.0);
  CHECK(precision_effective_n(50, 3, 7, 40) == 47.0);
  CHECK(iou_effective_n(50, 3, 7, 40) == 50.0);
  CHECK(recall_effective_n(1.5, 0.25, 0.5, 2.0) == 2.25);  // weighted counts
}

TEST_CASE("ESS rate with m = 0 is +infinity (no information), never NaN", "[bounds][rates]") {
  CHECK(std::isinf(ess_rate(0, 0.05)));
  CHECK(ess_rate(0, 0.05) > 0);
  CHECK(std::isinf(rate({rate_kind::effective_sample_size}, 0, 0.05)));
}

TEST_CASE("rate kinds per metric", "[bounds][rates]") {
  using neuroncert::metric;
  CHECK(rate_kind_for(metric::accuracy) == rate_kind::hoeffding);
  CHECK(rate_kind_for(metric::recall) == rate_kind::effective_sample_size);
  CHECK(rate_kind_for(metric::precision) == rate_kind::effective_sample_size);
  CHECK(rate_kind_for(metric::iou) == rate_kind::effective_sample_size);
  CHECK(rate_kind_for(metric::auroc) == rate_kind::agarwal_auroc);
  for (metric m : {metric::f1, metric::auprc, metric::correlation, metric::mad, metric::wpmi, metric::soft_wpmi,
                   metric::cd_wpmi})
    CHECK_FALSE(rate_kind_for(m).has_value());
}

TEST_CASE("rate arguments are checked and named", "[bounds][rates]") {
  using neuroncert::invalid_argument;
  CHECK_THROWS_AS(hoeffding_rate(100, 1.5), invalid_argument);
  CHECK_THROWS_WITH(hoeffding_rate(100, 1.5), Contains("delta"));
  CHECK_THROWS_WITH(hoeffding_rate(100, 0.0), Contains("delta"));
  CHECK_THROWS_WITH(hoeffding_rate(0.5, 0.05), Contains("n must be at least 1"));
  CHECK_THROWS_WITH(hoeffding_rate(std::numeric_limits<double>::quiet_NaN(), 0.05), Contains("n "));
  CHECK_THROWS_WITH(ess_rate(-1, 0.05), Contains("m "));
  CHECK_THROWS_WITH(auroc_rate(100, 0.0, 0.05), Contains("rho"));
  CHECK_THROWS_WITH(auroc_rate(100, 1.0, 0.05), Contains("rho"));
  CHECK_THROWS_WITH(auroc_rate_counts(-1, 5, 0.05), Contains("n0"));
  CHECK_THROWS_WITH(union_delta(0.05, 0), Contains("|C|"));
  CHECK_THROWS_WITH(recall_effective_n(1, -2, 3, 4), Contains("f01"));
  CHECK_THROWS_WITH(iou_effective_n(1, 2, 3, -4), Contains("f11"));
  CHECK_THROWS_AS(precision_effective_n(-1, 2, 3, 4), invalid_argument);
}
