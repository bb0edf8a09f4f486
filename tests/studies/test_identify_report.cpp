// The identify study: certification, the bootstrap stability and the Theorem 4.1 plug-in, checked by
// hand on small sets and against the library functions they are built from.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <algorithm>
#include <cmath>

#include "lib/test_data.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/studies/identify_report.hpp"

using namespace neuroncert;

namespace {

/// 8 samples, 2 binary neurons, 3 concepts (columns 1111 0000, 0001 1100, 1010 1010). Neuron 0
/// fires on samples 0-3, exactly concept 0 (accuracy 1); neuron 1 fires on samples 4-5 and agrees
/// with concept 0 on 2/8 samples, concept 1 on 7/8 and concept 2 on 4/8.
probing_set hand_set() {
  Eigen::MatrixXd a(8, 2), c(8, 3);
  a << 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0;
  c << 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0;  // rows
  return make_probing_set(a, c);
}

metric_options binary_options() {
  metric_options o;
  o.binary_activations = true;
  return o;
}

}  // namespace

TEST_CASE("identify_and_certify: hand-computed accuracy identification and its averages", "[studies][identify]") {
  const auto set = hand_set();
  const auto r = studies::identify_and_certify(set, metric::accuracy, binary_options(), 0.05);
  REQUIRE(r.neurons.size() == 2);
  // Neuron 0 = concept 0 on every sample: accuracy 1.
  CHECK(r.neurons[0].concept_index == 0);
  CHECK(r.neurons[0].estimate == 1.0);
  CHECK(r.neurons[1].concept_index == 1);
  CHECK(r.neurons[1].estimate == 0.875);
  const auto lib = bounds::certify_identifications(set, metric::accuracy, binary_options(), 0.05);
  for (std::size_t f = 0; f < 2; ++f) {
    CHECK(r.neurons[f].concept_index == lib[f].concept_index);
    CHECK(r.neurons[f].estimate == lib[f].estimate);
    CHECK(r.neurons[f].rate == lib[f].rate);
    CHECK(r.neurons[f].gap == lib[f].gap);
  }
  CHECK(r.identified == 2);
  CHECK(r.bounded == 2);
  CHECK(r.mean_estimate == 0.9375);
  CHECK(r.mean_gap == Approx((lib[0].gap + lib[1].gap) / 2).epsilon(1e-15));
  // Hoeffding at delta/|C|: r = sqrt(log(2 |C| / delta) / (2 n)), the gap 2r clipped at 1 (here
  // 2r = 1.094: accuracy lies in [0, 1], so no gap exceeds 1).
  CHECK(r.neurons[0].rate == Approx(std::sqrt(std::log(2.0 * 3 / 0.05) / (2.0 * 8))));
  CHECK(r.neurons[0].gap == Approx(std::min(1.0, 2 * r.neurons[0].rate)));
}

TEST_CASE("identify_and_certify: a metric without a closed-form rate is identified, not bounded", "[studies][identify]") {
  const auto probe = test::make_random_probe(200, 3, 4, 7);
  const auto set = make_probing_set(probe.activations, probe.concepts);
  const auto r = studies::identify_and_certify(set, metric::correlation, {}, 0.05);
  CHECK(r.identified == 3);
  CHECK(r.bounded == 0);
  CHECK(r.mean_gap == 0.0);
  double sum = 0;
  for (const auto& id : r.neurons) sum += id.estimate;
  CHECK(r.mean_estimate == Approx(sum / 3).epsilon(1e-15));
}

