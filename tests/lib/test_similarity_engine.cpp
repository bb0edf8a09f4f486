// The similarity engine's building blocks: the radix sort behind every neuron order, the sparse
// concept rows, probing sets built from sparse rows and from streamed .npy files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "neuroncert/core/all_pairs.hpp"
#include "oracle/pair_oracle.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/ordering.hpp"
#include "neuroncert/core/probing_files.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

using namespace neuroncert;

namespace {

std::vector<std::uint32_t> stable_descending(const std::vector<double>& z) {
  std::vector<std::uint32_t> order(z.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return z[a] > z[b]; });
  return order;
}

// Every metric on the same data from two sets must agree bit for bit.
void require_identical(const probing_set& a, const probing_set& b, std::span<const double> w = {}) {
  metric_options o;
  o.alpha = 0.1;
  for (metric m : all_metrics) {
    INFO("metric " << to_string(m));
    const auto x = all_pairs_similarity(a, m, o, w), y = all_pairs_similarity(b, m, o, w);
    CHECK(x.value == y.value);
    CHECK(x.reason == y.reason);
  }
}

}  // namespace

TEST_CASE("descending_order (radix above 256 samples) equals std::stable_sort with '>'", "[ordering]") {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> small(-40, 40);
  for (const int n : {256, 257, 1000, 5003}) {
    std::vector<double> as_float(static_cast<std::size_t>(n)), as_double(as_float.size()), ties(as_float.size());
    for (std::size_t i = 0; i < as_float.size(); ++i) {
      as_float[i] = static_cast<float>(normal(rng));  // float32 values: the 32-bit key path
      as_double[i] = normal(rng) * 1e-3 + 1e300 * (i % 97 == 0);  // general doubles, some huge
      ties[i] = small(rng) / 8.0;                                   // many ties, signed zeros below
    }
    ties[3] = -0.0;
    ties[4] = 0.0;
    as_double[7] = -1e-310;  // a subnormal
    for (const auto* z : {&as_float, &as_double, &ties}) {
      INFO("n = " << n);
      CHECK(descending_order(*z) == stable_descending(*z));
    }
  }
  const std::vector<double> constant(300, 2.5);
  CHECK(descending_order(constant) == stable_descending(constant));
}

TEST_CASE("sparse concept rows: builder, dense conversion and sums", "[sparse_concepts]") {
  Eigen::MatrixXd y(3, 4);
  y << 1, 0, 0, 1,  //
      0, 0, 0, 0,   //
      0, 1, 1, 1;
  const auto s = sparse_from_dense(y);
  CHECK(s.binary());
  CHECK(s.row_start == std::vector<std::uint64_t>{0, 2, 2, 5});
  CHECK(s.index == std::vector<std::uint32_t>{0, 3, 1, 2, 3});
  CHECK(concept_sums(s) == Eigen::RowVector4d(1, 1, 1, 2));
  y(2, 2) = 0.25;
  const auto p = sparse_from_dense(y);
  REQUIRE_FALSE(p.binary());
  CHECK(p.value == std::vector<double>{1, 1, 1, 0.25, 1});
  CHECK(concept_sums(p) == Eigen::RowVector4d(1, 1, 0.25, 2));
  CHECK_FALSE(to_sparse_concepts(y).has_value());
}

TEST_CASE("a probing set built from sparse rows gives the same similarities bit for bit", "[sparse_concepts]") {
  auto p = test::make_random_probe(300, 7, 9, 31u, /*levels=*/4);
  const Eigen::VectorXd w = test::make_multiplicities(300, 9u);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  for (const bool probabilities : {false, true}) {
    INFO("probabilities " << probabilities);
    if (probabilities) p.concepts.col(4) *= 0.5;
    const auto dense = make_probing_set(p.activations, p.concepts);
    const auto sparse = make_probing_set(p.activations, sparse_from_dense(p.concepts));
    CHECK_FALSE(sparse.has_dense_concepts());
    CHECK(sparse.concept_count() == 9);
    require_identical(dense, sparse);
    require_identical(dense, sparse, ws);
  }
}

TEST_CASE("probabilistic concepts through the engine equal the per-pair oracle", "[all_pairs]") {
  auto p = test::make_random_probe(400, 6, 8, 17u, /*levels=*/6);
  for (Eigen::Index c = 0; c < p.concepts.cols(); c += 2) p.concepts.col(c) *= 0.3 + 0.1 * static_cast<double>(c);
  const auto set = make_probing_set(p.activations, p.concepts);
  const Eigen::VectorXd w = test::make_multiplicities(400, 4u);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  metric_options o;
  o.alpha = 0.2;
  for (const bool standardised : {false, true}) {
    o.mad_standardised = standardised;
    for (metric m : pair_metrics) {
      for (const auto& weights : {std::span<const double>{}, ws}) {
        const auto fast = all_pairs_similarity(set, m, o, weights), loop = oracle::all_pairs_similarity_loop(set, m, o, weights);
        for (Eigen::Index f = 0; f < fast.value.rows(); ++f)
          for (Eigen::Index c = 0; c < fast.value.cols(); ++c) {
            INFO("metric " << to_string(m) << " neuron " << f << " concept " << c);
            REQUIRE(fast.reason(f, c) == loop.reason(f, c));
            CHECK_THAT(fast.value(f, c), Catch::Matchers::WithinAbs(loop.value(f, c), 1e-9));
          }
      }
    }
  }
}

