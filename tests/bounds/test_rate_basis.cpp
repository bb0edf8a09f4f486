// rate_basis_for: per metric and orientation, which count is the effective n and which counts are the
// binomial form, on hand-made 2x2 tables (docs/theory.md sec. 4).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert;
using namespace neuroncert::bounds;

namespace {
// f00 = 400, f01 = 100, f10 = 50, f11 = 450: n = 1000, concept positives 550, neuron fires 500,
// union 600, concept negatives 450.
constexpr counts2x2 k{400, 100, 50, 450};
}  // namespace

TEST_CASE("rate basis: accuracy is Hoeffding at n, (F00 + F11) of n", "[bounds][rate_basis]") {
  const rate_basis b = rate_basis_for(metric::accuracy, k);
  REQUIRE(b.kind == rate_kind::hoeffding);
  CHECK(b.n_eff == 1000);
  CHECK(b.successes == 850);
  CHECK(b.trials == 1000);
  CHECK(b.basis == "hoeffding, n");
  CHECK(b.empty_reason.empty());
  // sqrt(ln(2 / 0.005) / 2000) = sqrt(5.99146 / 2000) = 0.0547333
  CHECK(rate_at(b, 0.005) == Approx(0.0547333).epsilon(1e-5));
  CHECK(rate_at(b, 0.005) == hoeffding_rate(1000, 0.005));
}

TEST_CASE("rate basis: recall and precision take m from the orientation", "[bounds][rate_basis]") {
  // Paper: recall = F11 / (F01 + F11) conditions on c = 1 (m = 550); precision on f = 1 (m = 500).
  const rate_basis r = rate_basis_for(metric::recall, k, orientation::paper);
  REQUIRE(r.kind == rate_kind::effective_sample_size);
  CHECK(r.n_eff == 550);
  CHECK(r.successes == 450);
  CHECK(r.trials == 550);
  CHECK(r.basis == "effective sample size m");
  const rate_basis p = rate_basis_for(metric::precision, k, orientation::paper);
  CHECK(p.n_eff == 500);
  CHECK(p.successes == 450);
  // Neuron_Eval's orientation swaps them.
  CHECK(rate_basis_for(metric::recall, k, orientation::neuron_eval).n_eff == 500);
  CHECK(rate_basis_for(metric::precision, k, orientation::neuron_eval).n_eff == 550);
  // sqrt(ln(2 / 0.005) / 1100) = 0.0738022
  CHECK(rate_at(r, 0.005) == Approx(0.0738022).epsilon(1e-5));
}

TEST_CASE("rate basis: IoU conditions on f = 1 or c = 1", "[bounds][rate_basis]") {
  const rate_basis b = rate_basis_for(metric::iou, k);
  REQUIRE(b.kind == rate_kind::effective_sample_size);
  CHECK(b.n_eff == 600);
  CHECK(b.successes == 450);
  CHECK(b.trials == 600);
}

TEST_CASE("rate basis: AUROC is Agarwal with the class counts, no binomial form", "[bounds][rate_basis]") {
  const rate_basis b = rate_basis_for(metric::auroc, k);
  REQUIRE(b.kind == rate_kind::agarwal_auroc);
  CHECK(b.n0 == 450);
  CHECK(b.n1 == 550);
  CHECK(b.n_eff == Approx(450.0 * 550.0 / 1000.0));  // 247.5
  CHECK_FALSE(b.successes.has_value());
  CHECK(b.basis == "agarwal, n0 n1 / n from the counts");
  CHECK(rate_at(b, 0.005) == auroc_rate_counts(450, 550, 0.005));
  // A class with no sample: no information.
  const rate_basis e = rate_basis_for(metric::auroc, counts2x2{0, 100, 0, 450});
  CHECK(e.n_eff == 0);
  CHECK(e.empty_reason == "a class is empty");
  CHECK(std::isinf(rate_at(e, 0.005)));
}

TEST_CASE("rate basis: empty conditioning events say why", "[bounds][rate_basis]") {
  const counts2x2 none{400, 0, 50, 0};  // no concept positives
  const rate_basis r = rate_basis_for(metric::recall, none);
  CHECK(r.trials == 0);
  CHECK(r.empty_reason == "no concept positives");
  CHECK(std::isinf(rate_at(r, 0.05)));
  CHECK(rate_basis_for(metric::precision, counts2x2{400, 100, 0, 0}).empty_reason == "neuron never fires");
  CHECK(rate_basis_for(metric::iou, counts2x2{400, 0, 0, 0}).empty_reason == "neuron and concept both empty");
  CHECK(rate_basis_for(metric::accuracy, counts2x2{}).empty_reason == "empty probing set");
}

TEST_CASE("rate basis: metrics without a closed-form rate say so", "[bounds][rate_basis]") {
  const rate_basis b = rate_basis_for(metric::f1, k);
  CHECK_FALSE(b.kind.has_value());
  CHECK(b.n_eff == 0);
  CHECK(b.basis == "metric 'f1' has no closed-form rate");
  CHECK_THROWS_AS(rate_at(b, 0.05), neuroncert::invalid_argument);
  CHECK_FALSE(population_rate(b, 100, 0.05).has_value());
}

TEST_CASE("rate basis: population rates scale the shares by n", "[bounds][rate_basis]") {
  // Cells 0.4, 0.1, 0.05, 0.45: recall's m = 0.55 n, AUROC's rho = 0.55.
  const counts2x2 w{0.4, 0.1, 0.05, 0.45};
  CHECK(*population_rate(rate_basis_for(metric::accuracy, w), 1000, 0.05) == hoeffding_rate(1000, 0.05));
  CHECK(*population_rate(rate_basis_for(metric::recall, w), 1000, 0.05) == ess_rate(0.55 * 1000, 0.05));
  CHECK(*population_rate(rate_basis_for(metric::auroc, w), 1000, 0.05) == auroc_rate(1000, 0.55, 0.05));
}
