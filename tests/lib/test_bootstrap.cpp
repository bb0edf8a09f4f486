#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include <tbb/global_control.h>

#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
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
  // The fast path and the general one agree on it.
  bootstrap_request q;
  q.which = metric::iou;
  q.options = o;
  q.resamples = 30;
  q.seed = 11;
  q.general_path = true;
  CHECK(bootstrap_ensemble(set, q).counts == e.counts);
}

TEST_CASE("resample multiplicities: row r is resample_weights(seed, r, n)", "[bootstrap]") {
  const auto w = resample_multiplicities(9, 5, 700);
  REQUIRE(w.rows() == 5);
  for (Eigen::Index r = 0; r < 5; ++r) {
    const auto ref = resample_weights(9, static_cast<std::uint64_t>(r), 700);
    for (Eigen::Index i = 0; i < 700; ++i) CHECK(double(w(r, i)) == ref[static_cast<std::size_t>(i)]);
  }
  CHECK_THROWS_WITH(resample_multiplicities(9, 0, 700), Catch::Contains("K"));
}

TEST_CASE("sparse concept rows: nonzeros of a 0/1 matrix, none for probabilities", "[bootstrap]") {
  Eigen::MatrixXd y(3, 4);
  y << 0, 1, 0, 1,  //
      0, 0, 0, 0,   //
      1, 1, 1, 0;
  const auto s = to_sparse_concepts(y);
  REQUIRE(s.has_value());
  CHECK(s->row_start == std::vector<std::uint64_t>{0, 2, 2, 5});
  CHECK(s->index == std::vector<std::uint32_t>{1, 3, 0, 1, 2});
  y(1, 2) = 0.5;
  CHECK_FALSE(to_sparse_concepts(y).has_value());
}

TEST_CASE("fast bootstrap equals all_pairs_similarity per resample, for every metric", "[bootstrap][fast]") {
  // Ties in the activations (levels = 4) exercise tied top-alpha cut-offs, mid-ranks and AUPRC
  // blocks; those metrics sum exact numbers, so counts must agree exactly. Correlation, MAD and
  // WPMI round differently, so they use untied data (no near-ties between concepts).
  const auto tied = test::make_random_probe(240, 37, 11, 5u, 4);
  const auto smooth = test::make_random_probe(240, 37, 11, 6u, 0);
  const auto tied_set = make_probing_set(tied.activations, tied.concepts);
  const auto smooth_set = make_probing_set(smooth.activations, smooth.concepts);
  for (metric m : all_metrics) {
    const bool exact = is_count_metric(m) || m == metric::auroc || m == metric::auprc;
    const auto& set = exact ? tied_set : smooth_set;
    for (double alpha : {0.05, 0.2}) {
      INFO(to_string(m) << " alpha " << alpha);
      bootstrap_request q;
      q.which = m;
      q.options.alpha = alpha;
      q.resamples = 12;
      q.seed = 3;
      const auto w = resample_multiplicities(q.seed, q.resamples, static_cast<std::size_t>(set.samples()));
      const auto fast = bootstrap_ensemble(set, w, q);
      // Oracle: identify() on all_pairs_similarity() with each resample's weights.
      Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> expected =
          Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(set.neurons(), set.concept_count());
      for (Eigen::Index r = 0; r < w.rows(); ++r) {
        std::vector<double> wr(static_cast<std::size_t>(set.samples()));
        for (Eigen::Index i = 0; i < set.samples(); ++i) wr[static_cast<std::size_t>(i)] = w(r, i);
        const auto ids = identify(all_pairs_similarity(set, m, q.options, wr));
        for (Eigen::Index f = 0; f < set.neurons(); ++f) ++expected(f, ids[static_cast<std::size_t>(f)].concept_index);
      }
      CHECK(fast.counts == expected);
      CHECK(fast.unidentified.sum() == 0);
    }
  }
}

TEST_CASE("fast bootstrap with binary activations (count metrics, binary AUROC, WPMI)", "[bootstrap][fast]") {
  auto p = test::make_random_probe(200, 9, 7, 8u);
  metric_options o;
  o.alpha = 0.15;
  const auto continuous = make_probing_set(p.activations, p.concepts);
  const auto set = make_probing_set(binarize_neurons(continuous, o), p.concepts);
  o.binary_activations = true;
  for (metric m : {metric::accuracy, metric::recall, metric::precision, metric::iou, metric::f1, metric::auroc,
                   metric::wpmi}) {
    INFO(to_string(m));
    bootstrap_request q;
    q.which = m;
    q.options = o;
    q.resamples = 10;
    q.seed = 17;
    const auto fast = bootstrap_ensemble(set, q);
    q.general_path = true;
    CHECK(fast.counts == bootstrap_ensemble(set, q).counts);
  }
  metric_options strict = o;
  strict.auroc = auroc_convention::strict;
  bootstrap_request q;
  q.which = metric::auroc;
  q.options = strict;
  q.resamples = 10;
  const auto fast = bootstrap_ensemble(set, q);
  q.general_path = true;
  CHECK(fast.counts == bootstrap_ensemble(set, q).counts);
}

