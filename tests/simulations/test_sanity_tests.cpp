// Neuron_Eval's metric sanity tests (THEORY.md sec. 9) through counts: the count draws against the
// per-sample oracle, the verdicts in Neuron_Eval's own setting, and the decreases derived by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/sanity_tests.hpp"

using namespace neuroncert;

namespace {
const sim::sanity_cell& cell(const sim::sanity_report& r, metric m, sim::sanity_test t, double gamma) {
  for (const auto& c : r.cells)
    if (c.m == m && c.test == t && c.gamma == gamma) return c;
  FAIL("no cell");
  return r.cells.front();
}
}  // namespace

TEST_CASE("sanity count draws match per-sample drawing in distribution", "[sim][sanity]") {
  // n = 2000, P = 20: K ~ Bin(20, 1/2) and E ~ Bin(1980, 20/1980); compare means and variances over
  // 4000 seeds with the binomial ones (both samplers), 5 standard errors.
  const std::int64_t n = 2000, P = 20, reps = 4000;
  for (int per_sample = 0; per_sample < 2; ++per_sample) {
    double sk = 0, skk = 0, se = 0, see = 0;
    for (std::int64_t s = 0; s < reps; ++s) {
      auto rng = make_stream(7, static_cast<std::uint64_t>(s), 99 + per_sample);
      const counts2x2 a = per_sample ? sim::missing_labels_counts_per_sample(rng, n, P) : sim::missing_labels_counts(rng, n, P);
      const counts2x2 b = per_sample ? sim::extra_labels_counts_per_sample(rng, n, P) : sim::extra_labels_counts(rng, n, P);
      REQUIRE(a.total() == n);
      REQUIRE(b.total() == n);
      REQUIRE(a.f01 == 0);
      REQUIRE(b.f10 == 0);
      REQUIRE(b.f11 == P);
      REQUIRE(a.f10 + a.f11 == P);
      sk += a.f11;
      skk += a.f11 * a.f11;
      se += b.f01;
      see += b.f01 * b.f01;
    }
    const double mk = sk / reps, vk = skk / reps - mk * mk, me = se / reps, ve = see / reps - me * me;
    const double pe = 20.0 / 1980.0;
    CHECK(std::abs(mk - 10.0) < 5 * std::sqrt(5.0 / reps));
    CHECK(vk == Approx(5.0).epsilon(0.1));
    CHECK(std::abs(me - 20.0) < 5 * std::sqrt(1980 * pe * (1 - pe) / reps));
    CHECK(ve == Approx(1980 * pe * (1 - pe)).epsilon(0.1));
  }
}

TEST_CASE("sanity tests: counts path equals the per-sample path's verdicts (small n)", "[sim][sanity]") {
  sim::sanity_options o;
  o.n = 20000;
  o.gammas = {0.3, 0.01, 0.001};
  o.seeds = 200;
  std::vector<metric> ms(pair_metrics.begin(), pair_metrics.end());
  const auto a = sim::run_sanity_tests(ms, o);
  o.sampler = sim::sampler_kind::per_sample;
  const auto b = sim::run_sanity_tests(ms, o);
  REQUIRE(a.verdicts.size() == b.verdicts.size());
  for (std::size_t k = 0; k < a.verdicts.size(); ++k) {
    INFO(to_string(a.verdicts[k].m));
    CHECK(a.verdicts[k].passes_missing == b.verdicts[k].passes_missing);
    CHECK(a.verdicts[k].passes_extra == b.verdicts[k].passes_extra);
  }
  for (std::size_t i = 0; i < a.cells.size(); ++i)
    CHECK(a.cells[i].mean_decrease == Approx(b.cells[i].mean_decrease).epsilon(0.1).margin(0.02));
}

