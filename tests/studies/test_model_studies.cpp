// The studies on real activations (SIEVE, BE stability, real-data identification), run on small
// synthetic matrices: no model or image is needed to check what they compute.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro

#include <set>

#include <torch/torch.h>

#include "lib/test_data.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/studies/activation_cache.hpp"
#include "neuroncert/studies/be_stability.hpp"
#include "neuroncert/studies/real_data.hpp"
#include "neuroncert/studies/sieve_study.hpp"

using namespace neuroncert;

namespace {

/// Probe and held-out halves of a random probe set whose concepts are 0/1.
studies::sieve_data synthetic_sieve_data() {
  const auto p = test::make_random_probe(400, 6, 5, 3);
  studies::sieve_data d;
  d.probe_acts = p.activations.topRows(200).array().exp();  // positive: the ratio is defined
  d.held_acts = p.activations.bottomRows(200).array().exp();
  d.probe_concepts = p.concepts.topRows(200);
  d.held_concepts = p.concepts.bottomRows(200);
  d.concept_names = {"a", "b", "c", "d", "e"};
  d.model_name = "synthetic";
  d.images = 400;
  return d;
}

}  // namespace

TEST_CASE("sieve_study: run_sieve's result with the activation-rate statistics and per-neuron summaries",
          "[studies][sieve]") {
  const auto d = synthetic_sieve_data();
  sieve_options o;
  o.beta = 1.5;
  o.top = 10;
  const auto rep = studies::sieve_study(d, o, 0.1, 0.05);
  const auto direct = run_sieve(d.probe_acts, d.probe_concepts, d.held_acts, d.held_concepts, o);
  REQUIRE(rep.result.hypotheses.size() == direct.hypotheses.size());
  CHECK(rep.result.kept == direct.kept);
  REQUIRE(rep.stats.size() == direct.hypotheses.size());
  std::size_t significant = 0;
  for (std::size_t k = 0; k < direct.hypotheses.size(); ++k) {
    const auto& h = direct.hypotheses[k];
    const auto s = bounds::activation_rate(h.fired, h.images, 0.1, 0.05);
    CHECK(rep.stats[k].clopper_pearson.lower == s.clopper_pearson.lower);
    CHECK(rep.stats[k].p_value == s.p_value);
    significant += s.significant ? 1 : 0;
  }
  CHECK(rep.significant == significant);
  REQUIRE(rep.neurons.size() == direct.neurons.size());
  std::size_t selected = 0;
  double largest = 0;
  for (std::size_t i = 0; i < direct.neurons.size(); ++i) {
    const auto& n = direct.neurons[i];
    selected += n.select.selected ? 1 : 0;
    if (n.select.ratio) largest = std::max(largest, *n.select.ratio);
    std::size_t kept = 0;
    for (auto j : n.hypotheses) kept += direct.hypotheses[j].kept ? 1 : 0;
    CHECK(rep.neurons[i].kept == kept);
    CHECK(rep.neurons[i].best.has_value() == !n.hypotheses.empty());
    if (rep.neurons[i].best)
      for (auto j : n.hypotheses) CHECK(direct.hypotheses[j].rate <= direct.hypotheses[*rep.neurons[i].best].rate);
    CHECK(rep.neurons[i].silhouette.has_value() == (n.clusters >= 2));
  }
  CHECK(rep.selected == selected);
  CHECK(rep.largest_ratio == largest);
  CHECK(rep.undefined == 0);
}

TEST_CASE("sieve_ablation: eight SIEVE variants, then one identification row per metric", "[studies][sieve]") {
  const auto d = synthetic_sieve_data();
  sieve_options o;
  o.beta = 1.5;
  o.top = 10;
  const auto rows = studies::sieve_ablation(d, o);
  REQUIRE(rows.size() == 8 + std::size(pair_metrics));
  CHECK(rows[0].method == "sieve");
  CHECK(rows[0].select == "on");
  CHECK(rows[0].cluster == "on");
  CHECK(rows[0].verify == "on");
  CHECK(rows[7].select == "off");
  CHECK(rows[7].verify == "off");
  // The full-pipeline row is run_sieve with the base options.
  const auto full = run_sieve(d.probe_acts, d.probe_concepts, d.held_acts, d.held_concepts, o);
  CHECK(rows[0].kept == full.kept);
  CHECK(rows[1].kept == full.hypotheses.size());
  if (!full.hypotheses.empty()) {
    CHECK(*rows[0].mean_ar == full.mean_ar);
    CHECK(*rows[1].mean_ar == full.mean_ar_all);
  }
  for (std::size_t k = 8; k < rows.size(); ++k) {
    CHECK(rows[k].method == "identify:" + std::string(to_string(pair_metrics[k - 8])));
    CHECK(rows[k].neurons == 6);
    CHECK(rows[k].kept == rows[k].hypotheses);
  }
  // The layout: model in the CSV only, mean_ar null when absent.
  studies::ablation_row none{"sieve", "on", "on", "on", 3, 0, 0, std::nullopt};
  const auto j = studies::to_json(studies::ablation_layout(), studies::ablation_record{"m", none});
  CHECK_FALSE(j.contains("model"));
  CHECK(j["mean_ar"].is_null());
  CHECK(j["neurons"] == 3);
  CHECK(studies::csv_header(studies::ablation_layout()).front() == "model");
}

