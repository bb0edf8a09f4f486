#include <catch2/catch.hpp>

#include <cmath>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert;
using Catch::Matchers::WithinAbs;

namespace {
// 100 samples, 2 binary neurons, 3 concepts with hand-set overlaps.
probing_set small_set() {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(100, 2), y = Eigen::MatrixXd::Zero(100, 3);
  for (int i = 0; i < 20; ++i) a(i, 0) = 1;  // neuron 0 fires on samples 0..19
  for (int i = 50; i < 60; ++i) a(i, 1) = 1; // neuron 1 fires on 50..59
  for (int i = 0; i < 18; ++i) y(i, 0) = 1;  // concept 0: 0..17 (inside neuron 0)
  for (int i = 10; i < 40; ++i) y(i, 1) = 1; // concept 1: 10..39
  for (int i = 50; i < 55; ++i) y(i, 2) = 1; // concept 2: 50..54
  return make_probing_set(a, y);
}
}  // namespace

TEST_CASE("certified accuracy: Hoeffding at delta/|C|, uniform gap 2r, Clopper-Pearson", "[certify]") {
  metric_options o;
  o.binary_activations = true;
  const auto c = bounds::certify_identifications(small_set(), metric::accuracy, o, 0.05);
  // Neuron 0 vs concept 0: disagree on samples 18, 19 -> accuracy 0.98.
  CHECK(c[0].concept_index == 0);
  CHECK_THAT(c[0].estimate, WithinAbs(0.98, 1e-15));
  const double r = std::sqrt(std::log(2.0 * 3.0 / 0.05) / 200.0);
  CHECK_THAT(c[0].rate, WithinAbs(r, 1e-15));
  CHECK_THAT(c[0].gap, WithinAbs(2.0 * r, 1e-15));
  CHECK(c[0].certified.upper == 1.0);
  CHECK_THAT(c[0].certified.lower, WithinAbs(0.98 - r, 1e-15));
  REQUIRE(c[0].clopper_pearson.has_value());
  const auto cp = bounds::clopper_pearson(98, 100, 0.05 / 3.0);
  CHECK(c[0].clopper_pearson->lower == cp.lower);
  CHECK(c[0].clopper_pearson->upper == cp.upper);
  CHECK(c[0].bound == "hoeffding");
}

TEST_CASE("certified gap: r + worst r, but never above 1 (the metrics lie in [0, 1])", "[certify]") {
  // 8 samples: Hoeffding r = sqrt(log(2 |C| / delta) / (2 n)) = sqrt(log(120) / 16) = 0.547, 2r = 1.09.
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(8, 1), y = Eigen::MatrixXd::Zero(8, 3);
  a(0, 0) = a(1, 0) = 1;
  y(0, 0) = y(1, 0) = y(1, 1) = y(5, 2) = 1;
  metric_options o;
  o.binary_activations = true;
  const auto c = bounds::certify_identifications(make_probing_set(a, y), metric::accuracy, o, 0.05);
  const double r = std::sqrt(std::log(2.0 * 3.0 / 0.05) / 16.0);
  REQUIRE(2.0 * r > 1.0);
  CHECK_THAT(c[0].rate, WithinAbs(r, 1e-15));
  CHECK(c[0].gap == 1.0);
}

TEST_CASE("certified recall uses the pair's effective sample size and the worst concept", "[certify]") {
  metric_options o;
  o.binary_activations = true;
  const auto c = bounds::certify_identifications(small_set(), metric::recall, o, 0.1);
  // Neuron 0: recall of concept 0 is 18/18 = 1 (m = 18); concept 1: 10/30; concept 2: 0/5.
  CHECK(c[0].concept_index == 0);
  CHECK(c[0].estimate == 1.0);
  CHECK(c[0].effective_n == 18.0);
  const double delta_c = 0.1 / 3.0;
  const double r18 = std::sqrt(std::log(2.0 / delta_c) / 36.0), r5 = std::sqrt(std::log(2.0 / delta_c) / 10.0);
  CHECK_THAT(c[0].rate, WithinAbs(r18, 1e-15));
  CHECK_THAT(c[0].gap, WithinAbs(r18 + r5, 1e-15));  // the rarest concept has the widest rate
  REQUIRE(c[0].clopper_pearson.has_value());
  CHECK(c[0].clopper_pearson->upper == 1.0);
}

TEST_CASE("certified AUROC uses the class counts (Agarwal)", "[certify]") {
  metric_options o;
  o.binary_activations = true;
  const auto c = bounds::certify_identifications(small_set(), metric::auroc, o, 0.05);
  // Neuron 1 best matches concept 2 (TPR 1, TNR 90/95).
  CHECK(c[1].concept_index == 2);
  CHECK_THAT(c[1].estimate, WithinAbs(0.5 * (1.0 + 90.0 / 95.0), 1e-15));
  const double delta_c = 0.05 / 3.0;
  const double r = std::sqrt(std::log(2.0 / delta_c) * 100.0 / (2.0 * 5.0 * 95.0));
  CHECK_THAT(c[1].rate, WithinAbs(r, 1e-14));
  CHECK_FALSE(c[1].clopper_pearson.has_value());
  CHECK(c[1].bound == "agarwal_auroc");
}

TEST_CASE("metrics without a closed-form rate are reported without a bound", "[certify]") {
  const auto c = bounds::certify_identifications(small_set(), metric::auprc, {}, 0.05);
  CHECK_FALSE(c[0].has_bound);
  CHECK(c[0].concept_index >= 0);
  CHECK_THROWS_WITH(bounds::certify_identifications(small_set(), metric::accuracy, {}, 1.0),
                    Catch::Contains("delta"));
}
