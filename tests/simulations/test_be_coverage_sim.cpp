// Tests of the BE coverage simulation (docs/theory.md sec. 5, 6.4): the concept model, the fresh-set
// sampler against per-sample drawing, coverage against the corrected Theorem 4.1 bound for fresh sets,
// a large-margin setting, thread-count invariance and bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <tbb/global_control.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/sim/be_coverage_sim.hpp"
#include "neuroncert/sim/engine.hpp"

using namespace neuroncert;
using namespace neuroncert::sim;

namespace {

std::optional<double> value_of(const std::vector<tidy_row>& rows, const std::string& setting, std::int64_t n,
                               const std::string& quantity) {
  for (const auto& r : rows)
    if (r.setting == setting && r.n == n && r.quantity == quantity) return r.value;
  FAIL("no row " << setting << " n=" << n << " " << quantity);
  return std::nullopt;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const neuroncert::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("be-coverage: concept matrices have accuracy acc_j, margin Delta and neuron rate a", "[be-coverage]") {
  const be_coverage_setting s{1000, 5, 0.07, 0.8, 0.1};
  const auto w = be_concept_matrices(s);
  REQUIRE(w.size() == 5u);
  for (std::size_t j = 0; j < w.size(); ++j) {
    CHECK(w[j].total() == Approx(1.0).epsilon(1e-15));
    CHECK(w[j].neuron_positives() == Approx(0.1).epsilon(1e-15));
    CHECK(accuracy(w[j]).value == Approx(j == 0 ? 0.8 : 0.73).epsilon(1e-14));
  }
}

TEST_CASE("be-coverage: per-sample probing sets follow the model", "[be-coverage]") {
  // n = 200000 rows, 3 concepts: sd of an empirical accuracy <= 0.5/sqrt(n) = 0.0011; allow 5 sd.
  const be_coverage_setting s{200000, 3, 0.1, 0.8, 0.2};
  auto rng = make_stream(11, 0, 1);
  const probing_set d = draw_be_probing_set(rng, s);
  REQUIRE(d.samples() == 200000);
  REQUIRE(d.neurons() == 1);
  REQUIRE(d.concept_count() == 3);
  metric_options o;
  o.binary_activations = true;
  const similarity_matrix acc = all_pairs_similarity(d, metric::accuracy, o);
  CHECK(std::abs(acc.value(0, 0) - 0.8) < 0.0056);
  CHECK(std::abs(acc.value(0, 1) - 0.7) < 0.0056);
  CHECK(std::abs(acc.value(0, 2) - 0.7) < 0.0056);
  CHECK(std::abs(d.activations.col(0).mean() - 0.2) < 0.0045);  // sd 0.4/sqrt(n) = 0.0009
}

TEST_CASE("be-coverage: fresh identifications via sufficient statistics match per-sample drawing",
          "[be-coverage]") {
  // The identification frequency of c* on n = 300, |C| = 6, Delta = 0.04 (c* wins roughly half the time,
  // where the two samplers would differ most visibly). 3000 draws each: sd of a frequency <= 0.0091, of
  // the difference <= 0.013; allow 4 sd = 0.052.
  const be_coverage_setting s{300, 6, 0.04, 0.75, 0.3};
  const auto w = be_concept_matrices(s);
  metric_options o;
  o.binary_activations = true;
  const int draws = 3000;
  int fresh_best = 0, per_sample_best = 0;
  auto rng_a = make_stream(5, 0, 2);
  auto rng_b = make_stream(5, 1, 2);
  for (int i = 0; i < draws; ++i) {
    if (be_fresh_identification(rng_a, s, w) == 0) ++fresh_best;
    const probing_set d = draw_be_probing_set(rng_b, s);
    if (identify_neuron(all_pairs_similarity(d, metric::accuracy, o), 0).concept_index == 0) ++per_sample_best;
  }
  const double fa = fresh_best / double(draws), fb = per_sample_best / double(draws);
  INFO("fresh " << fa << " per-sample " << fb);
  CHECK(fa > 0.2);
  CHECK(fa < 0.9);
  CHECK(std::abs(fa - fb) < 0.052);
}

TEST_CASE("be-coverage: fresh-set coverage is at least the corrected bound", "[be-coverage]") {
  // n = 1000, |C| = 10, Delta = 0.08: p = 20 exp(-3.2) = 0.815, so the bounds are far from trivial.
  be_coverage_options o;
  o.n_grid = {1000};
  o.concept_counts = {10};
  o.margins = {0.08};
  o.designs = {{20, 19}, {10, 5}, {10, 2}};
  o.methods = {be_identifications::fresh};
  o.replicates = 300;
  o.seed = 3;
  const auto rows = run_be_coverage(o);
  for (const auto& d : o.designs) {
    const std::string cell = "C=10;Delta=0.08;K=" + std::to_string(d.resamples) + ";t=" + std::to_string(d.threshold);
    const double p = *value_of(rows, cell, 1000, "p_from_margin");
    CHECK(p == Approx(20.0 * std::exp(-3.2)).epsilon(1e-12));
    const double bound = *value_of(rows, cell, 1000, "bound_corrected");
    const double tight = *value_of(rows, cell, 1000, "bound_tightened");
    CHECK(bound == bounds::be_coverage_corrected(d.resamples, d.threshold, p));
    CHECK(tight >= bound);
    const double cov = *value_of(rows, cell, 1000, "coverage_fresh");
    // Monte Carlo error: the coverage of 300 replicates has sd sqrt(b(1-b)/300) <= 0.029 at a true
    // coverage b; 3 sd below the bound would be a violation of the theorem beyond chance.
    const double mc = 3.0 * std::sqrt(std::max(tight * (1.0 - tight), 0.0) / 300.0) + 1e-12;
    INFO(cell << " coverage " << cov << " corrected " << bound << " tightened " << tight);
    CHECK(cov >= bound - mc);
    CHECK(cov >= tight - mc);
    const double lo = *value_of(rows, cell, 1000, "coverage_fresh_cp_lower");
    const double hi = *value_of(rows, cell, 1000, "coverage_fresh_cp_upper");
    CHECK(lo <= cov);
    CHECK(cov <= hi);
    CHECK(*value_of(rows, cell, 1000, "replicates_fresh") == 300.0);
  }
}

TEST_CASE("be-coverage: a large margin gives coverage 1 and S = {c*}", "[be-coverage]") {
  // Delta = 0.3 at n = 1000: P(some accuracy estimate off by 0.15) <= 20 exp(-45) ~ 6e-19, so every
  // identification (fresh or bootstrap) returns c* and every replicate covers it.
  be_coverage_options o;
  o.n_grid = {1000};
  o.concept_counts = {10};
  o.margins = {0.3};
  o.designs = be_designs_from_fraction({10, 20}, 0.95);
  o.replicates = 40;
  o.seed = 4;
  const auto rows = run_be_coverage(o);
  for (const std::string cell : {"C=10;Delta=0.3;K=10;t=10", "C=10;Delta=0.3;K=20;t=19"}) {
    for (const std::string m : {"bootstrap", "fresh"}) {
      CHECK(*value_of(rows, cell, 1000, "coverage_" + m) == 1.0);
      CHECK(*value_of(rows, cell, 1000, "mean_set_size_" + m) == 1.0);
      CHECK(*value_of(rows, cell, 1000, "cstar_frequency_" + m) == 1.0);
    }
    CHECK(*value_of(rows, cell, 1000, "bound_corrected") == Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("be-coverage: the K-sweep shares resamples (common random numbers)", "[be-coverage]") {
  const be_coverage_setting s{400, 5, 0.02, 0.8, 0.1};
  const std::vector<be_design> designs = {{10, 10}, {20, 19}, {40, 38}};
  for (auto method : {be_identifications::bootstrap, be_identifications::fresh}) {
    auto rng = make_stream(8, 3, 9);
    const be_replicate r = be_coverage_replicate(rng, s, designs, method);
    REQUIRE(r.cstar_count.size() == 3u);
    // Resample/fresh set i is the same for every K, so k* can only grow with K, by at most the added ones.
    CHECK(r.cstar_count[0] <= r.cstar_count[1]);
    CHECK(r.cstar_count[1] <= r.cstar_count[2]);
    CHECK(r.cstar_count[1] - r.cstar_count[0] <= 10);
    CHECK(r.cstar_count[2] - r.cstar_count[1] <= 20);
    for (auto size : r.set_size) {
      CHECK(size >= 1);
      CHECK(size <= 5);
    }
  }
}

TEST_CASE("be-coverage: bit-identical for 1 and 2 threads", "[be-coverage]") {
  be_coverage_options o;
  o.n_grid = {500};
  o.concept_counts = {10};
  o.margins = {0.03};
  o.designs = be_designs_from_fraction({10, 20}, 0.95);
  o.replicates = 24;
  o.seed = 12;
  std::vector<tidy_row> one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = run_be_coverage(o);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = run_be_coverage(o);
  }
  REQUIRE(one.size() == two.size());
  REQUIRE(!one.empty());
  for (std::size_t i = 0; i < one.size(); ++i) CHECK(to_csv_line(one[i]) == to_csv_line(two[i]));
}

TEST_CASE("be-coverage: rows, bounds and metadata", "[be-coverage]") {
  be_coverage_options o;
  o.n_grid = {300};
  o.concept_counts = {3};
  o.margins = {0.05};
  o.designs = {{10, 10}};
  o.replicates = 10;
  o.bound_curve_points = 0;
  const auto rows = run_be_coverage(o);
  // 7 bound rows (4 + disagreement, p_pairwise, bound_pairwise) + 2 methods x 6 quantities.
  CHECK(rows.size() == 19u);
  for (const auto& r : rows) {
    CHECK(r.experiment == "be-coverage");
    CHECK(r.metric == "accuracy");
    CHECK(r.setting == "C=3;Delta=0.05;K=10;t=10");
    CHECK(r.setting.find(',') == std::string::npos);
  }
  const double p = bounds::p_from_margin_accuracy(300, 0.05, 3);
  CHECK(*value_of(rows, "C=3;Delta=0.05;K=10;t=10", 300, "bound_paper_eq9_at_t") == bounds::paper_eq9(10, 10, p));
  // The pairwise bound with the setting's own disagreement: acc* = 0.8, acc_j = 0.75,
  // d = 0.8 * 0.25 + 0.2 * 0.75 = 0.35.
  CHECK(*value_of(rows, "C=3;Delta=0.05;K=10;t=10", 300, "disagreement") == Approx(0.35).epsilon(1e-14));
  const double pp = bounds::p_from_disagreement(300, 0.05, be_disagreement({300, 3, 0.05, 0.8, 0.1}), 3);
  CHECK(*value_of(rows, "C=3;Delta=0.05;K=10;t=10", 300, "p_pairwise") == pp);
  CHECK(pp < p);
  CHECK(*value_of(rows, "C=3;Delta=0.05;K=10;t=10", 300, "bound_pairwise") == bounds::be_coverage_corrected(10, 10, pp));
  // The bound curves: 3 quantities x points, from Delta = min/2 to 2 max, monotone in Delta.
  o.bound_curve_points = 5;
  const auto with_curve = run_be_coverage(o);
  REQUIRE(with_curve.size() == 19u + 15u);
  CHECK(with_curve[19].setting == "C=3;Delta=0.025;K=10;t=10");
  CHECK(with_curve[31].setting == "C=3;Delta=0.1;K=10;t=10");
  for (std::size_t i = 19; i + 3 < with_curve.size(); i += 3) {
    CHECK(with_curve[i].quantity == "bound_corrected_curve");
    CHECK(with_curve[i + 1].quantity == "bound_tightened_curve");
    CHECK(with_curve[i + 2].quantity == "bound_pairwise_curve");
    CHECK(*with_curve[i].value <= *with_curve[i + 3].value);
    CHECK(*with_curve[i + 2].value <= *with_curve[i + 5].value);
    CHECK(*with_curve[i].value <= *with_curve[i + 2].value);  // never below the corrected bound
  }
  const auto meta = be_coverage_metadata(o);
  CHECK(meta.at("caveat").get<std::string>() == be_coverage_sim_caveat);
  CHECK(meta.at("replicates").get<std::int64_t>() == 10);
}

TEST_CASE("be-coverage: bad input is an invalid_argument naming the argument", "[be-coverage]") {
  CHECK_THAT(message_of([] { check_be_design({0, 1}); }), Catch::Contains("K (number of resamples)"));
  CHECK_THAT(message_of([] { check_be_design({10, 0}); }), Catch::Contains("threshold t"));
  CHECK_THAT(message_of([] { check_be_design({10, 11}); }), Catch::Contains("threshold t"));
  CHECK_THAT(message_of([] { be_designs_from_fraction({0}, 0.95); }), Catch::Contains("K (number of resamples)"));
  CHECK_THAT(message_of([] { be_designs_from_fraction({10}, 0.0); }), Catch::Contains("tau"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({1000, 10, 0.0, 0.8, 0.1}); }), Catch::Contains("margin Delta"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({1000, 10, -0.1, 0.8, 0.1}); }), Catch::Contains("margin Delta"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({1000, 10, 1.0, 0.8, 0.1}); }), Catch::Contains("margin Delta"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({1000, 10, 0.9, 0.8, 0.1}); }), Catch::Contains("margin Delta"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({1000, 1, 0.1, 0.8, 0.1}); }), Catch::Contains("|C|"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({0, 10, 0.1, 0.8, 0.1}); }), Catch::Contains("n must"));
  CHECK_THAT(message_of([] { check_be_coverage_setting({100, 10, 0.1, 0.8, 1.0}); }), Catch::Contains("firing rate"));
  be_coverage_options o;
  o.replicates = 5;
  o.designs = {{10, 11}};
  CHECK_THAT(message_of([&] { run_be_coverage(o); }), Catch::Contains("threshold t"));
  o.designs = {{0, 1}};
  CHECK_THAT(message_of([&] { run_be_coverage(o); }), Catch::Contains("K (number of resamples)"));
  o.designs = {{10, 10}};
  o.margins = {1.5};
  CHECK_THAT(message_of([&] { run_be_coverage(o); }), Catch::Contains("margin Delta"));
  o.margins = {0.1};
  o.replicates = 0;
  CHECK_THAT(message_of([&] { run_be_coverage(o); }), Catch::Contains("replicates"));
  auto rng = make_stream(1, 1, 1);
  CHECK_THAT(message_of([&] { be_coverage_replicate(rng, {}, {{5, 6}}, be_identifications::fresh); }),
             Catch::Contains("threshold t"));
}

