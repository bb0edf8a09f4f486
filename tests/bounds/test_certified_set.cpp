// Certified identification over the concept set (bounds/certified_set.hpp, docs/theory.md sec. 4.3): the
// pruned computation equals the brute force over every concept's interval, the intervals are the
// Clopper-Pearson and rate intervals they claim to be, and the filters count what they leave out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "neuroncert/bounds/auroc_interval.hpp"
#include "neuroncert/bounds/certified_set.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert;

namespace {

// Every interval computed, then the definitions applied literally.
struct brute {
  Eigen::Index lcb = -1;
  double lcb_lower = -1;
  std::vector<Eigen::Index> members;
};
brute brute_force(metric m, const std::vector<metric_value>& est, const std::vector<counts2x2>& k, double delta_c,
                  double min_support, const metric_options& o) {
  brute b;
  std::vector<bounds::interval> iv(est.size());
  std::vector<bool> in(est.size(), false);
  for (std::size_t c = 0; c < est.size(); ++c) {
    if (!est[c].defined() || k[c].concept_positives() < min_support) continue;
    in[c] = true;
    iv[c] = bounds::interval_for_concept(m, est[c].value, k[c], true, delta_c, o).bounds;
    if (iv[c].lower > b.lcb_lower) {
      b.lcb_lower = iv[c].lower;
      b.lcb = static_cast<Eigen::Index>(c);
    }
  }
  for (std::size_t c = 0; c < est.size(); ++c)
    if (in[c] && iv[c].upper >= b.lcb_lower) b.members.push_back(static_cast<Eigen::Index>(c));
  return b;
}

}  // namespace

TEST_CASE("certified set: the pruned computation equals the brute force", "[bounds][certified_set]") {
  boost::random::mt19937 rng(20261202);
  boost::random::uniform_int_distribution<int> cell(0, 60), big(0, 3000);
  metric_options binary;
  binary.binary_activations = true;  // AUROC from the exact intervals on TPR and TNR
  for (const auto& [m, o] : {std::pair<metric, metric_options>{metric::accuracy, {}}, {metric::recall, {}},
                             {metric::precision, {}}, {metric::iou, {}}, {metric::auroc, {}}, {metric::auroc, binary}}) {
    for (int trial = 0; trial < 200; ++trial) {
      // 30 concepts against one neuron: a shared firing count, concept counts of every size, many ties.
      const int C = 30;
      std::vector<counts2x2> k(C);
      std::vector<metric_value> est(C);
      for (int c = 0; c < C; ++c) {
        k[c] = {static_cast<double>(big(rng)), static_cast<double>(cell(rng) % 7), static_cast<double>(cell(rng)),
                static_cast<double>(cell(rng) % (trial % 3 == 0 ? 3 : 61))};
        est[c] = binary_neuron_metric(m, k[c]);
      }
      const double min_support = trial % 4 == 0 ? 5.0 : 0.0;
      const auto got = bounds::certify_concept_set(m, est, k, true, 0.05 / C, min_support, o);
      // The members come by estimate descending; the brute force by index.
      std::vector<Eigen::Index> members = got.members;
      std::sort(members.begin(), members.end());
      const auto want = brute_force(m, est, k, 0.05 / C, min_support, o);
      INFO(to_string(m) << " trial " << trial);
      CHECK(members == want.members);
      CHECK(got.lcb_concept == want.lcb);
      if (want.lcb >= 0) {
        CHECK(got.lcb_interval.lower == want.lcb_lower);
        // c_LCB is always a member: U >= L >= max L.
        CHECK(std::find(members.begin(), members.end(), got.lcb_concept) != members.end());
      }
    }
  }
}

TEST_CASE("certified set: intervals are Clopper-Pearson on integer counts, the rate otherwise", "[bounds][certified_set]") {
  // recall 8/10 (paper orientation: F11 / (F01 + F11)) at delta 0.01.
  const counts2x2 k{100, 2, 5, 8};
  const auto exact = bounds::interval_for_concept(metric::recall, 0.8, k, true, 0.01, {});
  CHECK(exact.exact);
  const auto cp = bounds::clopper_pearson(8, 10, 0.01);
  CHECK(exact.bounds.lower == cp.lower);
  CHECK(exact.bounds.upper == cp.upper);
  // Clopper-Pearson never reaches past the Hoeffding radius at the same level.
  CHECK(exact.bounds.upper <= 0.8 + exact.max_radius);
  CHECK(exact.bounds.lower >= 0.8 - exact.max_radius);
  const auto rate = bounds::interval_for_concept(metric::recall, 0.8, k, false, 0.01, {});
  CHECK_FALSE(rate.exact);
  CHECK(rate.bounds.lower == Approx(0.8 - std::sqrt(std::log(2 / 0.01) / 20)).epsilon(1e-12));
  CHECK(rate.bounds.upper == 1.0);
  // AUROC of any scores: Hoeffding's U-statistic interval in kl form, inside Agarwal's radius.
  const auto au = bounds::interval_for_concept(metric::auroc, 0.9, k, true, 0.01, {});
  const double r = bounds::rate_at(bounds::rate_basis_for(metric::auroc, k), 0.01);
  const auto kl = bounds::auroc_u_statistic_kl(10, 105, 0.9, 0.01);
  CHECK(au.bounds.lower == kl.lower);
  CHECK(au.bounds.upper == kl.upper);
  CHECK(au.bounds.lower >= 0.9 - r);
  CHECK(au.max_radius == r);
  // Weighted class counts: Agarwal's rate itself.
  const auto weighted = bounds::interval_for_concept(metric::auroc, 0.9, {100, 2.5, 5, 8}, false, 0.01, {});
  CHECK_FALSE(weighted.exact);
  // A binary neuron's AUROC: the exact interval on (TPR + TNR) / 2, inside the pruning radius.
  metric_options binary;
  binary.binary_activations = true;
  const double tpr = 8.0 / 10, tnr = 100.0 / 105;
  const auto ex = bounds::interval_for_concept(metric::auroc, (tpr + tnr) / 2, k, true, 0.01, binary);
  CHECK(ex.exact);
  const auto want = bounds::auroc_binary_exact(8, 10, 100, 105, 0.01);
  CHECK(ex.bounds.lower == want.lower);
  CHECK(ex.bounds.upper == want.upper);
  CHECK(ex.bounds.upper <= (tpr + tnr) / 2 + ex.max_radius);
  CHECK(ex.bounds.lower >= (tpr + tnr) / 2 - ex.max_radius);
  CHECK_THROWS_AS(bounds::interval_for_concept(metric::f1, 0.5, k, true, 0.01, {}), invalid_argument);
}