TEST_CASE("K resamples that are all the full probing set: every count on the plain argmax", "[bootstrap]") {
  const auto p = test::make_random_probe(300, 40, 12, 31u, 5);
  const auto set = make_probing_set(p.activations, p.concepts);
  const multiplicity_matrix ones = multiplicity_matrix::Ones(7, set.samples());
  for (metric m : {metric::iou, metric::auroc, metric::auprc, metric::correlation}) {
    INFO(to_string(m));
    bootstrap_request q;
    q.which = m;
    const auto e = bootstrap_ensemble(set, ones, q);
    const auto ids = identify(all_pairs_similarity(set, m));
    for (Eigen::Index f = 0; f < set.neurons(); ++f) {
      const auto c = ids[static_cast<std::size_t>(f)].concept_index;
      CHECK(e.counts(f, c) == 7);
      std::vector<std::int64_t> row(static_cast<std::size_t>(set.concept_count()));
      for (Eigen::Index k = 0; k < set.concept_count(); ++k) row[static_cast<std::size_t>(k)] = e.counts(f, k);
      CHECK(be_prediction_set(row, 7).concepts == std::vector<std::int64_t>{c});
    }
  }
}

TEST_CASE("bootstrap streams finished neurons in order, progress reaches the total", "[bootstrap]") {
  const auto p = test::make_random_probe(150, 70, 6, 12u);
  const auto set = make_probing_set(p.activations, p.concepts);
  std::vector<std::pair<Eigen::Index, Eigen::Index>> ranges;
  std::int64_t last_done = 0, last_total = 0;
  bool monotone = true;
  bool final_rows = true;
  ensemble_counts reference;
  bootstrap_request q;
  q.which = metric::auroc;
  q.resamples = 19;
  q.seed = 1;
  reference = bootstrap_ensemble(set, q);
  q.progress = [&](std::int64_t done, std::int64_t total) {
    monotone = monotone && done >= last_done;
    last_done = done;
    last_total = total;
  };
  q.neurons_done = [&](Eigen::Index b, Eigen::Index e, const ensemble_counts& c) {
    ranges.emplace_back(b, e);
    final_rows = final_rows && c.counts.middleRows(b, e - b) == reference.counts.middleRows(b, e - b);
  };
  const auto e = bootstrap_ensemble(set, q);
  CHECK(monotone);
  CHECK(last_done == 70 * 19);
  CHECK(last_total == 70 * 19);
  CHECK(final_rows);
  CHECK(ranges == std::vector<std::pair<Eigen::Index, Eigen::Index>>{{0, 32}, {32, 64}, {64, 70}});
  CHECK(e.counts == reference.counts);
}

TEST_CASE("probabilistic concepts take the general path and still sum to K", "[bootstrap]") {
  auto p = test::make_random_probe(120, 5, 4, 2u);
  p.concepts.col(2) *= 0.5;
  const auto set = make_probing_set(p.activations, p.concepts);
  REQUIRE_FALSE(to_sparse_concepts(set.concepts).has_value());
  bootstrap_request q;
  q.which = metric::auroc;
  q.resamples = 6;
  const auto e = bootstrap_ensemble(set, q);
  for (Eigen::Index f = 0; f < 5; ++f) CHECK(e.counts.row(f).sum() + e.unidentified(f) == 6);
  q.which = metric::mad;
  q.options.mad_standardised = true;  // also general
  const auto m = bootstrap_ensemble(set, q);
  for (Eigen::Index f = 0; f < 5; ++f) CHECK(m.counts.row(f).sum() + m.unidentified(f) == 6);
}

TEST_CASE("sparse-concept overload equals the dense one", "[bootstrap]") {
  const auto p = test::make_random_probe(180, 11, 9, 4u, 3);
  const auto dense = make_probing_set(p.activations, p.concepts);
  probing_set bare{p.activations, Eigen::MatrixXd(0, 0), {}};  // activations only: concepts given sparse below
  const auto sparse = to_sparse_concepts(p.concepts);
  REQUIRE(sparse.has_value());
  bootstrap_request q;
  q.which = metric::accuracy;
  q.resamples = 9;
  q.seed = 77;
  CHECK(bootstrap_ensemble(bare, *sparse, q).counts == bootstrap_ensemble(dense, q).counts);
}

TEST_CASE("stability summary: top-1 frequency and the 90%-coverage set size", "[bootstrap]") {
  const std::vector<std::int64_t> counts{10, 40, 40, 0, 5, 5};  // K = 100
  const auto s = summarize_stability(counts, 100);
  CHECK(s.top_concept == 1);        // tie 40/40: lower index
  CHECK(s.top1_frequency == 0.4);
  CHECK(s.coverage90_size == 3);    // 40 + 40 + 10 = 90 reaches t = 90
  const auto u = summarize_stability(std::vector<std::int64_t>{0, 0}, 10);
  CHECK(u.top_concept == -1);
  CHECK(u.coverage90_size == 0);
}
