// Subsampling study (App. H.2 analogue): population values, exact zero at n = N, a hand-checked
// case, thread-count invariance and argument checks.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <tbb/global_control.h>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/subsample_study.hpp"

using namespace neuroncert;

namespace {

const std::vector<metric> kMetrics = {metric::accuracy, metric::recall,      metric::precision,
                                      metric::iou,      metric::auroc,       metric::auprc,
                                      metric::correlation, metric::mad,    metric::wpmi};

/// N images of F classes; neuron j = its class logit plus noise (like a final layer).
void synthetic(Eigen::Index N, Eigen::Index F, Eigen::MatrixXd& a, Eigen::MatrixXd& y) {
  auto rng = make_stream(7, 0, 0);
  boost::random::uniform_int_distribution<Eigen::Index> cls(0, F - 1);
  boost::random::normal_distribution<double> noise(0.0, 1.0);
  a.resize(N, F);
  y = Eigen::MatrixXd::Zero(N, F);
  for (Eigen::Index i = 0; i < N; ++i) {
    const auto c = cls(rng);
    y(i, c) = 1.0;
    for (Eigen::Index j = 0; j < F; ++j) a(i, j) = noise(rng) + (j == c ? 2.0 : 0.0);
  }
}

sim::subsample_study_options opts(std::vector<std::int64_t> grid, std::int64_t reps) {
  sim::subsample_study_options o;
  o.metrics = kMetrics;
  o.n_grid = std::move(grid);
  o.replicates = reps;
  o.seed = 42;
  return o;
}

}  // namespace

TEST_CASE("subsample study: population values are the all-rows metrics", "[sim][subsample]") {
  Eigen::MatrixXd a, y;
  synthetic(400, 4, a, y);
  const auto r = sim::run_subsample_study(a, y, opts({50}, 3));
  const auto set = make_probing_set(a, y);
  for (std::size_t k = 0; k < kMetrics.size(); ++k) {
    const auto s = all_pairs_similarity(set, kMetrics[k]);
    for (Eigen::Index j = 0; j < 4; ++j) {
      INFO(std::string(to_string(kMetrics[k])) << " neuron " << j);
      REQUIRE(r.population_defined(static_cast<Eigen::Index>(k), j));
      CHECK(r.population(static_cast<Eigen::Index>(k), j) == Approx(s.value(j, j)).margin(1e-12));
    }
  }
}

TEST_CASE("subsample study: n = N draws the population itself, every error is exactly 0", "[sim][subsample]") {
  Eigen::MatrixXd a, y;
  synthetic(300, 3, a, y);
  const auto r = sim::run_subsample_study(a, y, opts({300}, 5));
  REQUIRE(r.points.size() == kMetrics.size());
  for (const auto& p : r.points) {
    INFO(to_string(p.which));
    REQUIRE(p.abs_error_q95.has_value());
    CHECK(*p.abs_error_q95 == 0.0);
    CHECK(p.undefined_count == 0);
    CHECK(p.evaluations == 15);
  }
}

TEST_CASE("subsample study: hand-checked accuracy of a binary neuron", "[sim][subsample]") {
  // N = 4, one neuron: binary activations equal the concept except on row 3, so population
  // accuracy = 3/4. Subsamples of n = 3: the 4 subsets leave out one row each; leaving out row 3
  // gives accuracy 1 (error 1/4), the others 2/3 (error 1/12). q95 of any replicate mix lies in
  // {1/12, ..., 1/4}; with many replicates both values occur, so q95 = 1/4.
  Eigen::MatrixXd a(4, 1), y(4, 1);
  a << 1, 0, 0, 1;
  y << 1, 0, 0, 0;
  sim::subsample_study_options o;
  o.metrics = {metric::accuracy};
  o.options.binary_activations = true;
  o.n_grid = {3, 4};
  o.replicates = 200;
  const auto r = sim::run_subsample_study(a, y, o);
  CHECK(r.population(0, 0) == Approx(0.75));
  REQUIRE(r.points.size() == 2);
  CHECK(*r.points[0].abs_error_q95 == Approx(0.25));
  CHECK(*r.points[1].abs_error_q95 == 0.0);
  // the median error: 3 of 4 subsets give 1/12
  o.n_grid = {3};
  o.quantile = 0.5;
  CHECK(*sim::run_subsample_study(a, y, o).points[0].abs_error_q95 == Approx(1.0 / 12.0));
}

TEST_CASE("subsample study: undefined estimates are counted, not used", "[sim][subsample]") {
  // One positive among 20 rows: a subsample of 5 misses it most of the time -> recall undefined.
  Eigen::MatrixXd a(20, 1), y = Eigen::MatrixXd::Zero(20, 1);
  for (Eigen::Index i = 0; i < 20; ++i) a(i, 0) = static_cast<double>(i);
  y(19, 0) = 1.0;
  sim::subsample_study_options o;
  o.metrics = {metric::recall};
  o.n_grid = {5};
  o.replicates = 100;
  const auto r = sim::run_subsample_study(a, y, o);
  CHECK(r.points[0].undefined_count > 50);
  CHECK(r.points[0].undefined_count < 100);
  CHECK(r.points[0].evaluations == 100);
}

TEST_CASE("subsample study: bit-identical for any thread count", "[sim][subsample]") {
  Eigen::MatrixXd a, y;
  synthetic(500, 3, a, y);
  const auto o = opts({40, 200}, 24);
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    std::vector<std::string> lines;
    for (const auto& row : sim::to_tidy_rows(sim::run_subsample_study(a, y, o), "real-h2", "synthetic"))
      lines.push_back(sim::to_csv_line(row));
    return lines;
  };
  const auto one = run(1);
  CHECK(one == run(2));
  CHECK(one == run(4));
  CHECK(one.size() == kMetrics.size() * (2 + 2 * 3));
}

TEST_CASE("subsample study: bad arguments name themselves", "[sim][subsample]") {
  Eigen::MatrixXd a, y;
  synthetic(50, 2, a, y);
  auto expect = [&](sim::subsample_study_options o, const std::string& word) {
    try {
      sim::run_subsample_study(a, y, o);
      FAIL("no exception for " << word);
    } catch (const invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Matchers::StartsWith(word));
    }
  };
  expect(opts({51}, 2), "n:");
  expect(opts({0}, 2), "n:");
  expect(opts({10}, 0), "replicates:");
  auto o = opts({10}, 2);
  o.metrics.clear();
  expect(o, "metrics:");
  Eigen::MatrixXd y3 = Eigen::MatrixXd::Zero(50, 3);
  CHECK_THROWS_AS(sim::run_subsample_study(a, y3, opts({10}, 2)), invalid_argument);
}
