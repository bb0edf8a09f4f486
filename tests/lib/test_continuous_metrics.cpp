#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "oracle/pair_oracle.hpp"
#include "test_data.hpp"

using namespace neuroncert;
using namespace neuroncert::oracle;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
using vec = std::vector<double>;

std::span<const double> col(const Eigen::MatrixXd& m, Eigen::Index j) {
  return {m.col(j).data(), static_cast<std::size_t>(m.rows())};
}

// Mann-Whitney by definition: every (negative, positive) pair, O(n^2).
double auroc_brute_force(std::span<const double> z, std::span<const double> c) {
  double wins = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i)
    for (std::size_t j = 0; j < z.size(); ++j)
      if (c[i] == 0.0 && c[j] == 1.0) {
        pairs += 1.0;
        wins += z[i] < z[j] ? 1.0 : (z[i] == z[j] ? 0.5 : 0.0);
      }
  return wins / pairs;
}
}  // namespace

TEST_CASE("AUROC: hand-computed cases with and without ties", "[metrics][auroc]") {
  // scikit-learn's roc_auc_score doc example: 0.75.
  CHECK_THAT(auroc_ranks(vec{0.1, 0.4, 0.35, 0.8}, vec{0, 0, 1, 1}).value, WithinAbs(0.75, 1e-15));
  // Positives {2, 3} vs negatives {1, 2}: 1 + 0.5 + 1 + 1 = 3.5 of 4 pairs.
  CHECK_THAT(auroc_ranks(vec{1, 2, 2, 3}, vec{0, 0, 1, 1}).value, WithinAbs(0.875, 1e-15));
  CHECK(auroc_ranks(vec{1, 2}, vec{0, 0}).reason == undefined_reason::no_concept_positives);
  CHECK(auroc_ranks(vec{1, 2}, vec{1, 1}).reason == undefined_reason::no_concept_negatives);
}

TEST_CASE("AUROC: mid-ranks equal the O(n^2) definition on random data with ties", "[metrics][auroc]") {
  const auto p = test::make_random_probe(300, 4, 6, 11u, /*levels=*/4);
  for (Eigen::Index f = 0; f < 4; ++f)
    for (Eigen::Index c = 0; c < 6; ++c)
      CHECK_THAT(auroc_ranks(col(p.activations, f), col(p.concepts, c)).value,
                 WithinAbs(auroc_brute_force(col(p.activations, f), col(p.concepts, c)), 1e-12));
}

