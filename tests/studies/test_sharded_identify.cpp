// The sharded identify study's parts that the end-to-end test (tests/scripts/test_identify_sharded.sh)
// does not isolate: the memory plan and the results' byte encoding; and the study itself in one
// process against identify_and_certify and bootstrap_stability.
#include <cmath>
#include <filesystem>

#include <catch2/catch.hpp>

#include "neuroncert/core/communicator.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/studies/identify_wire.hpp"
#include "neuroncert/studies/sharded_identify.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;
using namespace neuroncert::studies;

TEST_CASE("the rank memory plan fits the budget with whole engine blocks and refuses what cannot fit", "[sharded]") {
  // n 400,000, F 4,096, |C| 2,000 at 1% density over 2 ranks with a 2 GiB budget.
  const double budget = 2.0 * 1024 * 1024 * 1024;
  const auto p = plan_rank_memory(400000, 4096, 2000, 8000000, true, 2, metric::accuracy, 0, budget, 0, 2);
  CHECK(p.neurons_per_rank == 2048);
  CHECK(p.total_bytes <= budget);
  CHECK(p.block % 32 == 0);
  CHECK(p.rounds == (2048 + p.block - 1) / p.block);
  // One more engine block would not fit.
  const auto bigger = plan_rank_memory(400000, 4096, 2000, 8000000, true, 2, metric::accuracy, 0, budget, p.block + 32, 2);
  CHECK(bigger.total_bytes > budget);
  // A budget below the concepts alone is refused, naming the option.
  CHECK_THROWS_WITH(plan_rank_memory(400000, 4096, 2000, 8000000, true, 2, metric::accuracy, 0, 50e6),
                    Catch::StartsWith("--rank-memory: a rank needs at least"));
  // Everything fits: one round of each rank's whole range.
  const auto all = plan_rank_memory(1000, 70, 25, 2500, true, 3, metric::auroc, 100, 64e9);
  CHECK(all.block == 24);
  CHECK(all.rounds == 1);
  // A layer metric needs the whole layer in one block of one process.
  CHECK_NOTHROW(plan_rank_memory(1000, 70, 25, 2500, false, 1, metric::cd_wpmi, 0, 64e9));
  CHECK_THROWS_AS(plan_rank_memory(1000, 70, 25, 2500, false, 2, metric::cd_wpmi, 0, 64e9), invalid_argument);
  CHECK_THROWS_AS(plan_rank_memory(1000, 70, 25, 2500, false, 1, metric::soft_wpmi, 0, 64e9, 10), invalid_argument);
}

TEST_CASE("identify results survive the byte encoding bit for bit", "[sharded]") {
  finished_neurons n;
  n.index = {7, 3};
  bounds::certified_identification a;
  a.concept_index = 4;
  a.estimate = 0.1 + 0.2;  // not a short decimal
  a.has_bound = true;
  a.bound = "hoeffding";
  a.rate = std::nextafter(0.25, 1.0);
  a.certified = {0.05, 0.55};
  a.clopper_pearson = bounds::interval{0.1, 0.4};
  a.gap = 1.0;
  a.gap_vacuous = true;
  a.candidates.method = "exact";
  a.candidates.lcb_concept = 2;
  a.candidates.members = {4, 2, 9};
  bounds::certified_identification b;  // every concept undefined: the defaults
  n.identification = {a, b};
  neuron_stability s;
  s.neuron = 7;
  s.frequencies = {{4, 9, 0.9}, {2, 1, 0.1}};
  s.be.concepts = {4, 2};
  s.be.cumulative = 10;
  s.plugin.margin = 0.03;
  s.plugin.reason = "";
  neuron_stability t;
  t.neuron = 3;
  t.plugin.reason = "fewer than two defined concepts: no margin";
  n.stability = {s, t};
  const std::string bytes = encode(n);
  const auto back = decode_finished_neurons(bytes);
  REQUIRE(back.index == n.index);
  CHECK(back.identification[0].estimate == a.estimate);
  CHECK(back.identification[0].rate == a.rate);
  CHECK(back.identification[0].bound == "hoeffding");
  REQUIRE(back.identification[0].clopper_pearson);
  CHECK(back.identification[0].clopper_pearson->upper == 0.4);
  CHECK(back.identification[0].candidates.members == a.candidates.members);
  CHECK(back.identification[0].gap_vacuous);
  CHECK(back.identification[1].concept_index == -1);
  CHECK(!back.identification[1].clopper_pearson);
  CHECK(back.stability[0].frequencies[1].frequency == 0.1);
  CHECK(back.stability[0].plugin.margin == 0.03);
  CHECK(!back.stability[0].plugin.p);
  CHECK(back.stability[1].plugin.reason == t.plugin.reason);
  CHECK(encode(back) == bytes);
  // Truncated or padded bytes are refused.
  CHECK_THROWS_AS(decode_finished_neurons(bytes.substr(0, bytes.size() - 1)), data_error);
  CHECK_THROWS_AS(decode_finished_neurons(bytes + "x"), data_error);
}

