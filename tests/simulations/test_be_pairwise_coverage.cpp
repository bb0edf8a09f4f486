// Monte Carlo checks of the pairwise BE bound (bounds/be_pairwise.hpp, docs/be_coverage_bound.md):
// P(c_hat != c*) <= p and coverage >= the bound, in the worst settings we found (small disagreement,
// margins where the bound is near its threshold, many runner-ups, ties lost to c*), and the bound
// non-vacuous at half the margin where the corrected (Hoeffding) bound becomes non-vacuous.
//
// Statistics: each estimate is a binomial proportion over R independent replicates (fixed seeds), with
// standard error sqrt(q (1 - q) / R) <= 0.5 / sqrt(R) (R = 20,000: 0.0035; R = 8,000: 0.0056). A bound
// is taken to fail when the estimate exceeds it by more than 4 standard errors of the bound's value
// (one-sided level about 3e-5 per check when the bound is exactly attained).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/be_coverage_sim.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/sampling.hpp"

using namespace neuroncert;
using namespace neuroncert::sim;

namespace {

/// A general accuracy setting through its sufficient statistics: c* agrees with the neuron on a sample
/// with probability acc*; runner-up j, given that, differs from c* in its agreement (D_j = +1 where c*
/// agrees, -1 where it does not) with probabilities u_j / acc* and v_j / (1 - acc*), independently of
/// the other runner-ups, so that P(D_j = 1) = u_j = (d_j + Delta_j)/2 and P(D_j = -1) = v_j =
/// (d_j - Delta_j)/2. On one probing set, N1 = #{c* agrees} ~ Bin(n, acc*), U_j ~ Bin(N1, u_j / acc*),
/// V_j ~ Bin(n - N1, v_j / (1 - acc*)), and acc_hat(c*) - acc_hat(c_j) = (U_j - V_j) / n.
struct general_setting {
  std::int64_t n = 1000;
  double best_accuracy = 0.8;
  std::vector<bounds::runner_up> runner_ups;
  bool cstar_last = true;  ///< c* after every runner-up in index order: every tie is lost
};

/// Whether identification (argmax, ties to the lowest index) misses c* on one fresh probing set.
bool misses(random_engine& rng, const general_setting& s) {
  const std::int64_t n1 = draw_binomial(rng, s.n, s.best_accuracy);
  for (const auto& r : s.runner_ups) {
    const double u = (r.disagreement + r.margin) / 2, v = (r.disagreement - r.margin) / 2;
    const std::int64_t up = draw_binomial(rng, n1, std::min(1.0, u / s.best_accuracy));
    const std::int64_t down = s.best_accuracy < 1 ? draw_binomial(rng, s.n - n1, std::min(1.0, v / (1 - s.best_accuracy))) : 0;
    if (up < down || (up == down && s.cstar_last)) return true;
  }
  return false;
}

double miss_rate(const general_setting& s, std::int64_t replicates, std::uint64_t seed) {
  for (const auto& r : s.runner_ups) {  // the law exists: u_j <= acc*, v_j <= 1 - acc*
    REQUIRE((r.disagreement + r.margin) / 2 <= s.best_accuracy);
    REQUIRE((r.disagreement - r.margin) / 2 <= 1 - s.best_accuracy);
  }
  engine_options e;
  e.seed = seed;
  e.salt = study_salt("be-pairwise-test");
  const auto miss = map_replicates<std::uint8_t>(static_cast<std::size_t>(replicates), e,
                                                 [&](std::size_t, random_engine& rng) { return misses(rng, s) ? 1 : 0; });
  double k = 0;
  for (auto m : miss) k += m;
  return k / static_cast<double>(replicates);
}

double se(double q, std::int64_t replicates) { return std::sqrt(std::max(q * (1 - q), 1e-4) / static_cast<double>(replicates)); }

/// The margin at which the uniform pairwise p reaches `target` (bisection; p falls with the margin).
double margin_for_p(std::int64_t n, double disagreement_over_margin, std::int64_t C, double target) {
  double lo = 1e-4, hi = 1.0 / disagreement_over_margin;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (bounds::p_from_disagreement(n, mid, std::min(1.0, disagreement_over_margin * mid), C) > target ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

TEST_CASE("pairwise bound: one runner-up, c* last: the exact tail is the miss probability", "[be][be_pairwise][mc]") {
  // With one runner-up and every tie lost, p_from_runner_ups is exact: the estimate must match it
  // within 4 standard errors on both sides (R = 20,000, SE <= 0.0035).
  const std::int64_t R = 20000;
  const general_setting settings[] = {
      {1000, 0.8, {{0.02, 0.05}}, true},    // small disagreement, margin near where p ~ 0.1
      {200, 0.9, {{0.01, 0.012}}, true},    // d barely above Delta: ties (N = 0 has probability 0.09)
      {1000, 0.6, {{0.03, 0.6}}, true},     // large disagreement
      {50, 0.7, {{0.05, 0.15}}, true},      // small n
  };
  std::uint64_t seed = 11;
  for (const auto& s : settings) {
    const double p = bounds::p_from_runner_ups(s.n, s.runner_ups);
    const double q = miss_rate(s, R, seed++);
    INFO("n " << s.n << " Delta " << s.runner_ups[0].margin << " d " << s.runner_ups[0].disagreement << ": p " << p
              << ", estimate " << q << " +- " << se(p, R));
    CHECK(q <= p + 4 * se(p, R));
    CHECK(q >= p - 4 * se(p, R));
    CHECK(q <= bounds::p_from_disagreement(s.n, s.runner_ups[0].margin, s.runner_ups[0].disagreement, 2) + 4 * se(p, R));
  }
}

TEST_CASE("pairwise bound: P(c_hat != c*) <= p in the worst settings found", "[be][be_pairwise][mc]") {
  // Margins where the uniform bound is near its threshold (p = 0.3 and 0.8), small disagreements
  // (d = 1.2 Delta and 2 Delta), many runner-ups (|C| up to 1000, independent given c*: the union bound
  // is nearly attained), every tie lost. Both the uniform bound at the largest disagreement and the
  // exact per-runner-up sum must hold.
  struct row { std::int64_t n, C; double ratio, target; std::int64_t R; };
  const row rows[] = {{1000, 2, 1.2, 0.3, 20000},  {1000, 10, 2.0, 0.3, 20000}, {1000, 100, 2.0, 0.8, 8000},
                      {10000, 10, 1.2, 0.8, 8000}, {300, 1000, 2.0, 0.3, 4000}};
  std::uint64_t seed = 101;
  for (const auto& r : rows) {
    const double margin = margin_for_p(r.n, r.ratio, r.C, r.target);
    const double d = std::min(1.0, r.ratio * margin);
    general_setting s;
    s.n = r.n;
    s.best_accuracy = 0.9;
    // Runner-ups at exactly (Delta, d), then a few farther and less disagreeing ones (covered by the
    // uniform bound too: margin >= Delta, disagreement <= d).
    for (std::int64_t j = 1; j < r.C; ++j)
      s.runner_ups.push_back(j % 4 == 3 ? bounds::runner_up{std::min(d, 1.5 * margin), d} : bounds::runner_up{margin, d});
    const double p_unif = bounds::p_from_disagreement(r.n, margin, d, r.C);
    const double p_exact = bounds::p_from_runner_ups(r.n, s.runner_ups);
    const double q = miss_rate(s, r.R, seed++);
    INFO("n " << r.n << " |C| " << r.C << " Delta " << margin << " d " << d << ": p uniform " << p_unif << ", p exact "
              << p_exact << ", estimate " << q << " +- " << se(q, r.R));
    CHECK(p_exact <= p_unif);
    CHECK(q <= p_exact + 4 * se(p_exact, r.R));
    CHECK(q <= p_unif + 4 * se(p_unif, r.R));
    CHECK(q > 0.25 * p_exact);  // the setting is hard: the bound is within a small factor of the truth
  }
}

TEST_CASE("pairwise bound: BE coverage with fresh probing sets is at least the bound", "[be][be_pairwise][mc]") {
  // The coverage simulation's own model (acc* = 0.8, a = 0.1), at the margin where the pairwise p is
  // 0.9 (so the bound is far from 0 and 1 for K = 20, t = 19), K fresh probing sets per replicate.
  const std::int64_t R = 4000;
  for (const std::int64_t C : {10, 100}) {
    const std::int64_t n = 1000;
    double lo = 0.001, hi = 0.2;
    for (int i = 0; i < 50; ++i) {
      const double mid = (lo + hi) / 2;
      const be_coverage_setting s{n, C, mid, 0.8, 0.1};
      (bounds::p_from_disagreement(n, mid, be_disagreement(s), C) > 0.9 ? lo : hi) = mid;
    }
    const be_coverage_setting s{n, C, hi, 0.8, 0.1};
    const double p = bounds::p_from_disagreement(n, s.margin, be_disagreement(s), C);
    const std::vector<be_design> designs = {{20, 19}, {10, 10}, {50, 48}};
    engine_options e;
    e.seed = 7;
    e.salt = study_salt("be-pairwise-coverage-test");
    const auto reps = map_replicates<be_replicate>(static_cast<std::size_t>(R), e, [&](std::size_t, random_engine& rng) {
      return be_coverage_replicate(rng, s, designs, be_identifications::fresh);
    });
    for (std::size_t k = 0; k < designs.size(); ++k) {
      double covered = 0;
      for (const auto& r : reps) covered += r.covered[k];
      covered /= static_cast<double>(R);
      const double bound = bounds::be_coverage_corrected(designs[k].resamples, designs[k].threshold, p);
      INFO("|C| " << C << " Delta " << s.margin << " d " << be_disagreement(s) << " p " << p << " K "
                  << designs[k].resamples << ": coverage " << covered << ", bound " << bound);
      CHECK(covered >= bound - 4 * se(bound, R));
      CHECK(bound >= bounds::be_coverage_corrected(designs[k].resamples, designs[k].threshold,
                                                   bounds::p_from_margin_accuracy(n, s.margin, C)));
    }
  }
}

TEST_CASE("pairwise bound: non-vacuous at half the margin where the corrected bound becomes non-vacuous",
          "[be][be_pairwise]") {
  // The coverage simulation's settings (be_coverage_options' defaults): n in {1000, 10000}, |C| in
  // {10, 100}, acc* = 0.8, K in {10, 20, 50, 100} with t = ceil(0.95 K).
  const be_coverage_options o;
  for (const std::int64_t n : o.n_grid)
    for (const std::int64_t C : o.concept_counts)
      for (const auto& d : o.designs) {
        // Delta_H: where the corrected bound becomes positive (bisection on the bound itself).
        double lo = 1e-4, hi = 0.5;
        for (int i = 0; i < 60; ++i) {
          const double mid = (lo + hi) / 2;
          (bounds::be_coverage_corrected(d.resamples, d.threshold, bounds::p_from_margin_accuracy(n, mid, C)) > 0 ? hi
                                                                                                                 : lo) = mid;
        }
        CHECK(hi == Approx(std::sqrt(2 * std::log(2.0 * C) / n)).epsilon(1e-9));  // p < 1 <=> Delta > this
        const be_coverage_setting s{n, C, hi / 2, o.best_accuracy, o.firing_rate};
        const double p = bounds::p_from_disagreement(n, s.margin, be_disagreement(s), C);
        const double bound = bounds::be_coverage_corrected(d.resamples, d.threshold, p);
        INFO("n " << n << " |C| " << C << " K " << d.resamples << " t " << d.threshold << ": Delta_H " << hi
                  << ", at Delta_H / 2 p = " << p << ", pairwise bound " << bound);
        CHECK(bounds::be_coverage_corrected(d.resamples, d.threshold, bounds::p_from_margin_accuracy(n, hi / 2, C)) == 0);
        CHECK(bound >= 0.9);
      }
}