TEST_CASE("stability_by_metric: the bootstrap ensemble's Table 3/4 averages and Fig. 5 bars", "[studies][stability]") {
  const auto p = test::make_random_probe(120, 3, 4, 9);
  const auto set = make_probing_set(p.activations, p.concepts);
  std::vector<std::string> stages;
  const auto t = studies::stability_by_metric(set, 10, 4, metric::auroc, 2, 3,
                                              [&](std::string_view s, std::int64_t, std::int64_t) {
                                                stages.emplace_back(s);
                                              });
  REQUIRE(t.metrics.size() == std::size(pair_metrics));
  CHECK(stages.size() == std::size(pair_metrics));
  for (std::size_t k = 0; k < t.metrics.size(); ++k) {
    const metric m = pair_metrics[k];
    CHECK(t.metrics[k].which == m);
    const auto e = bootstrap_ensemble(set, m, {}, 10, 4);
    double top1 = 0, be = 0;
    for (Eigen::Index f = 0; f < 3; ++f) {
      std::vector<std::int64_t> counts(4);
      for (Eigen::Index c = 0; c < 4; ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
      top1 += summarize_stability(counts, 10).top1_frequency;
      be += static_cast<double>(be_prediction_set(counts, bounds::threshold_from_fraction(0.95, 10)).concepts.size());
    }
    CHECK(t.metrics[k].top1_frequency_mean == Approx(top1 / 3).epsilon(1e-15));
    CHECK(t.metrics[k].be95_size_mean == Approx(be / 3).epsilon(1e-15));
  }
  // Bars: AUROC, neurons 0 and 1 only, ranks 1.. with non-increasing frequencies.
  REQUIRE_FALSE(t.bars.empty());
  for (std::size_t k = 0; k < t.bars.size(); ++k) {
    CHECK(t.bars[k].neuron < 2);
    CHECK(t.bars[k].rank <= 3);
    CHECK(t.bars[k].frequency > 0);
    if (k > 0 && t.bars[k].neuron == t.bars[k - 1].neuron) {
      CHECK(t.bars[k].rank == t.bars[k - 1].rank + 1);
      CHECK(t.bars[k].frequency <= t.bars[k - 1].frequency);
    }
  }
}

TEST_CASE("summarise_identification: hand-computed averages over identified neurons", "[studies][real-data]") {
  std::vector<bounds::certified_identification> ids(3);
  ids[0].concept_index = 0;
  ids[0].estimate = 0.8;
  ids[0].has_bound = true;
  ids[0].bound = "hoeffding";
  ids[0].gap = 0.2;
  ids[0].rate = 0.1;
  ids[1].concept_index = 2;
  ids[1].estimate = 0.6;
  ids[1].has_bound = true;
  ids[1].bound = "hoeffding";
  ids[1].gap = 0.4;
  ids[1].rate = 0.3;
  ids[2].concept_index = -1;  // unidentified: left out
  const std::vector<std::string> names = {"coarse:animals", "cat", "coarse:vehicles"};
  const auto s = studies::summarise_identification(ids, names);
  CHECK(s.identified == 2);
  CHECK(s.mean_estimate == Approx(0.7));
  CHECK(s.coarse_share == 1.0);
  CHECK(s.has_bound);
  CHECK(s.bound == "hoeffding");
  CHECK(s.mean_gap == Approx(0.3));
  CHECK(s.mean_rate == Approx(0.2));
  CHECK(s.distinct_concepts == 2);
  const auto empty = studies::summarise_identification({}, names);
  CHECK(empty.identified == 0);
  CHECK(empty.mean_estimate == 0.0);
  CHECK_FALSE(empty.has_bound);
}

TEST_CASE("activation cache: tensors and concept matrices as double matrices", "[studies][cache]") {
  at::Tensor t = at::zeros({2, 3}, at::kFloat);
  float* p = t.data_ptr<float>();
  for (int k = 0; k < 6; ++k) p[k] = std::vector<float>{1.5f, -2.0f, 0.25f, 4.0f, 5.0f, 6.0f}[static_cast<std::size_t>(k)];
  const Eigen::MatrixXd m = studies::to_matrix(t);
  REQUIRE(m.rows() == 2);
  REQUIRE(m.cols() == 3);
  CHECK(m(0, 0) == 1.5);
  CHECK(m(0, 1) == -2.0);
  CHECK(m(1, 2) == 6.0);
}
