// `advise` as a study: the paper's Experiment 1 conclusions in its two settings, closed forms against
// the simulation and the reference values of docs/theory.md sec. 4/4.1, and the recommendation's logic.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include <tbb/global_control.h>

#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/studies/advise.hpp"

#include "advise_pilot.hpp"

using namespace neuroncert;

namespace {
std::map<metric, studies::advise_row> rows_of(const studies::advise_result& r, std::size_t setting = 0) {
  std::map<metric, studies::advise_row> out;
  for (const auto& row : r.rows)
    if (row.setting == setting) out[row.m] = row;
  return out;
}
studies::advise_inputs matrix_inputs(const counts2x2& m, std::int64_t n) {
  studies::advise_inputs in;
  in.matrix = m;
  in.n = n;
  in.replicates = 4000;
  in.sanity_seeds = 200;
  return in;
}
}  // namespace

TEST_CASE("advise, Experiment 1 setting 1: accuracy fastest, AUROC next, IoU/recall/precision similar",
          "[studies][advise]") {
  for (std::int64_t n : {1000, 10000}) {
    const auto r = studies::advise_study(matrix_inputs(sim::setting1().m, n));
    auto e = rows_of(r);
    const double acc = *e[metric::accuracy].simulated_q95, auroc = *e[metric::auroc].simulated_q95;
    const double iou = *e[metric::iou].simulated_q95, rec = *e[metric::recall].simulated_q95,
                 prec = *e[metric::precision].simulated_q95;
    INFO("n " << n << " acc " << acc << " auroc " << auroc << " iou " << iou << " recall " << rec << " precision " << prec);
    CHECK(acc < auroc);
    CHECK(auroc < iou);
    CHECK(auroc < rec);
    CHECK(auroc < prec);
    // Recall and precision condition on events of the same probability (0.05): the same error law.
    CHECK(rec == Approx(prec).epsilon(0.15));
    CHECK(std::max({iou, rec, prec}) < 1.5 * std::min({iou, rec, prec}));
    // Normal approximation of accuracy's error: 1.96 sqrt(0.96 * 0.04 / n).
    CHECK(acc == Approx(1.96 * std::sqrt(0.96 * 0.04 / static_cast<double>(n))).epsilon(0.15));
  }
}

TEST_CASE("advise, Experiment 1 setting 2 (rho = 0.001): AUROC and recall much worse than precision and IoU",
          "[studies][advise]") {
  const auto r = studies::advise_study(matrix_inputs(sim::setting2().m, 10000));
  auto e = rows_of(r);
  const double auroc = *e[metric::auroc].simulated_q95, rec = *e[metric::recall].simulated_q95;
  const double iou = *e[metric::iou].simulated_q95, prec = *e[metric::precision].simulated_q95;
  const double acc = *e[metric::accuracy].simulated_q95;
  INFO("acc " << acc << " auroc " << auroc << " iou " << iou << " recall " << rec << " precision " << prec);
  CHECK(acc < prec);
  CHECK(auroc > 5 * std::max(prec, iou));
  CHECK(rec > 5 * std::max(prec, iou));
  // Recall's m = rho n = 10 concept positives on average: P(none) = 0.999^10000 = 4.5e-5.
  CHECK(e[metric::recall].undefined_risk == Approx(std::pow(0.999, 10000)).epsilon(1e-9));
}