TEST_CASE("be-coverage: resample identifications are bootstrap_ensemble's", "[be-coverage]") {
  // Per-sample probing sets and the core's multiplicities: the counts of the first K identifications
  // must be the core's ensemble counts for K resamples, exactly (K = 1, 7, 30).
  metric_options binary;
  binary.binary_activations = true;
  int compared = 0;
  for (const be_coverage_setting s : {be_coverage_setting{300, 5, 0.02, 0.8, 0.1}, be_coverage_setting{97, 12, 0.01, 0.7, 0.3},
                                      be_coverage_setting{1000, 3, 0.005, 0.6, 0.5}, be_coverage_setting{40, 2, 0.05, 0.55, 0.2}}) {
    for (std::uint64_t j = 0; j < 4; ++j) {
      auto rng = make_stream(71, j, 3);
      const probing_set d = draw_be_probing_set(rng, s);
      const std::vector<std::int64_t> ids =
          be_resample_identifications(d, resample_multiplicities(1000 + j, 30, static_cast<std::size_t>(s.n)));
      REQUIRE(ids.size() == 30u);
      for (const std::int64_t K : {1, 7, 30}) {
        bootstrap_request q;
        q.which = metric::accuracy;
        q.options = binary;
        const ensemble_counts e =
            bootstrap_ensemble(d, resample_multiplicities(1000 + j, K, static_cast<std::size_t>(s.n)), q);
        std::vector<std::int64_t> counts(static_cast<std::size_t>(s.num_concepts), 0);
        for (std::int64_t r = 0; r < K; ++r) ++counts[static_cast<std::size_t>(ids[static_cast<std::size_t>(r)])];
        for (std::int64_t c = 0; c < s.num_concepts; ++c) CHECK(counts[static_cast<std::size_t>(c)] == e.counts(0, c));
        ++compared;
      }
    }
  }
  CHECK(compared == 48);
}

