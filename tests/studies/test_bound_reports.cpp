// The closed-form studies behind plan, bound and be-coverage (studies/bound_reports.hpp): their
// results against the bounds library and hand-computed values, the option checks that depend on the
// metric, and the keys of the JSON reports.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <cmath>
#include <string>
#include <string_view>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/studies/bound_reports.hpp"

using namespace neuroncert;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

/// The options a user gave, as the CLI reports them to a study: here only `extra` (if any).
studies::option_given given_if(std::string_view extra = "") {
  return [extra](std::string_view option) { return !extra.empty() && option == extra; };
}

}  // namespace

TEST_CASE("plan study: Hoeffding n for accuracy, and the JSON report's keys", "[studies][bound_reports]") {
  studies::plan_inputs in;
  in.metric_name = "accuracy";
  in.concepts = 10;
  in.epsilon = 0.05;
  const auto r = studies::plan_study(in, given_if());
  CHECK(r.m == metric::accuracy);
  REQUIRE_FALSE(r.rows.empty());
  // n = ceil(ln(2 |C| / delta) / (2 eps^2)) = ceil(ln(400) / 0.005) = ceil(1198.29) = 1199.
  CHECK(r.rows.front().n == 1199);
  const auto j = studies::plan_json(in, r);
  CHECK(j["metric"] == "accuracy");
  CHECK(j["concepts"] == 10);
  CHECK(j["delta_per_concept"].get<double>() == Approx(0.005));
  CHECK(j["epsilon"] == 0.05);
  CHECK_FALSE(j.contains("metadata"));  // the caller's
  CHECK_FALSE(j.contains("q"));
  CHECK(j["bounds"].size() == r.rows.size());
  CHECK(j["bounds"][0]["n"] == 1199);
}

TEST_CASE("plan study: a margin plans for half of it; recall's q is rho", "[studies][bound_reports]") {
  studies::plan_inputs in;
  in.metric_name = "recall";
  in.concepts = 10;
  in.margin = 0.2;
  in.rho = 0.25;
  const auto r = studies::plan_study(in, given_if());
  CHECK(r.request.epsilon == 0.1);
  CHECK(r.request.q == 0.25);
  const auto j = studies::plan_json(in, r);
  CHECK(j["margin"] == 0.2);
  CHECK(j["epsilon"] == 0.1);
  CHECK(j["q"] == 0.25);
}

TEST_CASE("plan study: options the metric does not read are refused, by name", "[studies][bound_reports]") {
  studies::plan_inputs in;
  in.metric_name = "accuracy";
  in.epsilon = 0.1;
  CHECK_THROWS_WITH(
      studies::plan_study(in, given_if("--delta-split")),
      Equals("--delta-split is not used for metric accuracy (only recall, precision and iou split delta)"));
  in.metric_name = "precision";
  CHECK_THROWS_WITH(studies::plan_study(in, given_if()), Contains("--rate is required for precision"));
  in.metric_name = "auroc";
  CHECK_THROWS_WITH(studies::plan_study(in, given_if()), Equals("--rho (the concept frequency) is required for auroc"));
  in.metric_name = "mad";
  CHECK_THROWS_WITH(studies::plan_study(in, given_if()), Contains("has no closed-form bound"));
  in.metric_name = "accuracy";
  in.n = 100;
  CHECK_THROWS_WITH(studies::plan_study(in, given_if()), Equals("give exactly one of --epsilon, --margin or --n"));
}

TEST_CASE("bound study: n from the counts, the estimate and its intervals in the report", "[studies][bound_reports]") {
  studies::bound_inputs in;
  in.metric_name = "accuracy";
  in.concepts = 10;
  in.counts = {400, 100, 50, 450};
  const auto r = studies::bound_study(in, given_if());
  CHECK(r.n == 1000);
  CHECK(r.delta_per_concept == Approx(0.005));
  // Hoeffding: r = sqrt(ln(2 / 0.005) / (2 * 1000)).
  CHECK(r.report.rate == Approx(std::sqrt(std::log(400.0) / 2000.0)));
  const auto j = studies::bound_json(in, r);
  CHECK(j["n"] == 1000);
  CHECK(j["counts"]["f01"] == 100);
  CHECK(j["estimate"].get<double>() == Approx(0.85));  // (400 + 450) / 1000
  CHECK(j["rate_interval"]["upper"].get<double>() == Approx(0.85 + r.report.rate));
  CHECK(j["clopper_pearson"]["successes"] == 850);
  CHECK(j["clopper_pearson"]["level"].get<double>() == Approx(0.005));
}