TEST_CASE("advise: certified rates and planned n are docs/theory.md's reference values", "[studies][advise]") {
  auto in = matrix_inputs(sim::setting1().m, 1000);
  in.concepts = 1000;
  in.epsilon = 0.05;
  in.replicates = 200;
  const auto r = studies::advise_study(in);
  auto e = rows_of(r);
  CHECK(*e[metric::accuracy].certified_rate == Approx(0.072790).margin(5e-7));   // (ref) |C| = 1000, n = 1000
  CHECK(*e[metric::accuracy].n_needed == 2120);                                 // (ref) eps 0.05, |C| = 1000
  CHECK(*e[metric::auroc].certified_rate ==
        Approx(bounds::auroc_rate(1000, 0.05, 0.05 / 1000)).epsilon(1e-12));
  CHECK(*e[metric::recall].certified_rate == Approx(bounds::ess_rate(50, 0.05 / 1000)).epsilon(1e-12));
  CHECK(*e[metric::iou].certified_rate == Approx(bounds::ess_rate(70, 0.05 / 1000)).epsilon(1e-12));
  // The exact alternative is `plan`'s exact-binomial row: accuracy's n, and for recall (q = rho = 0.05,
  // one event per concept) the n that delivers the exact count m at delta1 = delta/2.
  CHECK(*e[metric::accuracy].n_needed_exact == bounds::plan_n_exact_binomial(0.05, 0.05, 1000));
  CHECK(*e[metric::accuracy].n_needed_exact < *e[metric::accuracy].n_needed);
  bounds::plan_request pr;
  pr.kind = bounds::rate_kind::effective_sample_size;
  pr.epsilon = 0.05;
  pr.concepts = 1000;
  pr.q = 0.05;
  pr.event_per_concept = true;
  const auto plan = bounds::plan_rows(pr);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].n == e[metric::recall].n_needed);
  CHECK(plan[1].n == e[metric::recall].n_needed_exact);
  CHECK_FALSE(e[metric::auroc].n_needed_exact.has_value());
  CHECK(e[metric::accuracy].cp_radius.has_value());
  CHECK(*e[metric::accuracy].cp_radius < *e[metric::accuracy].certified_rate);
  CHECK_FALSE(e[metric::f1].certified_rate.has_value());
  CHECK_FALSE(e[metric::f1].n_needed.has_value());
  CHECK(e[metric::f1].simulated_q95.has_value());
}

TEST_CASE("advise: undefined risk in closed form matches the simulated undefined fraction", "[studies][advise]") {
  // n = 1000 at rho = 0.001 and a = 0.002: recall undefined w.p. 0.999^1000 = 0.368, precision 0.998^1000.
  const counts2x2 w = studies::table_from_agreement(0.001, 0.5, 0.25, std::nullopt);
  CHECK(w.neuron_positives() == Approx(0.002));
  auto in = matrix_inputs(w, 1000);
  in.replicates = 20000;
  const auto r = studies::advise_study(in);
  for (const auto& row : r.rows) {
    INFO(to_string(row.m) << " closed form " << row.undefined_risk << " simulated " << row.simulated_undefined);
    const double p = row.undefined_risk, se = std::sqrt(p * (1 - p) / 20000.0);
    CHECK(std::abs(row.simulated_undefined - p) <= 4 * se + 1e-12);
  }
  CHECK(studies::undefined_probability(metric::recall, w, 1000) == Approx(std::pow(0.999, 1000)).epsilon(1e-12));
}

TEST_CASE("advise: the recommendation puts metrics passing both sanity tests first", "[studies][advise]") {
  studies::advise_inputs in;
  in.frequencies = {0.001, 0.05};  // at 0.001 accuracy, AUROC and MAD fall by less than eps under missing labels
  in.recall = 0.6;
  in.precision = 0.6;
  in.n = 20000;
  in.concepts = 100;
  in.replicates = 1000;
  in.sanity_seeds = 300;
  const auto r = studies::advise_study(in);
  REQUIRE(r.tables.size() == 2);
  CHECK(r.tables[1].f11 == Approx(0.03));  // setting 1 from recall = precision = 0.6 at rho = 0.05
  CHECK(r.tables[1].f00 == Approx(0.93));
  bool seen_other = false;
  for (const auto& s : r.summaries) {
    INFO(to_string(s.m) << ": " << s.reason);
    if (!s.recommended) seen_other = true;
    CHECK((s.recommended || seen_other));
    CHECK(!(s.recommended && seen_other));
    CHECK(!s.reason.empty());
    if (!s.recommended) CHECK(s.reason.find("fails") != std::string::npos);
  }
  std::map<metric, studies::advise_summary> by;
  for (const auto& s : r.summaries) by[s.m] = s;
  for (metric m : {metric::correlation, metric::f1, metric::iou, metric::auprc}) CHECK(by[m].recommended);
  for (metric m : {metric::accuracy, metric::recall, metric::precision, metric::auroc, metric::mad})
    CHECK_FALSE(by[m].recommended);
  CHECK(r.summaries.front().rank == 1);
  // Same result with one thread.
  studies::advise_result one;
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 1);
    one = studies::advise_study(in);
  }
  for (std::size_t i = 0; i < r.rows.size(); ++i) CHECK(r.rows[i].simulated_q95 == one.rows[i].simulated_q95);
}