TEST_CASE("be-coverage: bootstrap replicates from the model match per-sample sets with the core's ensemble",
          "[be-coverage]") {
  // The fast path (resamples first, D as N1 and geometric disagreement gaps) against the oracle
  // (draw_be_probing_set, then bootstrap_ensemble): the same law, so the mean k*/K and the mean
  // number of distinct concepts chosen agree within Monte Carlo error. n = 200, |C| = 4, Delta = 0.03:
  // c* wins about half of the resamples. 400 replicates each, K = 20.
  const be_coverage_setting s{200, 4, 0.03, 0.75, 0.3};
  metric_options binary;
  binary.binary_activations = true;
  const int reps = 400;
  const std::int64_t K = 20;
  double fast_cstar = 0, oracle_cstar = 0, fast_sq = 0, oracle_sq = 0;
  for (int j = 0; j < reps; ++j) {
    auto rng_a = make_stream(9, static_cast<std::uint64_t>(j), 1);
    const auto ids = be_bootstrap_identifications(rng_a, s, K);
    double a = 0;
    for (auto id : ids) a += id == 0 ? 1.0 : 0.0;
    a /= static_cast<double>(K);
    auto rng_b = make_stream(9, static_cast<std::uint64_t>(j), 2);
    const probing_set d = draw_be_probing_set(rng_b, s);
    const ensemble_counts e = bootstrap_ensemble(d, metric::accuracy, binary, K, rng_b());
    const double b = static_cast<double>(e.counts(0, 0)) / static_cast<double>(K);
    fast_cstar += a;
    oracle_cstar += b;
    fast_sq += a * a;
    oracle_sq += b * b;
  }
  const double ma = fast_cstar / reps, mb = oracle_cstar / reps;
  const double va = fast_sq / reps - ma * ma, vb = oracle_sq / reps - mb * mb;
  const double se = std::sqrt((va + vb) / reps);
  INFO("fast " << ma << " oracle " << mb << " se " << se);
  CHECK(ma > 0.2);
  CHECK(ma < 0.9);
  CHECK(std::abs(ma - mb) < 4.0 * se);
  CHECK(va == Approx(vb).epsilon(0.35));  // the spread of k*/K over replicates, too
}