TEST_CASE("bound study: an undefined estimate is null with its reason; bad n and rho refused",
          "[studies][bound_reports]") {
  studies::bound_inputs in;
  in.metric_name = "recall";
  in.counts = {400, 0, 50, 0};  // no concept positives
  const auto j = studies::bound_json(in, studies::bound_study(in, given_if()));
  CHECK(j["estimate"].is_null());
  CHECK_FALSE(j["undefined_reason"].get<std::string>().empty());
  CHECK_FALSE(j.contains("clopper_pearson"));
  in.n = 7;
  CHECK_THROWS_WITH(studies::bound_study(in, given_if()), Equals("--n (7) must equal the sum of --counts (450)"));
  in = {};
  in.metric_name = "accuracy";
  in.n = 10;
  in.rho = 0.3;
  CHECK_THROWS_WITH(studies::bound_study(in, given_if("--rho")),
                    Equals("--rho is not used for metric accuracy (only auroc's rate uses the frequency)"));
  in.rho.reset();
  in.n.reset();
  CHECK_THROWS_WITH(studies::bound_study(in, given_if()),
                    Equals("--n is required (or give --counts f00,f01,f10,f11)"));
}

TEST_CASE("be-coverage study: given p, and p solved from the margin", "[studies][bound_reports]") {
  studies::be_coverage_inputs in;
  in.K = 10;
  in.threshold = 5;
  in.p = 0.3;
  auto r = studies::be_coverage_study(in);
  CHECK(r.threshold == 5);
  CHECK(r.p_source == "given");
  CHECK(std::abs(r.corrected - 0.8497316674) < 5e-11);  // docs/theory.md sec. 5
  CHECK(r.tightened == bounds::be_coverage_tightened(10, 5, 0.3));
  CHECK(r.paper_eq9 == bounds::paper_eq9(10, 5, 0.3));
  const auto j = studies::be_coverage_json(in, r);
  CHECK(j["K"] == 10);
  CHECK(j["paper_eq9_at_kS_eq_t"] == r.paper_eq9);
  CHECK(j["caveat"] == bounds::be_coverage_caveat);

  in.p.reset();
  in.threshold.reset();
  in.threshold_fraction = 0.5;
  in.n = 10000;
  in.margin = 0.04;
  in.concepts = 100;
  in.metric_name = "accuracy";
  r = studies::be_coverage_study(in);
  CHECK(r.threshold == 5);
  CHECK(r.p == Approx(200.0 * std::exp(-8.0)));  // 2 |C| exp(-n Delta^2 / 2)
  CHECK_THAT(r.p_source, Contains("solves r(n, p/|C|) = Delta/2 (accuracy, n = 10000"));
}

TEST_CASE("be-coverage study: K, the threshold and p are checked in that order", "[studies][bound_reports]") {
  studies::be_coverage_inputs in;
  in.K = 0;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--K must lie between 1 and 1000000"));
  in.K = 100;
  CHECK_THROWS_WITH(studies::be_coverage_study(in),
                    Equals("give exactly one of --threshold or --threshold-fraction"));
  in.threshold = 95;
  CHECK_THROWS_WITH(studies::be_coverage_study(in),
                    Equals("give --p, or all of --n, --margin, --concepts and --metric"));
  in.p = 0.1;
  in.rho = 0.2;
  CHECK_THROWS_WITH(studies::be_coverage_study(in),
                    Equals("--p excludes --n, --margin, --concepts, --metric and --rho"));
  in.rho.reset();
  in.disagreement = 0.3;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--disagreement needs --n, --margin"));
}

TEST_CASE("be-coverage study: --disagreement adds the pairwise bound (accuracy only)", "[studies][bound_reports]") {
  studies::be_coverage_inputs in;
  in.K = 100;
  in.threshold = 95;
  in.n = 1000;
  in.margin = 0.04;
  in.concepts = 10;
  in.metric_name = "accuracy";
  CHECK_FALSE(studies::be_coverage_study(in).pairwise);
  in.disagreement = 0.344;
  const auto r = studies::be_coverage_study(in);
  REQUIRE(r.pairwise);
  CHECK(r.pairwise->p == bounds::p_from_disagreement(1000, 0.04, 0.344, 10));
  CHECK(r.pairwise->p < r.p);
  CHECK(r.pairwise->corrected == bounds::be_coverage_corrected(100, 95, r.pairwise->p));
  CHECK(r.pairwise->tightened == bounds::be_coverage_tightened(100, 95, r.pairwise->p));
  CHECK(r.pairwise->exact == bounds::pairwise_error_exact(1000, 0.04, 0.344));
  const auto j = studies::be_coverage_json(in, r);
  CHECK(j["pairwise"]["p"] == r.pairwise->p);
  CHECK(j["pairwise"]["per_runner_up"]["bernstein"] == r.pairwise->bernstein);
  in.metric_name = "iou";
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--disagreement applies to --metric accuracy only"));
  in.metric_name = "accuracy";
  in.disagreement = 0.03;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--disagreement must lie in [--margin, 1] = [0.04, 1]"));
  in.disagreement = 0.5;
  in.n = 1000.5;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--n must be a whole number"));
  in.n = 1000;
  in.concepts = 1;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("--concepts must be at least 2 with --disagreement"));
}