TEST_CASE("advise: option checks name the option", "[studies][advise]") {
  studies::advise_inputs in;
  in.n = 1000;
  CHECK_THROWS_WITH(studies::advise_study(in), Catch::Contains("--frequency"));
  in.frequencies = {0.01};
  CHECK_THROWS_WITH(studies::advise_study(in), Catch::Contains("--neuron-recall"));
  in.recall = 0.5;
  CHECK_THROWS_WITH(studies::advise_study(in), Catch::Contains("--neuron-precision"));
  in.precision = 0.001;  // a = 5: impossible
  CHECK_THROWS_WITH(studies::advise_study(in), Catch::Contains("no valid 2x2 table"));
  in.precision = 0.5;
  in.n.reset();
  CHECK_THROWS_WITH(studies::advise_study(in), Catch::Contains("--epsilon"));
  in.epsilon = 0.05;
  CHECK_NOTHROW(studies::advise_study(in));
}

TEST_CASE("advise: a long frequency list is summarised by max_settings order statistics", "[studies][advise]") {
  studies::advise_inputs in;
  for (int i = 0; i < 1000; ++i) in.frequencies.push_back(0.001 + 0.079 * i / 999.0);
  in.concepts = 1000;
  in.recall = 0.6;
  in.alpha = 0.05;
  in.n = 5000;
  in.replicates = 100;
  in.sanity_seeds = 50;
  in.metrics = {metric::accuracy, metric::iou};
  const auto r = studies::advise_study(in);
  CHECK(r.summarised);
  REQUIRE(r.rhos.size() == static_cast<std::size_t>(studies::max_settings));
  CHECK(r.rhos.front() == 0.001);
  CHECK(r.rhos.back() == Approx(0.08));
  double total = 0;
  for (double w : r.weights) total += w;
  CHECK(total == Approx(1000.0));
  // Each representative is a given value, and stands for about 1000/50 of them.
  for (double w : r.weights) CHECK(w <= 2 * 1000.0 / 49);
}

TEST_CASE("advise: identification over the concept set (Experiment 2 with the user's frequencies)", "[studies][advise]") {
  studies::advise_inputs in;
  for (int i = 0; i < 100; ++i) in.frequencies.push_back(std::exp(std::log(1e-4) + (std::log(1e-1) - std::log(1e-4)) * i / 99.0));
  in.concepts = 100;
  in.recall = 0.5;
  in.alpha = 0.05;
  in.replicates = 400;
  in.sanity_seeds = 50;
  in.metrics = {metric::accuracy, metric::recall, metric::iou};
  std::map<std::int64_t, std::map<metric, studies::advise_identification>> by_n;
  for (std::int64_t n : {1000, 30000}) {
    in.n = n;
    const auto r = studies::advise_study(in);
    REQUIRE(r.identification.size() == 3);
    INFO(r.identification_note);
    for (const auto& x : r.identification) by_n[n][x.m] = x;
  }
  // More samples, better identification; accuracy's gap lowest, recall's (which rewards rare concepts)
  // the largest (docs/theory.md sec. 6.2).
  CHECK(by_n[30000][metric::accuracy].probability_correct > by_n[1000][metric::accuracy].probability_correct);
  CHECK(by_n[30000][metric::accuracy].gap_q95 <= by_n[1000][metric::accuracy].gap_q95);
  CHECK(by_n[1000][metric::accuracy].gap_q95 < by_n[1000][metric::recall].gap_q95);
  CHECK(by_n[30000][metric::recall].gap_q95 > by_n[30000][metric::iou].gap_q95);
  // With --neuron-precision the neuron's rate follows its concept's frequency; identification still runs.
  in.alpha.reset();
  in.precision = 0.5;
  in.frequencies = {0.01, 0.02};
  in.concepts = 2;
  const auto r = studies::advise_study(in);
  CHECK(r.identification.size() == 3);
  CHECK_THAT(r.identification_note, Catch::Contains("your agreement"));
}

TEST_CASE("advise: identification with a strong agreement finds the neuron's concept", "[studies][advise]") {
  // The neuron (rate a = 0.05) is about one concept of frequency 0.05 with recall = precision = 0.9
  // (W11 = 0.045); the other 49 get W11 ~ U(0, 0.05). At one frequency IoU, F1 and accuracy all increase
  // with W11, so the population's best is the concept with the largest W11 (often a random one: each
  // exceeds 0.045 with probability 0.1), and the runner-up lies some 0.05/50 = 0.001 in W11 below it.
  // n = 20,000 draws some 1,000 concept positives: an IoU standard error of about 0.01, so the argmax
  // is the population's in most replicates (0.94 here) and the gap, when not, is a few thousandths.
  studies::advise_inputs in;
  in.frequencies.assign(50, 0.05);
  in.concepts = 50;
  in.recall = 0.9;
  in.precision = 0.9;
  in.n = 20000;
  in.replicates = 400;
  in.sanity_seeds = 20;
  in.metrics = {metric::iou, metric::f1, metric::accuracy};
  const auto r = studies::advise_study(in);
  REQUIRE(r.identification.size() == 3);
  for (const auto& x : r.identification) {
    INFO(to_string(x.m) << " p " << x.probability_correct << " gap " << x.gap_q95);
    CHECK(x.probability_correct > 0.8);
    CHECK(x.gap_q95 < 0.02);
    CHECK(x.none_defined == 0);
  }
  // Fewer samples, worse identification.
  in.n = 200;
  const auto small = studies::advise_study(in);
  CHECK(small.identification[0].probability_correct < r.identification[0].probability_correct);
}

