// Sufficient-statistics samplers against the per-sample oracle, and the Experiment-2 generator.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/sampling.hpp"

using namespace neuroncert;

namespace {
// Two-sample chi-square test of equal distributions for equal sample sizes: categories with a
// combined count below 10 are pooled into one; statistic sum (a - b)^2 / (a + b), df = bins - 1.
// Returns the p-value. Tolerance used below: p > 1e-3 (a false alarm once in 1000 seeds).
template <class Key>
double two_sample_chi2_p(const std::vector<Key>& x, const std::vector<Key>& y) {
  REQUIRE(x.size() == y.size());
  std::map<Key, std::pair<double, double>> h;
  for (const Key& k : x) h[k].first += 1;
  for (const Key& k : y) h[k].second += 1;
  double stat = 0, pool_a = 0, pool_b = 0;
  int bins = 0;
  for (const auto& [k, ab] : h) {
    if (ab.first + ab.second < 10) {
      pool_a += ab.first;
      pool_b += ab.second;
      continue;
    }
    stat += (ab.first - ab.second) * (ab.first - ab.second) / (ab.first + ab.second);
    ++bins;
  }
  if (pool_a + pool_b > 0) {
    stat += (pool_a - pool_b) * (pool_a - pool_b) / (pool_a + pool_b);
    ++bins;
  }
  if (bins < 2) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(bins - 1), stat));
}

std::int64_t rounded_metric(metric m, const counts2x2& k, double scale) {
  const metric_value v = binary_metric(m, k);
  return v.defined() ? std::llround(v.value * scale) : -1;  // -1: undefined is its own category
}
}  // namespace

TEST_CASE("draw_counts sums to n and matches the per-sample oracle (Setting 1 and 2)", "[sim][sampling]") {
  const int reps = 20000;
  for (const auto& s : {sim::setting1(), sim::setting2()}) {
    const std::int64_t n = 400;
    sim::engine_options a, b;
    a.seed = b.seed = 11;
    a.salt = sim::study_salt("suff/" + s.name);
    b.salt = sim::study_salt("oracle/" + s.name);
    const auto suff = sim::map_replicates<counts2x2>(reps, a, [&](std::size_t, random_engine& r) {
      return sim::draw_counts(r, n, s.m);
    });
    const auto oracle = sim::map_replicates<counts2x2>(reps, b, [&](std::size_t, random_engine& r) {
      return sim::draw_counts_per_sample(r, n, s.m);
    });
    for (const auto& k : suff) REQUIRE(k.total() == n);
    for (const auto& k : oracle) REQUIRE(k.total() == n);
    std::vector<std::int64_t> f11a, f11b, f00a, f00b, acc_a, acc_b, prec_a, prec_b, rec_a, rec_b;
    for (int j = 0; j < reps; ++j) {
      f11a.push_back(std::llround(suff[j].f11));
      f11b.push_back(std::llround(oracle[j].f11));
      f00a.push_back(std::llround(suff[j].f00));
      f00b.push_back(std::llround(oracle[j].f00));
      prec_a.push_back(rounded_metric(metric::precision, suff[j], 100));
      prec_b.push_back(rounded_metric(metric::precision, oracle[j], 100));
      rec_a.push_back(rounded_metric(metric::recall, suff[j], 100));
      rec_b.push_back(rounded_metric(metric::recall, oracle[j], 100));
      acc_a.push_back(rounded_metric(metric::accuracy, suff[j], 1000));
      acc_b.push_back(rounded_metric(metric::accuracy, oracle[j], 1000));
    }
    INFO(s.name);
    CHECK(two_sample_chi2_p(f11a, f11b) > 1e-3);
    CHECK(two_sample_chi2_p(f00a, f00b) > 1e-3);
    CHECK(two_sample_chi2_p(acc_a, acc_b) > 1e-3);
    CHECK(two_sample_chi2_p(prec_a, prec_b) > 1e-3);
    CHECK(two_sample_chi2_p(rec_a, rec_b) > 1e-3);
    // Means agree with n W within 5 standard errors.
    double m11 = 0;
    for (const auto& k : suff) m11 += k.f11;
    m11 /= reps;
    CHECK(std::abs(m11 - n * s.m.f11) < 5 * std::sqrt(n * s.m.f11 * (1 - s.m.f11) / reps));
  }
}

TEST_CASE("Experiment 2 matrices are valid distributions with margins a and rho_c", "[sim][sampling]") {
  const sim::concept_set_spec spec;  // a = 0.05, |C| = 1000, rho in (1e-4, 1e-1)
  for (std::uint64_t j = 0; j < 50; ++j) {
    random_engine rng = make_stream(3, j, 0);
    const auto ms = sim::draw_concept_matrices(rng, spec);
    REQUIRE(ms.size() == 1000);
    for (const auto& w : ms) {
      REQUIRE(w.f00 >= 0);
      REQUIRE(w.f01 >= 0);
      REQUIRE(w.f10 >= 0);
      REQUIRE(w.f11 >= 0);
      REQUIRE(w.total() == Approx(1.0).margin(1e-12));
      REQUIRE(w.neuron_positives() == Approx(spec.a).margin(1e-12));
      const double rho = w.concept_positives();
      REQUIRE(rho > spec.rho_min * (1 - 1e-12));
      REQUIRE(rho < spec.rho_max * (1 + 1e-12));
      REQUIRE(w.f11 <= std::min(spec.a, rho) + 1e-15);
    }
  }
  // log-uniform: about half the rho_c lie below the geometric midpoint sqrt(1e-4 * 1e-1).
  random_engine rng = make_stream(4, 0, 0);
  const auto ms = sim::draw_concept_matrices(rng, spec);
  const auto below = std::count_if(ms.begin(), ms.end(), [](const counts2x2& w) {
    return w.concept_positives() < std::sqrt(1e-5);
  });
  CHECK(below > 440);
  CHECK(below < 560);
}