TEST_CASE("be-coverage study: a pilot gives each runner-up's margin and disagreement", "[studies][bound_reports]") {
  // 10 pilot samples, neuron fires on the first 5. Concept 0 differs from it on row 0 (accuracy 0.9),
  // concept 1 on rows 0, 1, 5 (0.7), concept 2 on rows 2, 3 (0.8). c* = 0. Against c*: concept 1 loses
  // rows 1, 5 and gains none (margin 0.2, disagreement 0.2); concept 2 loses 2, 3 and gains row 0
  // (margin 0.1, disagreement 0.3).
  Eigen::MatrixXd f = Eigen::MatrixXd::Zero(10, 1), c(10, 3);
  for (int i = 0; i < 5; ++i) f(i, 0) = 1;
  for (int j = 0; j < 3; ++j) c.col(j) = f.col(0);
  const auto flip = [&](int i, int j) { c(i, j) = 1 - c(i, j); };
  flip(0, 0);
  flip(0, 1), flip(1, 1), flip(5, 1);
  flip(2, 2), flip(3, 2);
  const auto e = studies::be_pilot_estimate(f, c);
  CHECK(e.best == 0);
  CHECK(e.best_accuracy == Approx(0.9));
  REQUIRE(e.runner_ups.size() == 2u);
  CHECK(e.runner_ups[0].margin == Approx(0.2));
  CHECK(e.runner_ups[0].disagreement == Approx(0.2));
  CHECK(e.runner_ups[1].margin == Approx(0.1));
  CHECK(e.runner_ups[1].disagreement == Approx(0.3));
  CHECK(e.closest == 2);
  CHECK(e.max_disagreement == Approx(0.3));

  studies::be_coverage_inputs in;
  in.K = 100;
  in.threshold = 95;
  in.n = 2000;
  in.metric_name = "accuracy";
  in.pilot_neuron = &f;
  in.pilot_concepts = &c;
  const auto r = studies::be_coverage_study(in);
  CHECK(r.p == bounds::p_from_margin_accuracy(2000, e.min_margin, 3));
  REQUIRE(r.pairwise);
  CHECK(r.pairwise->p == bounds::p_from_runner_ups(2000, e.runner_ups));
  CHECK(r.pairwise->p < r.p);
  CHECK(r.pairwise->exact == bounds::pairwise_error_exact(2000, e.min_margin, 0.3));
  const auto j = studies::be_coverage_json(in, r);
  CHECK(j["pilot"]["closest_runner_up"] == 2);
  CHECK_THAT(j["pairwise"]["p_source"].get<std::string>(), Contains("pilot's margin and disagreement"));

  // A runner-up the pilot cannot separate from c*: p = 1.
  Eigen::MatrixXd tied(10, 4);
  tied << c, c.col(0);
  in.pilot_concepts = &tied;
  const auto t = studies::be_coverage_study(in);
  CHECK(t.p == 1.0);
  CHECK(t.pairwise->p == 1.0);
  CHECK_THAT(t.pairwise->p_source, Contains("does not separate c* (concept 0) from concept 3"));

  // Refusals, each naming the option.
  in.pilot_concepts = &c;
  in.margin = 0.1;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("replace --p, --margin"));
  in.margin.reset();
  in.metric_name = "recall";
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Contains("a pilot applies to --metric accuracy only"));
  in.metric_name = "accuracy";
  in.pilot_concepts = nullptr;
  CHECK_THROWS_WITH(studies::be_coverage_study(in), Equals("give both --pilot-neuron and --pilot-concepts"));
  Eigen::MatrixXd two = Eigen::MatrixXd::Zero(10, 2), half = Eigen::MatrixXd::Constant(10, 1, 0.5);
  CHECK_THROWS_WITH(studies::be_pilot_estimate(two, c), Contains("--pilot-neuron must be n x 1"));
  CHECK_THROWS_WITH(studies::be_pilot_estimate(half, c), Contains("--pilot-neuron must hold 0/1 values"));
  CHECK_THROWS_WITH(studies::be_pilot_estimate(f, Eigen::MatrixXd::Zero(9, 3)), Contains("--pilot-concepts has 9 rows"));
  CHECK_THROWS_WITH(studies::be_pilot_estimate(f, half), Contains("at least 2 concepts"));
}
