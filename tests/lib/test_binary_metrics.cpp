#include <catch2/catch.hpp>

#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert;
using Catch::Matchers::WithinAbs;

namespace {
// The population matrices of docs/theory.md sec. 6.1 as counts (W_ij = P(f=i, c=j)).
constexpr counts2x2 setting1{0.93, 0.02, 0.02, 0.03};
constexpr counts2x2 setting2{0.9499, 0.0001, 0.0491, 0.0009};
}  // namespace

TEST_CASE("Setting 1 population values match docs/theory.md sec. 6.1 (ref)", "[metrics]") {
  CHECK_THAT(accuracy(setting1).value, WithinAbs(0.96, 1e-12));
  CHECK_THAT(recall(setting1).value, WithinAbs(0.6, 1e-12));
  CHECK_THAT(precision(setting1).value, WithinAbs(0.6, 1e-12));
  CHECK_THAT(iou(setting1).value, WithinAbs(0.4285714286, 5e-11));
  CHECK_THAT(auroc_binary(setting1).value, WithinAbs(0.7894736842, 5e-11));
  CHECK_THAT(auroc_binary(setting1, auroc_convention::strict).value, WithinAbs(0.5873684211, 5e-11));
  CHECK_THAT(setting1.concept_positives(), WithinAbs(0.05, 1e-15));  // rho
}

TEST_CASE("Setting 2 population values match docs/theory.md sec. 6.1 (ref)", "[metrics]") {
  CHECK_THAT(accuracy(setting2).value, WithinAbs(0.9508, 1e-12));
  CHECK_THAT(recall(setting2).value, WithinAbs(0.9, 1e-12));
  CHECK_THAT(precision(setting2).value, WithinAbs(0.018, 1e-12));
  CHECK_THAT(iou(setting2).value, WithinAbs(0.01796407186, 5e-12));
  CHECK_THAT(auroc_binary(setting2).value, WithinAbs(0.9254254254, 5e-11));
  CHECK_THAT(auroc_binary(setting2, auroc_convention::strict).value, WithinAbs(0.8557657658, 5e-11));
  CHECK_THAT(setting2.concept_positives(), WithinAbs(0.001, 1e-15));
}

TEST_CASE("hand-computed integer counts", "[metrics]") {
  // f00=50, f01=5, f10=10, f11=35: n=100.
  const counts2x2 k{50, 5, 10, 35};
  CHECK(accuracy(k).value == 0.85);
  CHECK_THAT(recall(k).value, WithinAbs(35.0 / 40.0, 1e-15));
  CHECK_THAT(precision(k).value, WithinAbs(35.0 / 45.0, 1e-15));
  CHECK_THAT(iou(k).value, WithinAbs(35.0 / 50.0, 1e-15));
  CHECK_THAT(f1(k).value, WithinAbs(70.0 / 85.0, 1e-15));
  // TPR = 35/40, TNR = 50/60.
  CHECK_THAT(auroc_binary(k).value, WithinAbs(0.5 * (35.0 / 40.0 + 50.0 / 60.0), 1e-15));
  CHECK_THAT(auroc_binary(k, auroc_convention::strict).value, WithinAbs(35.0 / 40.0 * 50.0 / 60.0, 1e-15));
}

TEST_CASE("Neuron_Eval orientation swaps recall and precision", "[metrics]") {
  const counts2x2 k{50, 5, 10, 35};
  CHECK(recall(k, orientation::neuron_eval).value == precision(k).value);
  CHECK(precision(k, orientation::neuron_eval).value == recall(k).value);
  CHECK(recall(counts2x2{5, 5, 0, 0}, orientation::neuron_eval).reason == undefined_reason::neuron_never_fires);
  CHECK(precision(counts2x2{5, 0, 5, 0}, orientation::neuron_eval).reason == undefined_reason::no_concept_positives);
}

TEST_CASE("undefined metrics carry their reason, never NaN", "[metrics]") {
  const counts2x2 no_concept{90, 0, 10, 0};
  CHECK(recall(no_concept).reason == undefined_reason::no_concept_positives);
  CHECK(auroc_binary(no_concept).reason == undefined_reason::no_concept_positives);
  CHECK(iou(no_concept).defined());  // the neuron fires: IoU = 0
  CHECK(iou(no_concept).value == 0.0);
  const counts2x2 silent{90, 10, 0, 0};
  CHECK(precision(silent).reason == undefined_reason::neuron_never_fires);
  const counts2x2 nothing{100, 0, 0, 0};
  CHECK(iou(nothing).reason == undefined_reason::both_empty);
  CHECK(f1(nothing).reason == undefined_reason::both_empty);
  CHECK(accuracy(counts2x2{}).reason == undefined_reason::empty_sample);
  CHECK(auroc_binary(counts2x2{0, 10, 0, 5}).reason == undefined_reason::no_concept_negatives);
  CHECK(accuracy(counts2x2{}).value == 0.0);
}

TEST_CASE("binary_metric dispatch rejects continuous-only metrics", "[metrics]") {
  const counts2x2 k{50, 5, 10, 35};
  CHECK(binary_metric(metric::iou, k).value == iou(k).value);
  CHECK_THROWS_AS(binary_metric(metric::auprc, k), invalid_argument);
  CHECK_THROWS_WITH(binary_metric(metric::correlation, k), Catch::Contains("correlation"));
}

TEST_CASE("metric names round trip and unknown names are rejected by name", "[metrics]") {
  for (metric m : all_metrics) CHECK(parse_metric(to_string(m)) == m);
  CHECK_THROWS_WITH(parse_metric("acuracy"), Catch::Contains("unknown metric 'acuracy'"));
}

TEST_CASE("count_pairs: soft concepts and weights", "[metrics]") {
  const std::vector<double> f{1, 1, 0, 0}, c{1, 0.5, 0, 1}, w{2, 1, 3, 1};
  const counts2x2 k = count_pairs(f, c, w);
  CHECK(k.f11 == 2.5);
  CHECK(k.f10 == 0.5);
  CHECK(k.f01 == 1.0);
  CHECK(k.f00 == 3.0);
  CHECK_THROWS_AS(count_pairs(f, std::vector<double>{1, 0}), invalid_argument);
}