TEST_CASE("AUROC of a binary neuron by ranks is the tie-corrected balanced accuracy", "[metrics][auroc]") {
  const vec f{1, 1, 1, 0, 0, 0, 0, 1, 0, 0}, c{1, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  const double tpr = 2.0 / 4.0, tnr = 4.0 / 6.0;
  CHECK_THAT(auroc_ranks(f, c).value, WithinAbs(0.5 * (tpr + tnr), 1e-15));
  CHECK_THAT(auroc_binary(count_pairs(f, c)).value, WithinAbs(0.5 * (tpr + tnr), 1e-15));
}

TEST_CASE("AUPRC: step-wise average precision with tied blocks", "[metrics][auprc]") {
  // Ranking 0.8(1) 0.4(0) 0.35(1) 0.1(0): AP = (1 + 2/3)/2 (scikit-learn: 0.8333...).
  CHECK_THAT(auprc(vec{0.1, 0.4, 0.35, 0.8}, vec{0, 0, 1, 1}).value, WithinAbs(5.0 / 6.0, 1e-15));
  // Tied block {2(0), 2(1)} then 1(1): precision at the block end 1/2, then 2/3: AP = (1/2 + 2/3)/2.
  CHECK_THAT(auprc(vec{2, 2, 1}, vec{0, 1, 1}).value, WithinAbs((0.5 + 2.0 / 3.0) / 2.0, 1e-15));
  // Order inside a tie does not matter.
  CHECK(auprc(vec{2, 2, 1}, vec{1, 0, 1}).value == auprc(vec{2, 2, 1}, vec{0, 1, 1}).value);
  CHECK(auprc(vec{1, 2}, vec{0, 0}).reason == undefined_reason::no_concept_positives);
}

TEST_CASE("correlation and MAD: hand-computed", "[metrics]") {
  const vec z{1, 2, 3, 4}, c{0, 0, 1, 1};
  // cov = 0.5, var z = 1.25, var c = 0.25 (population moments).
  CHECK_THAT(correlation(z, c).value, WithinAbs(0.5 / std::sqrt(1.25 * 0.25), 1e-15));
  CHECK(correlation(vec{3, 3, 3, 3}, c).reason == undefined_reason::zero_variance_activation);
  CHECK(correlation(z, vec{1, 1, 1, 1}).reason == undefined_reason::zero_variance_concept);
  CHECK_THAT(mad(z, c).value, WithinAbs(2.0, 1e-15));
  // std(z | c=0) = 0.5 (population), so the standardised MAD is 4.
  CHECK_THAT(mad(z, c, {}, true).value, WithinAbs(4.0, 1e-15));
  CHECK(mad(vec{1, 1, 3, 4}, c, {}, true).reason == undefined_reason::zero_variance_negatives);
  CHECK(mad(z, vec{0, 0, 0, 0}).reason == undefined_reason::no_concept_positives);
}

TEST_CASE("WPMI: hand-computed on a top-10% active set", "[metrics][wpmi]") {
  vec z(20), c(20, 0.0);
  for (int i = 0; i < 20; ++i) z[i] = 20 - i;  // sample 0 most active
  c[0] = 1.0;
  c[5] = c[9] = c[13] = 1.0;
  // alpha = 0.1: k = 2, active = {0, 1}: mean log max(c, eps) = (log 1 + log 1e-8)/2; mean c = 4/20.
  const double expected = 0.5 * std::log(1e-8) - std::log(0.2);
  CHECK_THAT(wpmi(z, c, {}, 0.1, 1.0, 1e-8).value, WithinAbs(expected, 1e-12));
  CHECK_THAT(wpmi(z, c, {}, 0.1, 0.5, 1e-8).value, WithinAbs(0.5 * std::log(1e-8) - 0.5 * std::log(0.2), 1e-12));
  CHECK(wpmi(z, vec(20, 0.0)).reason == undefined_reason::no_concept_positives);
}

TEST_CASE("every metric with multiplicity weights equals the metric on duplicated rows", "[metrics][weights]") {
  const auto p = test::make_random_probe(120, 3, 4, 5u, /*levels=*/3);
  const Eigen::VectorXd w = test::make_multiplicities(120, 9u);
  const Eigen::MatrixXd za = test::duplicate_rows(p.activations, w);
  const Eigen::MatrixXd yc = test::duplicate_rows(p.concepts, w);
  const std::span<const double> ws(w.data(), static_cast<std::size_t>(w.size()));
  metric_options standardised;
  standardised.mad_standardised = true;
  for (metric m : pair_metrics)
    for (Eigen::Index f = 0; f < 3; ++f)
      for (Eigen::Index c = 0; c < 4; ++c) {
        INFO(to_string(m) << " neuron " << f << " concept " << c);
        const auto weighted = oracle::pair_metric(m, col(p.activations, f), col(p.concepts, c), ws);
        const auto duplicated = oracle::pair_metric(m, col(za, f), col(yc, c));
        REQUIRE(weighted.reason == duplicated.reason);
        CHECK_THAT(weighted.value, WithinAbs(duplicated.value, 1e-12));
      }
  const auto a = oracle::pair_metric(metric::mad, col(p.activations, 0), col(p.concepts, 0), ws, standardised);
  const auto b = oracle::pair_metric(metric::mad, col(za, 0), col(yc, 0), {}, standardised);
  CHECK_THAT(a.value, WithinAbs(b.value, 1e-12));
}

TEST_CASE("pair_metric binarises by top-alpha for count metrics", "[metrics]") {
  vec z{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, c{1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
  metric_options o;
  o.alpha = 0.2;  // top 2: samples 0 and 1
  CHECK_THAT(oracle::pair_metric(metric::precision, z, c, {}, o).value, WithinAbs(0.5, 1e-15));
  CHECK_THAT(oracle::pair_metric(metric::recall, z, c, {}, o).value, WithinAbs(1.0 / 3.0, 1e-15));
  metric_options bad;
  bad.wpmi_eps = 2.0;
  CHECK_THROWS_WITH(oracle::pair_metric(metric::wpmi, z, c, {}, bad), Catch::Contains("eps"));
}