TEST_CASE("advise: the n at which the simulation reaches epsilon", "[studies][advise]") {
  // Accuracy in setting 1 (population 0.96): the 0.95-quantile of |error| is about 1.96 sqrt(0.96 0.04 / n),
  // epsilon 0.01 at n = 0.0384 (1.96 / 0.01)^2 = 1475; the lattice of (F00 + F11)/n and the Monte Carlo
  // quantile of 4000 replicates leave some 10%.
  auto in = matrix_inputs(sim::setting1().m, 1000);
  in.epsilon = 0.01;
  in.metrics = {metric::accuracy, metric::iou};
  in.sanity_seeds = 20;
  const auto r = studies::advise_study(in);
  std::map<metric, studies::advise_summary> by;
  for (const auto& s : r.summaries) by[s.m] = s;
  REQUIRE(by[metric::accuracy].simulated_n_needed.has_value());
  const double n_acc = static_cast<double>(*by[metric::accuracy].simulated_n_needed);
  CHECK(n_acc == Approx(0.96 * 0.04 * std::pow(1.96 / 0.01, 2)).epsilon(0.1));
  // Certified (Hoeffding at delta) needs more: sqrt(log(2/delta)/(2n)) <= 0.01 at n = 18445.
  CHECK(*by[metric::accuracy].n_needed > 10 * n_acc);
  // A fresh simulation at that n is within epsilon, at 0.8 n it is not (the search's 1% and the
  // quantile's noise are far smaller than 20%).
  REQUIRE(by[metric::iou].simulated_n_needed.has_value());
  for (metric m : {metric::accuracy, metric::iou}) {
    const std::int64_t n = *by[m].simulated_n_needed;
    auto at = matrix_inputs(sim::setting1().m, n);
    at.metrics = {m};
    at.sanity_seeds = 20;
    at.seed = 99;
    CHECK(*studies::advise_study(at).rows[0].simulated_q95 <= 0.01 * 1.05);
    at.n = n * 8 / 10;
    CHECK(*studies::advise_study(at).rows[0].simulated_q95 > 0.01);
  }
  // IoU's error is some ten times accuracy's at the same n: it needs some 50-100 times the samples.
  CHECK(static_cast<double>(*by[metric::iou].simulated_n_needed) > 30 * n_acc);
  // Without epsilon there is nothing to reach.
  in.epsilon.reset();
  CHECK_FALSE(studies::advise_study(in).summaries[0].simulated_n_needed.has_value());
}

