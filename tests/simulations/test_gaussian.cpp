// Tests of the continuous Gaussian experiment (docs/theory.md sec. 6.3): population values against the
// reference digits, against very large seeded samples and degenerate closed forms; the experiment's
// rows, reproducibility and thread-count invariance; bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <tbb/global_control.h>

#include "neuroncert/core/all_pairs.hpp"
#include "oracle/pair_oracle.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/gaussian.hpp"

using namespace neuroncert;
using namespace neuroncert::sim;

namespace {

const tidy_row* find_row(const std::vector<tidy_row>& rows, const std::string& m, std::int64_t n,
                         const std::string& quantity) {
  for (const auto& r : rows)
    if (r.metric == m && r.n == n && r.quantity == quantity) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("gaussian: population AUROC, correlation and MAD match the reference digits", "[gaussian]") {
  const gaussian_setting s;  // the paper's App. H.1 setting
  // docs/theory.md sec. 6.3 (ref), exact to the digits shown: tolerance half a unit of the last digit.
  CHECK(std::abs(gaussian_population_auroc(s) - 0.9683411066) < 5e-11);
  CHECK(std::abs(gaussian_population_correlation(s) - 0.08907291487) < 5e-12);
  CHECK(gaussian_population_mad(s) == 1.0);
  CHECK(gaussian_population_mad(s, true) == Approx(2.0).epsilon(1e-15));  // (1 - 0) / s_neg
  metric_options o;
  CHECK(gaussian_population_value(metric::auroc, s, o) == gaussian_population_auroc(s));
  CHECK(gaussian_population_value(metric::mad, s, o) == 1.0);
}

TEST_CASE("gaussian: top-alpha threshold solves p Q_pos + (1-p) Q_neg = alpha", "[gaussian]") {
  const gaussian_setting s;
  for (double alpha : {0.001, 0.002, 0.05, 0.5}) {
    const double t = gaussian_top_alpha_threshold(s, alpha);
    const double qp = 0.5 * std::erfc((t - s.mu_pos) / (s.s_pos * std::sqrt(2.0)));
    const double qn = 0.5 * std::erfc((t - s.mu_neg) / (s.s_neg * std::sqrt(2.0)));
    CHECK(s.p * qp + (1.0 - s.p) * qn == Approx(alpha).epsilon(1e-12));
  }
}

TEST_CASE("gaussian: AUPRC and WPMI population values agree with a 4-million-draw sample", "[gaussian]") {
  const gaussian_setting s;
  const double ap = gaussian_population_auprc(s);
  const double wp = gaussian_population_wpmi(s);
  // Sanity ranges: AP lies between p (a useless score) and 1; WPMI between log(eps) - log(p) and -log(p).
  CHECK(ap > s.p);
  CHECK(ap < 1.0);
  CHECK(wp < -std::log(s.p));
  CHECK(wp > std::log(1e-8) - std::log(s.p));

  auto rng = make_stream(20250601, 0, 0x6A55);
  const std::int64_t n = 4'000'000;
  const gaussian_sample d = draw_gaussian_sample(rng, n, s);
  const metric_value ap_hat = oracle::auprc(d.z, d.c);
  const metric_value wp_hat = oracle::wpmi(d.z, d.c);
  REQUIRE(ap_hat.defined());
  REQUIRE(wp_hat.defined());
  // Tolerances: the sample has ~8000 positives. Over 60 independent 4e6-draw samples (streams
  // make_stream(i, 0, 0x6A55), i = 0..59, measured while writing this test) the AP estimate had
  // standard deviation 0.00045 and mean error +0.0001 (+-0.00006), the WPMI estimate sd 0.0048 and mean
  // error -0.0004 (+-0.0006): no detectable bias. We allow about 5.5 sd, so the check fails only if
  // the quadrature or the root is wrong by more than ~1% of the AP value or ~0.2% of the WPMI value.
  CHECK(std::abs(ap_hat.value - ap) < 0.0025);
  CHECK(std::abs(wp_hat.value - wp) < 0.027);
  // The closed forms checked the same way. AUROC: sd <= sqrt(A(1-A)/n1) = 0.002 (n1 ~ 8000), allow 4 sd;
  // correlation: sd ~ 1/sqrt(n) = 0.0005, allow 6 sd; MAD: sd of mean(z|c=1) = 0.2/sqrt(8000) = 0.0022,
  // allow 5 sd.
  CHECK(std::abs(oracle::auroc_ranks(d.z, d.c).value - gaussian_population_auroc(s)) < 0.008);
  CHECK(std::abs(oracle::correlation(d.z, d.c).value - gaussian_population_correlation(s)) < 0.003);
  CHECK(std::abs(oracle::mad(d.z, d.c).value - 1.0) < 0.012);
}

TEST_CASE("gaussian: degenerate settings have closed forms", "[gaussian]") {
  SECTION("identical classes: AP = p, AUROC = 1/2, correlation = 0") {
    const gaussian_setting s{0.1, 0.3, 0.3, 0.7, 0.7};
    CHECK(gaussian_population_auprc(s) == Approx(0.1).epsilon(1e-10));
    CHECK(gaussian_population_auroc(s) == Approx(0.5).epsilon(1e-15));
    CHECK(gaussian_population_correlation(s) == 0.0);
    // The active set is a random 5% of the samples: P(c=0 | B) = 1 - p.
    CHECK(gaussian_population_wpmi(s, 0.05) == Approx(0.9 * std::log(1e-8) - std::log(0.1)).epsilon(1e-10));
  }
  SECTION("well-separated classes: AP -> 1, AUROC -> 1") {
    const gaussian_setting s{0.002, 40.0, 0.0, 1.0, 1.0};
    CHECK(gaussian_population_auprc(s) == Approx(1.0).epsilon(1e-12));
    CHECK(gaussian_population_auroc(s) == Approx(1.0).epsilon(1e-15));
    // alpha > p: the active set holds every positive plus negatives: P(c=0 | B) = (alpha - p) / alpha.
    const double alpha = 0.05;
    CHECK(gaussian_population_wpmi(s, alpha) ==
          Approx((alpha - 0.002) / alpha * std::log(1e-8) - std::log(0.002)).epsilon(1e-10));
    // alpha < p: the active set is all positive: WPMI = -lambda log p.
    CHECK(gaussian_population_wpmi(s, 0.001, 2.0) == Approx(-2.0 * std::log(0.002)).epsilon(1e-10));
  }
  SECTION("equal-variance classes: AP decreases with the overlap") {
    const double a1 = gaussian_population_auprc({0.01, 2.0, 0.0, 1.0, 1.0});
    const double a2 = gaussian_population_auprc({0.01, 4.0, 0.0, 1.0, 1.0});
    CHECK(a1 < a2);
    CHECK(a1 > 0.01);
  }
}

TEST_CASE("gaussian: experiment rows, error kinds and undefined counts", "[gaussian]") {
  gaussian_options o;
  o.n_grid = {500, 5000};
  o.replicates = 60;
  o.seed = 7;
  const auto rows = run_gaussian(o);
  // 5 metrics x 2 n x 6 quantities.
  CHECK(rows.size() == 5u * 2u * 6u);
  for (const std::string m : {"auroc", "auprc", "correlation", "wpmi"}) {
    REQUIRE(find_row(rows, m, 500, "abs_error_q95") != nullptr);
    CHECK(find_row(rows, m, 500, "rel_error_q95") == nullptr);
  }
  REQUIRE(find_row(rows, "mad", 500, "rel_error_q95") != nullptr);
  CHECK(find_row(rows, "mad", 500, "abs_error_q95") == nullptr);
  // n = 500, p = 0.002: P(no positive) = 0.998^500 = 0.37, so some replicates are undefined; AUROC,
  // AUPRC, MAD and WPMI need a positive, so they share the count.
  const double undef = *find_row(rows, "auroc", 500, "undefined_count")->value;
  CHECK(undef > 5);
  CHECK(undef < 40);
  CHECK(*find_row(rows, "auprc", 500, "undefined_count")->value == undef);
  CHECK(*find_row(rows, "correlation", 500, "undefined_count")->value == undef);
  CHECK(*find_row(rows, "auroc", 500, "abs_error_q95_undef_inf")->value == std::numeric_limits<double>::infinity());
  // The error shrinks with n.
  for (const std::string m : {"auroc", "auprc", "correlation", "wpmi"})
    CHECK(*find_row(rows, m, 5000, "abs_error_q95")->value < *find_row(rows, m, 500, "abs_error_q95")->value);
  CHECK(*find_row(rows, "mad", 5000, "population_value")->value == 1.0);
  // Reproducible: the same seed gives the same rows; another seed different ones.
  const auto again = run_gaussian(o);
  for (std::size_t i = 0; i < rows.size(); ++i) CHECK(to_csv_line(rows[i]) == to_csv_line(again[i]));
}

TEST_CASE("gaussian: bit-identical for 1 and 2 threads", "[gaussian]") {
  gaussian_options o;
  o.n_grid = {2000};
  o.replicates = 40;
  o.seed = 99;
  std::vector<tidy_row> one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = run_gaussian(o);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = run_gaussian(o);
  }
  REQUIRE(one.size() == two.size());
  for (std::size_t i = 0; i < one.size(); ++i) CHECK(to_csv_line(one[i]) == to_csv_line(two[i]));
}

TEST_CASE("gaussian: bad input is an invalid_argument naming the argument", "[gaussian]") {
  const auto message_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const neuroncert::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  CHECK_THAT(message_of([] { gaussian_population_auprc({0.0, 1, 0, 0.2, 0.5}); }), Catch::Contains("p (concept"));
  CHECK_THAT(message_of([] { gaussian_population_auprc({1.0, 1, 0, 0.2, 0.5}); }), Catch::Contains("p (concept"));
  CHECK_THAT(message_of([] { gaussian_population_auroc({0.1, 1, 0, 0.0, 0.5}); }), Catch::Contains("s_pos"));
  CHECK_THAT(message_of([] { gaussian_population_auroc({0.1, 1, 0, 0.2, -1}); }), Catch::Contains("s_neg"));
  CHECK_THAT(message_of([] { gaussian_population_wpmi({}, 0.0); }), Catch::Contains("alpha"));
  CHECK_THAT(message_of([] { gaussian_population_value(metric::accuracy, {}); }), Catch::Contains("accuracy"));
  gaussian_options o;
  o.n_grid = {100};
  o.replicates = 0;
  CHECK_THAT(message_of([&] { run_gaussian(o); }), Catch::Contains("replicates"));
  o.replicates = 10;
  o.n_grid = {0};
  CHECK_THAT(message_of([&] { run_gaussian(o); }), Catch::Contains("n must"));
  o.n_grid = {};
  CHECK_THAT(message_of([&] { run_gaussian(o); }), Catch::Contains("grid"));
  o.n_grid = {100};
  o.metrics = {metric::iou};
  CHECK_THAT(message_of([&] { run_gaussian(o); }), Catch::Contains("iou"));
}

TEST_CASE("gaussian: the reduced sample gives every metric its value on the full sample", "[gaussian]") {
  // Full samples from the oracle sampler (small n, rare and common concepts, and data with ties to
  // a positive and at the top-alpha cut), each metric on the n samples vs on the reduced sample.
  // AUROC and AUPRC are sums of integers on both sides: equal bit for bit; WPMI, correlation and MAD
  // are equal up to rounding.
  const metric_options opts;
  int compared = 0, undefined = 0;
  const auto compare = [&](const std::vector<double>& z, const std::vector<double>& c, double alpha) {
    metric_options o = opts;
    o.alpha = alpha;
    std::vector<double> pos, neg;
    for (std::size_t i = 0; i < z.size(); ++i) (c[i] == 1.0 ? pos : neg).push_back(z[i]);
    const gaussian_reduced_sample r = reduce_gaussian_sample(pos, neg, alpha);
    CHECK(r.positives == static_cast<std::int64_t>(pos.size()));
    CHECK(r.negatives == static_cast<std::int64_t>(neg.size()));
    CHECK(r.ranked_z.size() <= 3 * pos.size() + 4);  // O(positives), whatever n
    for (metric m : gaussian_metrics()) {
      const metric_value full = pair_metric(m, z, c, {}, o);
      const metric_value reduced = reduced_pair_metric(m, r, o);
      INFO(to_string(m) << " n=" << z.size() << " positives=" << pos.size() << " alpha=" << alpha);
      REQUIRE(full.defined() == reduced.defined());
      if (!full.defined()) {
        CHECK(full.reason == reduced.reason);
        ++undefined;
        continue;
      }
      ++compared;
      if (m == metric::auroc || m == metric::auprc)
        CHECK(full.value == reduced.value);
      else
        CHECK(std::abs(full.value - reduced.value) <= 1e-12 * std::max(1.0, std::abs(full.value)));
    }
  };
  for (std::uint64_t j = 0; j < 300; ++j) {
    auto rng = make_stream(41, j, 0x6A55);
    const std::int64_t n = 1 + static_cast<std::int64_t>(j % 7) * 211;
    gaussian_setting s;
    s.p = j % 3 == 0 ? 0.002 : j % 3 == 1 ? 0.05 : 0.6;
    const gaussian_sample d = draw_gaussian_sample(rng, n, s);
    compare(d.z, d.c, j % 2 == 0 ? 0.05 : 0.3);
  }
  // Ties: values on a coarse grid, so negatives equal positives and the cut falls inside ties.
  for (std::uint64_t j = 0; j < 200; ++j) {
    auto rng = make_stream(42, j, 0x6A55);
    gaussian_setting s;
    s.p = 0.2;
    gaussian_sample d = draw_gaussian_sample(rng, 50 + static_cast<std::int64_t>(j), s);
    for (double& z : d.z) z = std::round(z * 4.0) / 4.0;
    compare(d.z, d.c, j % 2 == 0 ? 0.05 : 0.5);
  }
  CHECK(compared > 2000);
  CHECK(undefined > 10);
}

TEST_CASE("gaussian: the reduced samples give the per-sample oracle's rows", "[gaussian]") {
  // Both samplers draw the same n samples per replicate; the reduced one hands the core a few
  // hundred weighted points instead. Every row must agree: AUROC and AUPRC errors bit for bit
  // (so their quantiles too), the others up to rounding.
  gaussian_options o;
  o.n_grid = {500, 4000};
  o.replicates = 300;
  o.seed = 3;
  const auto fast = run_gaussian(o);
  o.sampler = sampler_kind::per_sample;
  const auto oracle = run_gaussian(o);
  REQUIRE(fast.size() == oracle.size());
  int exact = 0;
  for (std::size_t i = 0; i < fast.size(); ++i) {
    INFO(to_csv_line(fast[i]) << " vs " << to_csv_line(oracle[i]));
    REQUIRE(fast[i].metric == oracle[i].metric);
    REQUIRE(fast[i].quantity == oracle[i].quantity);
    REQUIRE(fast[i].value.has_value() == oracle[i].value.has_value());
    if (!fast[i].value) continue;
    const double a = *fast[i].value, b = *oracle[i].value;
    if (fast[i].metric == "auroc" || fast[i].metric == "auprc" || fast[i].quantity == "undefined_count") {
      CHECK(a == b);
      ++exact;
    } else if (std::isinf(b)) {
      CHECK(a == b);
    } else {
      CHECK(std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)));
    }
  }
  CHECK(exact == 2 * 2 * 6 + 3 * 2);  // AUROC and AUPRC rows, and the other metrics' undefined counts
  // The undefined count at n = 500 (no positive): Bin(300, 0.998^500 = 0.368), sd 8.4.
  CHECK(std::abs(*find_row(fast, "auroc", 500, "undefined_count")->value - 300 * std::pow(0.998, 500)) < 35);
}