TEST_CASE("sanity tests in Neuron_Eval's setting: correlation, AUPRC, F1 and IoU pass both", "[sim][sanity]") {
  sim::sanity_options o;  // n = 500,000, gamma in {0.499, 0.1, 0.01, 0.001, 0.0001}, 1000 seeds, eps 0.001
  REQUIRE(o.n == 500000);
  REQUIRE(o.seeds == 1000);
  std::vector<metric> ms(pair_metrics.begin(), pair_metrics.end());
  const auto r = sim::run_sanity_tests(ms, o);
  std::map<metric, sim::sanity_verdict> v;
  for (const auto& x : r.verdicts) v[x.m] = x;
  for (metric m : {metric::correlation, metric::f1, metric::iou}) {
    INFO(to_string(m));
    CHECK(v[m].passes_missing);
    CHECK(v[m].passes_extra);
    CHECK(v[m].worst_rate_missing == 1.0);
    CHECK(v[m].worst_rate_extra == 1.0);
  }
  // AUPRC detects in every seed at every gamma but one: extra labels at gamma = 0.499, where nearly
  // every negative turns on. With F11 = P, F01 = E, F10 = 0: AP = (P + E (P+E)/n)/(P+E), so
  // d = -(E/(P+E)) F00/n with F00 = n - P - E ~ Bin(n-P, 1 - P/(n-P)), mean 1000: E[d] ~ -(1/2)(1000/n)
  // = -0.001 = -eps, and a seed detects iff F00 > ~1000: a coin flip. (Neuron_Eval's README counts
  // AUPRC as passing; at the other four frequencies it does here too.)
  CHECK(v[metric::auprc].passes_missing);
  CHECK(v[metric::auprc].worst_gamma_extra == 0.499);
  const auto& auprc_half = cell(r, metric::auprc, sim::sanity_test::extra_labels, 0.499);
  CHECK(auprc_half.mean_decrease == Approx(-0.001).epsilon(0.01));
  CHECK(auprc_half.detection_rate > 0.4);
  CHECK(auprc_half.detection_rate < 0.6);
  for (double g : {0.1, 0.01, 0.001, 0.0001})
    CHECK(cell(r, metric::auprc, sim::sanity_test::extra_labels, g).detection_rate == 1.0);
  sim::sanity_options below_half = o;
  below_half.gammas = {0.1, 0.01, 0.001, 0.0001};
  const auto r2 = sim::run_sanity_tests({metric::auprc}, below_half);
  CHECK(r2.verdicts[0].passes_both());
  // Our orientation: recall = P(f=1|c=1) cannot fall when c' lies within f (missing labels);
  // precision = P(c=1|f=1) cannot fall when c' contains f (extra labels).
  CHECK_FALSE(v[metric::recall].passes_missing);
  CHECK(v[metric::recall].passes_extra);
  CHECK(v[metric::recall].worst_rate_missing == 0.0);
  CHECK(v[metric::precision].passes_missing);
  CHECK_FALSE(v[metric::precision].passes_extra);
  CHECK(v[metric::precision].worst_rate_extra == 0.0);
  // Accuracy falls by exactly (P - K)/n under missing labels, mean gamma/2: below eps at gamma <= 0.001;
  // under extra labels by E/n, mean ~gamma: below eps at gamma = 0.0001.
  CHECK_FALSE(v[metric::accuracy].passes_missing);
  CHECK_FALSE(v[metric::accuracy].passes_extra);
  for (double g : o.gammas) {
    const auto& c = cell(r, metric::accuracy, sim::sanity_test::missing_labels, g);
    CHECK(c.mean_decrease == Approx(-g / 2).epsilon(0.05).margin(2e-6));
    CHECK(cell(r, metric::accuracy, sim::sanity_test::extra_labels, g).mean_decrease ==
          Approx(-g).epsilon(0.05).margin(2e-6));
  }
  CHECK(cell(r, metric::accuracy, sim::sanity_test::missing_labels, 0.001).detection_rate == 0.0);
  CHECK(cell(r, metric::accuracy, sim::sanity_test::missing_labels, 0.01).detection_rate == 1.0);
  // AUROC = (TPR + TNR)/2: missing labels leave TPR = 1 and TNR = (n-P)/(n-K), a fall of about gamma/4;
  // extra labels halve TPR in expectation (fall ~1/4).
  CHECK_FALSE(v[metric::auroc].passes_missing);
  CHECK(v[metric::auroc].passes_extra);
  CHECK(cell(r, metric::auroc, sim::sanity_test::missing_labels, 0.1).mean_decrease ==
        Approx(-0.05 / 2 / 0.95).epsilon(0.02));
  // MAD = TPR - FPR: the same TPR = 1 under missing labels, FPR ~gamma/2.
  CHECK_FALSE(v[metric::mad].passes_missing);
  CHECK(v[metric::mad].passes_extra);
  // WPMI (active set {f=1}, eps 1e-8, observed range): missing labels cost (1/2) log(1/eps) - log 2 nats,
  // extra labels log 2 nats, about 8% of the observed range: it detects both here (Neuron_Eval's README
  // lists it among the failures; their WPMI is not this binary-concept form).
  CHECK(v[metric::wpmi].passes_both());
  CHECK(cell(r, metric::wpmi, sim::sanity_test::extra_labels, 0.1).mean_decrease *
            cell(r, metric::wpmi, sim::sanity_test::extra_labels, 0.1).range ==
        Approx(-std::log(2.0)).epsilon(0.01));
  // Perfect values: F1 = IoU = AUPRC = correlation = 1, accuracy 1.
  for (metric m : {metric::f1, metric::iou, metric::auprc, metric::correlation, metric::accuracy})
    CHECK(cell(r, m, sim::sanity_test::missing_labels, 0.01).perfect == Approx(1.0));
  // F1 under missing labels: 2K/(P+K) with K ~ P/2: about 2/3, a fall of ~1/3.
  CHECK(cell(r, metric::f1, sim::sanity_test::missing_labels, 0.1).mean_decrease == Approx(-1.0 / 3).epsilon(0.01));
  CHECK(cell(r, metric::iou, sim::sanity_test::missing_labels, 0.1).mean_decrease == Approx(-0.5).epsilon(0.01));
}

TEST_CASE("sanity tests are independent of the thread count and check their options", "[sim][sanity]") {
  sim::sanity_options o;
  o.n = 10000;
  o.gammas = {0.01};
  o.seeds = 50;
  const auto a = sim::run_sanity_tests({metric::f1}, o);
  sim::sanity_report b;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    b = sim::run_sanity_tests({metric::f1}, o);
  }
  for (std::size_t i = 0; i < a.cells.size(); ++i) CHECK(a.cells[i].mean_decrease == b.cells[i].mean_decrease);
  o.gammas = {0.00001};  // 0.1 positives among 10,000
  CHECK_THROWS_AS(sim::run_sanity_tests({metric::f1}, o), invalid_argument);
  o.gammas = {0.01};
  CHECK_THROWS_AS(sim::run_sanity_tests({metric::soft_wpmi}, o), invalid_argument);
}