TEST_CASE("advise in Neuron_Eval's setting: its sanity finding, and the paper's orientation", "[studies][advise]") {
  // Their five frequencies at n = 500,000 with 1000 seeds; a neuron with recall = precision = 1/2 on
  // its concept. In their orientation (the concept predicts the neuron) exactly correlation, AUPRC,
  // F1 and IoU pass both tests, with WPMI (their table's theoretical columns: 100% / 100%); the others
  // fail: recall the extra-labels test, precision and MAD the missing-labels test, AUROC (balanced
  // accuracy) extra labels, accuracy both.
  studies::advise_inputs in;
  in.frequencies = {0.499, 0.1, 0.01, 0.001, 0.0001};
  in.recall = 0.5;
  in.precision = 0.5;
  in.n = 500000;
  in.replicates = 200;
  in.sanity_orientation = orientation::neuron_eval;
  const auto passing = [](const studies::advise_result& r) {
    std::map<metric, studies::advise_summary> by;
    for (const auto& s : r.summaries) by[s.m] = s;
    return by;
  };
  auto by = passing(studies::advise_study(in));
  for (metric m : {metric::correlation, metric::auprc, metric::f1, metric::iou, metric::wpmi}) {
    INFO(to_string(m));
    CHECK(by[m].recommended);
  }
  CHECK((by[metric::recall].sanity.passes_missing && !by[metric::recall].sanity.passes_extra));
  CHECK((!by[metric::precision].sanity.passes_missing && by[metric::precision].sanity.passes_extra));
  CHECK((!by[metric::mad].sanity.passes_missing && by[metric::mad].sanity.passes_extra));
  CHECK((by[metric::auroc].sanity.passes_missing && !by[metric::auroc].sanity.passes_extra));
  CHECK((!by[metric::accuracy].sanity.passes_missing && !by[metric::accuracy].sanity.passes_extra));
  for (const auto& s : by)
    if (!s.second.recommended) CHECK_THAT(s.second.reason, Catch::Contains("fails"));
  // In the paper's orientation (identify's) AUPRC scores the neuron against the concept and misses extra
  // labels at 0.499 in about half the seeds; AUROC misses missing labels instead; recall and precision swap.
  in.sanity_orientation = orientation::paper;
  by = passing(studies::advise_study(in));
  CHECK_FALSE(by[metric::auprc].sanity.passes_extra);
  CHECK(by[metric::auprc].sanity.worst_gamma_extra == 0.499);
  CHECK((!by[metric::auroc].sanity.passes_missing && by[metric::auroc].sanity.passes_extra));
  CHECK((!by[metric::recall].sanity.passes_missing && by[metric::recall].sanity.passes_extra));
  for (metric m : {metric::correlation, metric::f1, metric::iou, metric::wpmi}) CHECK(by[m].recommended);
}

TEST_CASE("advise: error-vs-n curves repeat the simulation at each n", "[studies][advise]") {
  auto in = matrix_inputs(sim::setting1().m, 1000);
  in.replicates = 1000;
  in.curve_grid = {100, 1000, 10000};
  in.metrics = {metric::accuracy, metric::f1};
  const auto r = studies::advise_study(in);
  REQUIRE(r.curves.size() == 6);
  // Accuracy: certified is Hoeffding at each n; the simulated error falls about as 1/sqrt(n).
  for (std::size_t g = 0; g < 3; ++g) {
    const auto& pt = r.curves[g];
    CHECK(pt.m == metric::accuracy);
    CHECK(*pt.certified == Approx(bounds::hoeffding_rate(static_cast<double>(pt.n), 0.05)).epsilon(1e-12));
    CHECK(*pt.simulated_q95 < *pt.certified);
  }
  CHECK(*r.curves[0].simulated_q95 / *r.curves[2].simulated_q95 == Approx(10.0).epsilon(0.3));
  CHECK_FALSE(r.curves[3].certified.has_value());  // F1 has no closed form
  CHECK(*r.curves[5].simulated_q95 < *r.curves[4].simulated_q95);
  // The point at the evaluated n agrees with the row's simulation in distribution (different streams).
  CHECK(*r.curves[1].simulated_q95 == Approx(*rows_of(r)[metric::accuracy].simulated_q95).epsilon(0.2));
}

TEST_CASE("advise: a pilot's frequencies and agreement (top-alpha neurons, best concept by IoU)", "[studies][advise]") {
  // The constructed pilot (tests/advise_pilot.hpp): frequencies 0.05, 0.05, 0.01 and an empty concept;
  // the neurons fire on their top 5% with recalls 0.6, 0.8, 0.5 -> median 0.6.
  const auto [z, c] = test::constructed_advise_pilot();
  const studies::pilot_estimate e = studies::estimate_pilot(z, c, metric_options{});
  CHECK(e.samples == 2000);
  CHECK(e.neurons == 3);
  CHECK(e.concepts == 4);
  CHECK(e.concepts_left_out == 1);
  REQUIRE(e.frequencies.size() == 3);
  CHECK(e.frequencies[0] == Approx(0.05));
  CHECK(e.frequencies[2] == Approx(0.01));
  CHECK(e.alpha == Approx(0.05));
  CHECK(e.recall_median == Approx(0.6));
  CHECK(e.recall == Approx(0.6));
  CHECK_FALSE(e.recall_capped);
  // ... and advise runs on it.
  studies::advise_inputs in;
  in.frequencies = e.frequencies;
  in.recall = e.recall;
  in.alpha = e.alpha;
  in.concepts = 3;
  in.n = 5000;
  in.replicates = 200;
  in.sanity_seeds = 50;
  CHECK_NOTHROW(studies::advise_study(in));
  // An all-empty concept matrix cannot be used.
  CHECK_THROWS_AS(studies::estimate_pilot(z, Eigen::MatrixXd::Zero(z.rows(), 2), metric_options{}), data_error);
}