TEST_CASE("Experiment 2 sufficient statistics match the per-sample oracle", "[sim][sampling]") {
  sim::concept_set_spec spec;
  spec.num_concepts = 4;
  spec.rho_min = 0.01;  // frequent enough that F11 and F01 have several values at n = 300
  random_engine g = make_stream(5, 0, 0);
  const auto ms = sim::draw_concept_matrices(g, spec);
  const std::int64_t n = 300;
  const int reps = 20000;
  sim::engine_options a, b;
  a.seed = b.seed = 12;
  a.salt = 1;
  b.salt = 2;
  const auto suff = sim::map_replicates<std::vector<counts2x2>>(reps, a, [&](std::size_t, random_engine& r) {
    return sim::draw_concept_counts(r, n, spec.a, ms);
  });
  const auto oracle = sim::map_replicates<std::vector<counts2x2>>(reps, b, [&](std::size_t, random_engine& r) {
    return sim::draw_concept_counts_per_sample(r, n, spec.a, ms);
  });
  for (std::size_t c = 0; c < ms.size(); ++c) {
    std::vector<std::int64_t> f11a, f11b, f01a, f01b, pa, pb, ia, ib;
    for (int j = 0; j < reps; ++j) {
      REQUIRE(suff[j][c].total() == n);
      REQUIRE(suff[j][c].neuron_positives() == suff[j][0].neuron_positives());  // one shared neuron
      f11a.push_back(std::llround(suff[j][c].f11));
      f11b.push_back(std::llround(oracle[j][c].f11));
      f01a.push_back(std::llround(suff[j][c].f01));
      f01b.push_back(std::llround(oracle[j][c].f01));
      pa.push_back(rounded_metric(metric::precision, suff[j][c], 100));
      pb.push_back(rounded_metric(metric::precision, oracle[j][c], 100));
      ia.push_back(rounded_metric(metric::iou, suff[j][c], 100));
      ib.push_back(rounded_metric(metric::iou, oracle[j][c], 100));
    }
    INFO("concept " << c << " rho " << ms[c].concept_positives());
    CHECK(two_sample_chi2_p(f11a, f11b) > 1e-3);
    CHECK(two_sample_chi2_p(f01a, f01b) > 1e-3);
    CHECK(two_sample_chi2_p(pa, pb) > 1e-3);
    CHECK(two_sample_chi2_p(ia, ib) > 1e-3);
  }
}

TEST_CASE("Experiment 2 gap distribution: sufficient statistics vs per-sample", "[sim][sampling]") {
  sim::concept_set_spec spec;
  spec.num_concepts = 20;
  sim::study_options o;
  o.replicates = 4000;
  o.n_grid = {200};
  o.seed = 21;
  const auto metrics = std::vector<metric>{metric::accuracy, metric::precision};
  sim::engine_options a, b;
  a.seed = b.seed = 21;
  a.salt = 1;
  b.salt = 2;
  sim::study_options ob = o;
  ob.sampler = sim::sampler_kind::per_sample;
  const auto ga = sim::map_replicates<std::vector<double>>(4000, a, [&](std::size_t, random_engine& r) {
    return sim::exp2_draw(r, 200, spec, metrics, o).gap;
  });
  const auto gb = sim::map_replicates<std::vector<double>>(4000, b, [&](std::size_t, random_engine& r) {
    return sim::exp2_draw(r, 200, spec, metrics, ob).gap;
  });
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    std::vector<std::int64_t> xa, xb;  // gap binned at 0.005
    for (std::size_t j = 0; j < ga.size(); ++j) {
      xa.push_back(std::llround(ga[j][k] / 0.005));
      xb.push_back(std::llround(gb[j][k] / 0.005));
    }
    INFO(to_string(metrics[k]));
    CHECK(two_sample_chi2_p(xa, xb) > 1e-3);
  }
}

TEST_CASE("bad matrices and specs are rejected with invalid_argument", "[sim][sampling]") {
  CHECK_THROWS_AS(sim::check_cell_matrix({0.5, 0.5, -0.1, 0.1}), invalid_argument);
  CHECK_THROWS_AS(sim::check_cell_matrix({0.5, 0.5, 0.1, 0.1}), invalid_argument);
  CHECK_THROWS_AS(sim::check_cell_matrix({NAN, 0.5, 0.25, 0.25}), invalid_argument);
  CHECK_NOTHROW(sim::check_cell_matrix(sim::setting2().m));
  CHECK_THROWS_WITH(sim::parse_cell_matrix("0.9,0.1,-0.1,0.1"), Catch::Contains("--matrix"));
  CHECK_THROWS_AS(sim::parse_cell_matrix("0.9,0.1,0.1"), invalid_argument);
  CHECK_THROWS_AS(sim::parse_cell_matrix("0.9,0.1,0.0,0.0,0"), invalid_argument);
  CHECK_THROWS_AS(sim::parse_cell_matrix("0.9,x,0.0,0.1"), invalid_argument);
  const counts2x2 m = sim::parse_cell_matrix("0.93,0.02,0.02,0.03");
  CHECK(m.f01 == 0.02);
  sim::concept_set_spec bad;
  bad.a = 0.95;  // a + rho_max > 1
  CHECK_THROWS_AS(sim::check_concept_set_spec(bad), invalid_argument);
  bad = {};
  bad.num_concepts = 0;
  CHECK_THROWS_AS(sim::check_concept_set_spec(bad), invalid_argument);
}