TEST_CASE("the sharded study in one process equals identify_and_certify and bootstrap_stability", "[sharded]") {
  test::per_test_dir tmp;
  const Eigen::Index n = 211, F = 13, C = 6;
  Eigen::MatrixXd a(n, F), y(n, C);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index c = 0; c < C; ++c) y(i, c) = ((i * 7 + c * 3) % 11) < 3 ? 1.0 : 0.0;
    for (Eigen::Index f = 0; f < F; ++f) a(i, f) = std::sin(0.37 * static_cast<double>(i * (f + 1))) + y(i, f % C);
  }
  // Shards of 100, 1 and 110 rows.
  io::write_npy(tmp.dir / "s0.npy", Eigen::MatrixXd(a.topRows(100)));
  io::write_npy(tmp.dir / "s1.npy", Eigen::MatrixXd(a.middleRows(100, 1)));
  io::write_npy(tmp.dir / "s2.npy", Eigen::MatrixXd(a.bottomRows(110)));
  io::write_npy(tmp.dir / "y.npy", y);
  sharded_identify_request q;
  q.activation_shards = {tmp.dir / "s0.npy", tmp.dir / "s1.npy", tmp.dir / "s2.npy"};
  q.concept_shards = {tmp.dir / "y.npy"};
  q.which = metric::iou;
  q.rank_memory_bytes = 1e9;
  q.block_neurons = 5;  // three rounds: 5, 5, 3
  q.bootstrap = stability_options{20, 18, 99, {}, {}};
  local_communicator one;
  const auto r = identify_sharded(one, q);
  CHECK(r.plan.rounds == 3);
  const auto set = make_probing_set(a, y);
  const auto ref = identify_and_certify(set, metric::iou, {}, 0.05);
  const auto boot = bootstrap_stability(set, metric::iou, {}, ref, *q.bootstrap);
  REQUIRE(r.report.neurons.size() == static_cast<std::size_t>(F));
  for (std::size_t f = 0; f < ref.neurons.size(); ++f) {
    CHECK(r.report.neurons[f].concept_index == ref.neurons[f].concept_index);
    CHECK(r.report.neurons[f].estimate == ref.neurons[f].estimate);
    CHECK(r.report.neurons[f].certified.lower == ref.neurons[f].certified.lower);
    CHECK(r.report.neurons[f].candidates.members == ref.neurons[f].candidates.members);
    CHECK(r.stability->neurons[f].neuron == boot.neurons[f].neuron);
    CHECK(r.stability->neurons[f].be.concepts == boot.neurons[f].be.concepts);
    CHECK(r.stability->neurons[f].plugin.p == boot.neurons[f].plugin.p);
  }
  CHECK(r.report.mean_gap == ref.mean_gap);
  CHECK(r.stability->mean_top1_frequency == boot.mean_top1_frequency);
  CHECK(r.names.front() == "concept_0");
}
