#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include "neuroncert/core/all_pairs.hpp"
#include "oracle/pair_oracle.hpp"
#include "neuroncert/core/error.hpp"
#include "test_data.hpp"

using namespace neuroncert;
using Catch::Matchers::WithinAbs;

namespace {
void require_same(const similarity_matrix& fast, const similarity_matrix& loop, double tol) {
  REQUIRE(fast.value.rows() == loop.value.rows());
  REQUIRE(fast.value.cols() == loop.value.cols());
  for (Eigen::Index f = 0; f < fast.value.rows(); ++f)
    for (Eigen::Index c = 0; c < fast.value.cols(); ++c) {
      INFO("metric " << to_string(fast.which) << " neuron " << f << " concept " << c);
      REQUIRE(fast.reason(f, c) == loop.reason(f, c));
      CHECK_THAT(fast.value(f, c), WithinAbs(loop.value(f, c), tol));
    }
}
}  // namespace

TEST_CASE("all-pairs matrix-product path equals the per-pair loop for every metric", "[all_pairs]") {
  const auto p = test::make_random_probe(257, 9, 11, 21u, /*levels=*/5);
  const auto set = make_probing_set(p.activations, p.concepts);
  const Eigen::VectorXd w = test::make_multiplicities(257, 3u);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  metric_options options;
  options.alpha = 0.1;
  for (metric m : pair_metrics) {
    require_same(all_pairs_similarity(set, m, options), oracle::all_pairs_similarity_loop(set, m, options), 1e-10);
    require_same(all_pairs_similarity(set, m, options, ws), oracle::all_pairs_similarity_loop(set, m, options, ws), 1e-10);
  }
  options.mad_standardised = true;
  require_same(all_pairs_similarity(set, metric::mad, options), oracle::all_pairs_similarity_loop(set, metric::mad, options),
               1e-9);
  options.recall_precision = orientation::neuron_eval;
  require_same(all_pairs_similarity(set, metric::recall, options),
               oracle::all_pairs_similarity_loop(set, metric::recall, options), 0.0);
}

TEST_CASE("all-pairs on binary activations and probabilistic concepts", "[all_pairs]") {
  auto p = test::make_random_probe(200, 5, 7, 8u);
  Eigen::MatrixXd binary = (p.activations.array() > 0.8).cast<double>();
  binary(0, 0) = 1.0;
  Eigen::MatrixXd soft = p.concepts * 0.7;
  soft.col(3).setConstant(0.25);  // a constant probabilistic concept
  const auto set = make_probing_set(binary, soft);
  metric_options options;
  options.binary_activations = true;
  for (metric m : pair_metrics)
    require_same(all_pairs_similarity(set, m, options), oracle::all_pairs_similarity_loop(set, m, options), 1e-10);
  options.auroc = auroc_convention::strict;
  require_same(all_pairs_similarity(set, metric::auroc, options),
               oracle::all_pairs_similarity_loop(set, metric::auroc, options), 1e-12);
  // Constant concept: correlation undefined for every neuron.
  const auto corr = all_pairs_similarity(set, metric::correlation, options);
  CHECK(corr.at(0, 3).reason == undefined_reason::zero_variance_concept);
}

TEST_CASE("weighted all-pairs counts equal the counts of duplicated rows", "[all_pairs][weights]") {
  const auto p = test::make_random_probe(150, 4, 6, 2u, 4);
  const Eigen::VectorXd w = test::make_multiplicities(150, 17u);
  const auto set = make_probing_set(p.activations, p.concepts);
  const auto dup = make_probing_set(test::duplicate_rows(p.activations, w), test::duplicate_rows(p.concepts, w));
  const auto weighted = all_pairs_counts(set, {}, {w.data(), static_cast<std::size_t>(w.size())});
  const auto duplicated = all_pairs_counts(dup, {});
  CHECK(weighted.n == duplicated.n);
  for (Eigen::Index f = 0; f < 4; ++f)
    for (Eigen::Index c = 0; c < 6; ++c) {
      const auto a = weighted.at(f, c), b = duplicated.at(f, c);
      CHECK(a.f00 == b.f00);
      CHECK(a.f01 == b.f01);
      CHECK(a.f10 == b.f10);
      CHECK(a.f11 == b.f11);
    }
}

TEST_CASE("all-pairs results are bit-identical for 1 and 2 threads", "[all_pairs][threads]") {
  const auto p = test::make_random_probe(500, 70, 13, 4u, 6);  // 70 neurons: three parallel blocks
  const auto set = make_probing_set(p.activations, p.concepts);
  for (metric m : {metric::accuracy, metric::auroc, metric::auprc, metric::correlation, metric::wpmi}) {
    similarity_matrix one, two;
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
      one = all_pairs_similarity(set, m);
    }
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
      two = all_pairs_similarity(set, m);
    }
    CHECK(one.value == two.value);
    CHECK(one.reason == two.reason);
  }
}

TEST_CASE("make_probing_set rejects bad input with a message naming the problem", "[all_pairs][errors]") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(10, 3), y = Eigen::MatrixXd::Zero(10, 2);
  y(0, 0) = 1;
  y(1, 1) = 1;
  CHECK_NOTHROW(make_probing_set(a, y));
  CHECK_THROWS_WITH(make_probing_set(a, Eigen::MatrixXd::Ones(9, 2)), Catch::Contains("10 rows but concepts have 9"));
  Eigen::MatrixXd nan = a;
  nan(4, 2) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(make_probing_set(nan, y), Catch::Contains("row 4, neuron 2"));
  Eigen::MatrixXd inf = a;
  inf(1, 0) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(make_probing_set(inf, y), data_error);
  Eigen::MatrixXd empty_concept = y;
  empty_concept(1, 1) = 0;
  CHECK_THROWS_WITH(make_probing_set(a, empty_concept), Catch::Contains("concept 1 is zero in every sample"));
  CHECK_NOTHROW(make_probing_set(a, empty_concept, {.reject_empty_concepts = false}));
  Eigen::MatrixXd out_of_range = y;
  out_of_range(2, 0) = 1.5;
  CHECK_THROWS_WITH(make_probing_set(a, out_of_range), Catch::Contains("[0,1]"));
  CHECK_THROWS_AS(make_probing_set(Eigen::MatrixXd(0, 3), Eigen::MatrixXd(0, 2)), data_error);
  const auto set = make_probing_set(a, y);
  CHECK_THROWS_WITH(all_pairs_similarity(set, metric::accuracy, {}, std::vector<double>(9, 1.0)),
                    Catch::Contains("weights have 9 entries"));
  CHECK_THROWS_AS(all_pairs_similarity(set, metric::accuracy, {}, std::vector<double>(10, -1.0)), invalid_argument);
  metric_options binary;
  binary.binary_activations = true;
  CHECK_THROWS_WITH(all_pairs_similarity(set, metric::iou, binary), Catch::Contains("must be 0 or 1"));
}