TEST_CASE("plugin_bound: margin, p and the corrected bound from the library functions", "[studies][identify]") {
  similarity_matrix full;
  full.value = Eigen::MatrixXd(1, 3);
  full.value << 0.9, 0.7, 0.85;
  full.reason = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(1, 3);
  const auto p = studies::plugin_bound(full, 0, metric::accuracy, 1000, 0, 0, 100, 95, 3);
  REQUIRE(p.margin);
  CHECK(*p.margin == Approx(0.05).epsilon(1e-12));
  const double expected_p = bounds::p_from_margin({bounds::rate_kind::hoeffding, 0.5}, 1000, *p.margin, 3);
  CHECK(*p.p == expected_p);
  CHECK(*p.bound == bounds::be_coverage_corrected(100, 95, expected_p));
  CHECK(*p.bound_tightened == bounds::be_coverage_tightened(100, 95, expected_p));
  CHECK(*p.paper_eq9 == bounds::paper_eq9(100, 95, expected_p));
  CHECK(p.reason.empty());

  const auto none = studies::plugin_bound(full, 0, metric::correlation, 1000, 0, 0, 100, 95, 3);
  CHECK_FALSE(none.bound);
  CHECK_FALSE(none.margin);
  CHECK(none.reason == "correlation has no closed-form rate, so p cannot be derived from a margin");

  full.value << 0.9, 0.9, 0.1;
  const auto tie = studies::plugin_bound(full, 0, metric::accuracy, 1000, 0, 0, 100, 95, 3);
  CHECK(*tie.margin == 0.0);
  CHECK_FALSE(tie.bound);
  CHECK(tie.reason == "the two best full-set estimates tie: observed margin 0");

  full.reason(0, 1) = 1;
  full.reason(0, 2) = 1;
  const auto one = studies::plugin_bound(full, 0, metric::accuracy, 1000, 0, 0, 100, 95, 3);
  CHECK(one.reason == "fewer than two defined concepts: no margin");

  full.reason.setZero();
  full.value << 0.9, 0.8, 0.1;
  const auto auroc = studies::plugin_bound(full, 0, metric::auroc, 1000, 0, 0.0, 100, 95, 3);
  CHECK(auroc.reason == "the chosen concept has no positives or no negatives");
  CHECK(*auroc.margin == Approx(0.1));
  const auto iou = studies::plugin_bound(full, 0, metric::iou, 1000, 0.0, 0.5, 100, 95, 3);
  CHECK(iou.reason == "effective sample size 0");
}

TEST_CASE("bootstrap_stability: counts, sets and summaries agree with the bootstrap ensemble", "[studies][identify]") {
  const auto probe = test::make_random_probe(150, 4, 6, 11);
  const auto set = make_probing_set(probe.activations, probe.concepts);
  const auto report = studies::identify_and_certify(set, metric::auroc, {}, 0.05);
  studies::stability_options o;
  o.resamples = 25;
  o.threshold = 20;
  o.seed = 5;
  std::vector<Eigen::Index> finished;
  std::int64_t last_done = 0, total = 0;
  o.neuron_finished = [&](const studies::neuron_stability& s) { finished.push_back(s.neuron); };
  o.progress = [&](std::string_view stage, std::int64_t done, std::int64_t t) {
    CHECK(stage == "bootstrap");
    last_done = done;
    total = t;
  };
  const auto st = studies::bootstrap_stability(set, metric::auroc, {}, report, o);
  CHECK(finished == std::vector<Eigen::Index>{0, 1, 2, 3});
  CHECK(total > 0);
  CHECK(last_done == total);

  const auto e = bootstrap_ensemble(set, metric::auroc, {}, 25, 5);
  double top1 = 0, cov = 0, be = 0;
  std::int64_t in_set = 0;
  REQUIRE(st.neurons.size() == 4);
  for (Eigen::Index f = 0; f < 4; ++f) {
    const auto& s = st.neurons[static_cast<std::size_t>(f)];
    std::vector<std::int64_t> counts(6);
    for (Eigen::Index c = 0; c < 6; ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
    // Frequencies: every chosen concept once, by count descending, ties by index, summing to K.
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < s.frequencies.size(); ++k) {
      const auto& fr = s.frequencies[k];
      CHECK(fr.count == counts[static_cast<std::size_t>(fr.concept_index)]);
      CHECK(fr.frequency == static_cast<double>(fr.count) / 25.0);
      if (k > 0) {
        const auto& prev = s.frequencies[k - 1];
        CHECK((prev.count > fr.count || (prev.count == fr.count && prev.concept_index < fr.concept_index)));
      }
      sum += fr.count;
    }
    CHECK(sum + s.unidentified == 25);
    CHECK(s.be.concepts == be_prediction_set(counts, 20).concepts);
    const auto sm = summarize_stability(counts, 25);
    CHECK(s.summary.top_concept == sm.top_concept);
    CHECK(s.summary.top1_frequency == sm.top1_frequency);
    CHECK(s.full_set_concept == report.neurons[static_cast<std::size_t>(f)].concept_index);
    top1 += sm.top1_frequency;
    cov += static_cast<double>(sm.coverage90_size);
    be += static_cast<double>(s.be.concepts.size());
    in_set += std::find(s.be.concepts.begin(), s.be.concepts.end(), s.full_set_concept) != s.be.concepts.end();
    CHECK(s.plugin.bound.has_value() == s.plugin.reason.empty());
  }
  CHECK(st.mean_top1_frequency == Approx(top1 / 4).epsilon(1e-15));
  CHECK(st.mean_coverage90_size == Approx(cov / 4).epsilon(1e-15));
  CHECK(st.mean_be_set_size == Approx(be / 4).epsilon(1e-15));
  CHECK(st.full_set_concept_in_be_set == in_set);
}