TEST_CASE("certified set: a noisy rare concept loses to a well-supported one under c_LCB", "[bounds][certified_set]") {
  // Recall: concept 0 has 1 positive and the neuron fires on it (estimate 1), concept 1 has 400
  // positives and the neuron fires on 360 (0.9). The argmax takes concept 0; c_LCB concept 1, whose
  // certified lower bound (about 0.85) beats concept 0's (delta/2 per concept, with 1 trial: 0.025).
  const std::vector<counts2x2> k{{1000, 0, 50, 1}, {600, 40, 10, 360}};
  const std::vector<metric_value> est{binary_neuron_metric(metric::recall, k[0]), binary_neuron_metric(metric::recall, k[1])};
  REQUIRE(est[0].value == 1.0);
  const auto s = bounds::certify_concept_set(metric::recall, est, k, true, 0.05 / 2, 0.0, {});
  CHECK(s.lcb_concept == 1);
  CHECK(s.lcb_interval.lower > 0.85);
  CHECK(s.lcb_interval.lower < 0.9);
  // Concept 0's interval reaches 1, so it stays in the set: it cannot be excluded from one positive.
  CHECK(s.members == std::vector<Eigen::Index>{0, 1});
  CHECK_FALSE(s.unique());
  CHECK(s.method == "exact");
  // A minimum support of 2 positives leaves concept 0 out: the set is {1}, certified unique.
  const auto filtered = bounds::certify_concept_set(metric::recall, est, k, true, 0.05 / 2, 2.0, {});
  CHECK(filtered.below_min_support == 1);
  CHECK(filtered.members == std::vector<Eigen::Index>{1});
  CHECK(filtered.unique());
  // Undefined concepts are skipped; none defined gives an empty set.
  const std::vector<metric_value> none{metric_value::undefined(undefined_reason::no_concept_positives),
                                       metric_value::undefined(undefined_reason::no_concept_positives)};
  const auto empty = bounds::certify_concept_set(metric::recall, none, k, true, 0.025, 0.0, {});
  CHECK(empty.lcb_concept == -1);
  CHECK(empty.members.empty());
  CHECK_THROWS_AS(bounds::certify_concept_set(metric::recall, est, k, true, 0.0, 0.0, {}), invalid_argument);
  CHECK_THROWS_AS(bounds::certify_concept_set(metric::recall, est, k, true, 0.025, -1.0, {}), invalid_argument);
}

TEST_CASE("certified set: the chi-square interval lies inside the kl interval", "[bounds][certified_set]") {
  // chernoff_kl_inner is the pruning's 'certainly inside': on a grid of means, sizes and levels, its
  // ends lie within chernoff_kl_interval's. For small t, kl(p || q) ~ (p - q)^2 / (2 p (1 - p)), half the
  // chi-square, so the inner interval is 1/sqrt(2) of the kl interval's width there.
  for (double p : {0.0, 1e-4, 0.01, 0.3, 0.5, 0.77, 0.99, 0.9999, 1.0})
    for (double n : {1.0, 3.0, 50.0, 1000.0, 1e6})
      for (double delta : {0.5, 0.05, 1e-6}) {
        const auto outer = bounds::chernoff_kl_interval(p, n, delta), inner = bounds::chernoff_kl_inner(p, n, delta);
        INFO("p " << p << " n " << n << " delta " << delta);
        // Where kl and chi-square meet (p = 0 or 1, t tiny) the ends differ by t^2/2: rounding allowed.
        CHECK(inner.lower >= outer.lower - 1e-15);
        CHECK(inner.upper <= outer.upper + 1e-15);
        CHECK(inner.lower <= p);
        CHECK(inner.upper >= p);
        if (n >= 1e6 && p > 0.01 && p < 0.99) {
          CHECK(inner.upper - inner.lower > 0.70 * (outer.upper - outer.lower));
          CHECK(inner.upper - inner.lower < 0.75 * (outer.upper - outer.lower));
        }
      }
}