TEST_CASE("read_probing_set streams .npy files into the same probing set", "[probing_files]") {
  const test::per_test_dir dir;
  auto p = test::make_random_probe(700, 5, 6, 3u);
  p.concepts(10, 2) = 0.75;
  const Eigen::MatrixXf acts = p.activations.cast<float>();
  io::write_npy(dir / "a.npy", acts);
  io::write_npy(dir / "y.npy", p.concepts);
  const auto streamed = io::read_probing_set(dir / "a.npy", dir / "y.npy");
  CHECK(streamed.activations == acts.cast<double>());
  CHECK_FALSE(streamed.sparse.binary());
  const auto dense = make_probing_set(acts.cast<double>(), p.concepts);
  require_identical(dense, streamed);
  CHECK(io::read_npy_matrix_by_rows(dir / "y.npy", "concepts") == p.concepts);

  // Bad concept values and shapes: one line naming the problem, before any result.
  p.concepts(123, 4) = 1.5;
  io::write_npy(dir / "bad.npy", p.concepts);
  CHECK_THROWS_WITH(io::read_probing_set(dir / "a.npy", dir / "bad.npy"),
                    Catch::Contains("got 1.5 at row 123, concept 4"));
  io::write_npy(dir / "short.npy", Eigen::MatrixXd(p.concepts.topRows(699)));
  CHECK_THROWS_WITH(io::read_probing_set(dir / "a.npy", dir / "short.npy"), Catch::Contains("700 rows but concepts have 699"));
  CHECK_THROWS_AS(io::read_probing_set(dir / "missing.npy", dir / "y.npy"), data_error);
}

TEST_CASE("pair_metric is the engine on a one-pair set, close to the full set's entry and the oracle", "[all_pairs]") {
  auto p = test::make_random_probe(300, 3, 4, 12u, /*levels=*/5);
  p.concepts.col(1) *= 0.5;
  const auto set = make_probing_set(p.activations, p.concepts);
  const Eigen::VectorXd w = test::make_multiplicities(300, 5u);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  metric_options o;
  o.alpha = 0.1;
  for (metric m : pair_metrics) {
    const auto all = all_pairs_similarity(set, m, o, ws);
    for (Eigen::Index f = 0; f < 3; ++f)
      for (Eigen::Index c = 0; c < 4; ++c) {
        INFO("metric " << to_string(m) << " neuron " << f << " concept " << c);
        const std::span<const double> z(set.activations.col(f).data(), 300), y(set.concepts.col(c).data(), 300);
        const metric_value v = pair_metric(m, z, y, ws, o), ref = oracle::pair_metric(m, z, y, ws, o);
        const auto one = make_probing_set(set.activations.col(f), set.concepts.col(c));  // the one-pair set
        CHECK(v.reason == all_pairs_similarity(one, m, o, ws).at(0, 0).reason);
        CHECK(v.value == all_pairs_similarity(one, m, o, ws).value(0, 0));
        CHECK(v.reason == all.at(f, c).reason);
        CHECK_THAT(v.value, Catch::Matchers::WithinAbs(all.value(f, c), 1e-12));  // other concepts' form: rounding
        REQUIRE(v.reason == ref.reason);
        CHECK_THAT(v.value, Catch::Matchers::WithinAbs(ref.value, 1e-10));
      }
  }
  CHECK_THROWS_AS(pair_metric(metric::auroc, std::vector<double>{1, 2}, std::vector<double>{1}), invalid_argument);
  CHECK_THROWS_AS(pair_metric(metric::auroc, std::vector<double>{}, std::vector<double>{}), invalid_argument);
}

TEST_CASE("all_pairs_similarities: one sort per neuron for several metrics, each entry as all_pairs_similarity",
          "[all_pairs]") {
  auto p = test::make_random_probe(500, 40, 6, 23u, /*levels=*/5);  // 40 neurons: two engine blocks
  p.concepts.col(2) *= 0.5;
  const auto set = make_probing_set(p.activations, p.concepts);
  const Eigen::VectorXd w = test::make_multiplicities(500, 8u);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  metric_options o;
  o.alpha = 0.1;
  // Both kinds interleaved (sorting and centred), and a metric twice.
  const std::vector<metric> metrics = {metric::correlation, metric::auroc, metric::recall, metric::mad,
                                       metric::auprc,       metric::wpmi,  metric::auroc};
  for (const auto& weights : {std::span<const double>{}, ws}) {
    const auto all = all_pairs_similarities(set, metrics, o, weights);
    REQUIRE(all.size() == metrics.size());
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      INFO("metric " << to_string(metrics[k]));
      const auto one = all_pairs_similarity(set, metrics[k], o, weights);
      CHECK(all[k].which == metrics[k]);
      CHECK(all[k].value == one.value);
      CHECK(all[k].reason == one.reason);
    }
  }
  CHECK(all_pairs_similarities(set, std::vector<metric>{}, o).empty());
}
