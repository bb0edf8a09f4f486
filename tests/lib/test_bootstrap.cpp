#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include <tbb/global_control.h>

#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/error.hpp"
#include "test_data.hpp"

using namespace neuroncert;

namespace {
// Algorithm 1 written out literally: repeatedly take the concept with the largest remaining
// count (lowest index among equals) until the cumulative count reaches t.
std::vector<std::int64_t> brute_force_be(std::vector<std::int64_t> counts, std::int64_t t) {
  std::vector<std::int64_t> s;
  std::int64_t cumulative = 0;
  while (cumulative < t) {
    std::int64_t best = -1;
    for (std::size_t c = 0; c < counts.size(); ++c)
      if (counts[c] > 0 && (best < 0 || counts[c] > counts[static_cast<std::size_t>(best)]))
        best = static_cast<std::int64_t>(c);
    if (best < 0) break;
    s.push_back(best);
    cumulative += counts[static_cast<std::size_t>(best)];
    counts[static_cast<std::size_t>(best)] = 0;
  }
  return s;
}
}  // namespace

TEST_CASE("multiplicities are Multinomial(n, 1/n): integer, summing to n, reproducible", "[bootstrap]") {
  const auto a = resample_weights(42, 7, 1000);
  const auto b = resample_weights(42, 7, 1000);
  const auto c = resample_weights(42, 8, 1000);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::accumulate(a.begin(), a.end(), 0.0) == 1000.0);
  for (double w : a) CHECK(w == std::floor(w));
  // About a fraction 1 - (1 - 1/n)^n ~ 0.632 of samples appear at least once.
  const auto present = std::count_if(a.begin(), a.end(), [](double w) { return w > 0; });
  CHECK(present > 580);
  CHECK(present < 690);
}

TEST_CASE("Algorithm 1 matches a literal implementation, including count ties", "[bootstrap][be]") {
  const std::vector<std::int64_t> counts{10, 40, 40, 0, 5, 5};
  for (std::int64_t t = 1; t <= 100; ++t) {
    const auto s = be_prediction_set(counts, t);
    CHECK(s.concepts == brute_force_be(counts, t));
  }
  CHECK(be_prediction_set(counts, 40).concepts == std::vector<std::int64_t>{1});
  CHECK(be_prediction_set(counts, 41).concepts == std::vector<std::int64_t>{1, 2});
  CHECK(be_prediction_set(counts, 95).concepts == std::vector<std::int64_t>{1, 2, 0, 4});
  CHECK(be_prediction_set(counts, 100).concepts == std::vector<std::int64_t>{1, 2, 0, 4, 5});
  const auto short_set = be_prediction_set(std::vector<std::int64_t>{3, 2, 0}, 10);
  CHECK_FALSE(short_set.reached);
  CHECK(short_set.concepts == std::vector<std::int64_t>{0, 1});
  CHECK_THROWS_AS(be_prediction_set(counts, 0), invalid_argument);
}

TEST_CASE("bootstrap ensemble: counts sum to K and do not depend on the thread count", "[bootstrap]") {
  const auto p = test::make_random_probe(300, 40, 12, 31u, 5);
  const auto set = make_probing_set(p.activations, p.concepts);
  ensemble_counts one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = bootstrap_ensemble(set, metric::auroc, {}, 20, 5);
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two = bootstrap_ensemble(set, metric::auroc, {}, 20, 5);
  }
  CHECK(one.counts == two.counts);
  for (Eigen::Index f = 0; f < set.neurons(); ++f) CHECK(one.counts.row(f).sum() + one.unidentified(f) == 20);
  CHECK_THROWS_WITH(bootstrap_ensemble(set, metric::auroc, {}, 0, 5), Catch::Contains("K"));
}

TEST_CASE("a clearly separated concept is selected in every resample", "[bootstrap]") {
  auto p = test::make_random_probe(400, 3, 8, 77u);
  // Concept 5 is "neuron 1 is in its top 10% of the full probing set". A resample moves the
  // top-10% cut-off by a few samples only, so IoU stays near 1, far above every other concept.
  metric_options o;
  o.alpha = 0.1;
  p.concepts.col(5) = binarize_neurons(make_probing_set(p.activations, p.concepts), o).col(1);
  const auto set = make_probing_set(p.activations, p.concepts);
  const auto e = bootstrap_ensemble(set, metric::iou, o, 30, 11);
  CHECK(e.counts(1, 5) == 30);
}
