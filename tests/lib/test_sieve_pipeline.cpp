// SIEVE statistics (docs/theory.md sec. 7): the ratio and quantiles on hand-computed data, hypothesis
// scoring, the mean-AR filter, the class split, and a synthetic end-to-end run in which a neuron
// built to fire on one concept is selected, hypothesised and verified while a noise neuron is
// filtered out.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/sieve.hpp"

using namespace neuroncert;

TEST_CASE("SIEVE ratio: type-7 quantiles by hand", "[sieve][select]") {
  // 1, 2, ..., 10: median h = 9 * 0.5 = 4.5 -> 5 + 0.5 * 1 = 5.5;
  // Q_0.99: h = 9 * 0.99 = 8.91 -> x_(8) + 0.91 (x_(9) - x_(8)) = 9 + 0.91 = 9.91; ratio = 9.91 / 5.5.
  const std::vector<double> a{3, 1, 2, 10, 4, 5, 6, 7, 8, 9};
  const auto r = sieve_select(a, 10.0);
  CHECK(r.median == Approx(5.5));
  CHECK(r.top_quantile == Approx(9.91));
  REQUIRE(r.ratio);
  CHECK(*r.ratio == Approx(9.91 / 5.5));
  CHECK_FALSE(r.selected);
  // Nine 1s and one 100: median 1, Q_0.99 = 1 + 0.91 * 99 = 91.09 -> ratio 91.09 > 10: selected.
  const std::vector<double> b{1, 1, 1, 100, 1, 1, 1, 1, 1, 1};
  const auto s = sieve_select(b, 10.0);
  CHECK(s.top_quantile == Approx(91.09));
  CHECK(*s.ratio == Approx(91.09));
  CHECK(s.selected);
  CHECK_FALSE(sieve_select(b, 100.0).selected);
}

TEST_CASE("SIEVE ratio: a median <= 0 is undefined with a reason, never divided", "[sieve][select]") {
  // 0, 0, 0, 5: median h = 1.5 -> 0 + 0.5 * 0 = 0.
  const auto r = sieve_select(std::vector<double>{0, 0, 0, 5}, 10.0);
  CHECK(r.median == 0.0);
  CHECK_FALSE(r.ratio);
  CHECK_FALSE(r.selected);
  CHECK(r.undefined_reason.find("median") != std::string::npos);
  const auto neg = sieve_select(std::vector<double>{-3, -2, -1}, 10.0);
  CHECK_FALSE(neg.ratio);
}

TEST_CASE("SIEVE options are checked", "[sieve][select]") {
  sieve_options o;
  o.beta = 0;
  CHECK_THROWS_WITH(check_sieve_options(o), Catch::Contains("--beta"));
  o = {};
  o.top = 1;
  CHECK_THROWS_WITH(check_sieve_options(o), Catch::Contains("--top"));
  o = {};
  o.hypotheses_per_cluster = 0;
  CHECK_THROWS_AS(check_sieve_options(o), invalid_argument);
}

TEST_CASE("top samples: largest first, ties by index", "[sieve][select]") {
  const std::vector<double> a{1, 5, 3, 5, 0};
  CHECK(top_sample_indices(a, 3) == std::vector<std::uint32_t>{1, 3, 2});
  CHECK_THROWS_AS(top_sample_indices(a, 6), invalid_argument);
}

TEST_CASE("hypotheses: top-K concepts by mean score per cluster, deduplicated", "[sieve][hypothesise]") {
  // 4 top samples, 3 concepts; clusters {0,1} and {2,3}.
  //  cluster 0: g = ((1+1)/2, (0+1)/2, 0) = (1, 0.5, 0)  -> concepts 0 (1.0), 1 (0.5)
  //  cluster 1: g = (0.5, 0, 1) -> concepts 2 (1.0), 0 (0.5, already proposed: kept once)
  Eigen::MatrixXd s(4, 3);
  s << 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1;
  const auto h = hypothesise(std::vector<int>{0, 0, 1, 1}, s, 2);
  REQUIRE(h.size() == 3);
  CHECK((h[0].concept_index == 0 && h[0].cluster == 0 && h[0].score == Approx(1.0)));
  CHECK((h[1].concept_index == 1 && h[1].cluster == 0 && h[1].score == Approx(0.5)));
  CHECK((h[2].concept_index == 2 && h[2].cluster == 1 && h[2].score == Approx(1.0)));
  // A concept no image of the cluster shows (g = 0) is never proposed.
  const auto one = hypothesise(std::vector<int>{0, 0}, Eigen::MatrixXd{{1, 0, 0}, {1, 0, 0}}, 2);
  REQUIRE(one.size() == 1);
  CHECK(one[0].concept_index == 0);
}

TEST_CASE("mean-AR filter: drop below the mean, recompute", "[sieve][verify]") {
  // 0.9, 0.5, 0.1, 0.02: mean 0.38; kept 0.9, 0.5 -> mean 0.7.
  const auto f = filter_by_mean(std::vector<double>{0.9, 0.5, 0.1, 0.02});
  CHECK(f.mean_before == Approx(0.38));
  CHECK(f.kept == std::vector<bool>{true, true, false, false});
  CHECK(f.mean_after == Approx(0.7));
  CHECK(f.kept_count == 2);
  CHECK(filter_by_mean(std::vector<double>{}).mean_after == 0.0);
}

TEST_CASE("class split: first half of each class to the probe, the rest held out", "[sieve][split]") {
  // labels 0 1 0 1 0 2 2: class 0 at 0,2,4 (ceil(3/2) = 2 probe: 0,2; held: 4), class 1 at 1,3,
  // class 2 at 5,6.
  const auto [probe, held] = split_by_class(std::vector<std::int64_t>{0, 1, 0, 1, 0, 2, 2});
  CHECK(probe == std::vector<std::uint32_t>{0, 1, 2, 5});
  CHECK(held == std::vector<std::uint32_t>{3, 4, 6});
}

TEST_CASE("AR counts images strictly above the threshold", "[sieve][verify]") {
  const std::vector<double> a{0.5, 2.0, 1.0, 3.0};
  CHECK(count_above(a, std::vector<std::uint32_t>{0, 1, 2}, 1.0) == 1);
  Eigen::MatrixXd c(4, 2);
  c << 1, 0, 0, 1, 0.6, 0.4, 0, 0;
  const auto sets = verification_sets(c);
  CHECK(sets[0] == std::vector<std::uint32_t>{0, 2});
  CHECK(sets[1] == std::vector<std::uint32_t>{1});
}

namespace {
struct synthetic {
  Eigen::MatrixXd acts, concepts;
};
// 2000 images, 10 one-hot concepts: concept 0 on images 0..29 (1.5%), concepts 1..9 on the rest.
// Neuron 0 fires on concept 0 (10 + U(0,1)) and idles at U(0.5, 1) elsewhere: median ~0.75,
// Q_0.99 lies among the 30 concept images (~10.3): ratio ~14 > 10. Neuron 1 is noise, lognormal
// with sigma 2 (median 1, Q_0.99 ~ e^4.65 ~ 100: selected too) independent of the concepts.
// Neuron 2 is dead (all 0): median 0, undefined.
synthetic make_synthetic(unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::lognormal_distribution<double> ln(0.0, 2.0);
  synthetic s{Eigen::MatrixXd::Zero(2000, 3), Eigen::MatrixXd::Zero(2000, 10)};
  for (Eigen::Index i = 0; i < 2000; ++i) {
    const Eigen::Index c = i < 30 ? 0 : 1 + (i - 30) % 9;
    s.concepts(i, c) = 1;
    s.acts(i, 0) = c == 0 ? 10 + u(rng) : 0.5 + 0.5 * u(rng);
    s.acts(i, 1) = ln(rng);
  }
  return s;
}
}  // namespace

TEST_CASE("synthetic SIEVE: a concept neuron is selected, hypothesised and verified and noise is filtered",
          "[sieve][pipeline]") {
  const auto probe = make_synthetic(1), held = make_synthetic(2);
  const auto r = run_sieve(probe.acts, probe.concepts, held.acts, held.concepts);
  REQUIRE(r.neurons.size() == 3);
  // Select.
  CHECK(r.neurons[0].select.selected);
  CHECK(*r.neurons[0].select.ratio > 10);
  CHECK(r.neurons[1].select.selected);
  CHECK_FALSE(r.neurons[2].considered);
  CHECK_FALSE(r.neurons[2].select.ratio);
  // Hypothesise: the top 20 of neuron 0 are all concept-0 images, so every cluster proposes
  // concept 0 only (g = 1), kept once.
  REQUIRE(r.neurons[0].hypotheses.size() == 1);
  const auto& h0 = r.hypotheses[r.neurons[0].hypotheses[0]];
  CHECK(h0.concept_index == 0);
  CHECK(h0.score == 1.0);
  CHECK(r.neurons[0].clusters >= 2);
  // Verify: most held-out concept-0 images pass T_0 (~10.3); the noise neuron's hypotheses fire at
  // about the random rate 0.01 and fall below the mean.
  CHECK(h0.images == 30);
  CHECK(h0.rate > 0.4);
  CHECK(h0.kept);
  REQUIRE_FALSE(r.neurons[1].hypotheses.empty());
  for (auto j : r.neurons[1].hypotheses) {
    CHECK(r.hypotheses[j].rate < 0.1);
    CHECK_FALSE(r.hypotheses[j].kept);
  }
  CHECK(r.explained == 1);
  CHECK(r.kept == 1);
  CHECK(r.mean_ar == h0.rate);
  CHECK(r.mean_ar_all < r.mean_ar);

  // Ablations: verify off keeps everything; select off considers the dead neuron too.
  sieve_options o;
  o.verify = false;
  const auto nv = run_sieve(probe.acts, probe.concepts, held.acts, held.concepts, o);
  CHECK(nv.mean_ar == Approx(r.mean_ar_all));
  CHECK(nv.kept == nv.hypotheses.size());
  o = {};
  o.select = false;
  o.cluster = false;
  const auto ns = run_sieve(probe.acts, probe.concepts, held.acts, held.concepts, o);
  CHECK(ns.neurons[2].considered);
  CHECK(ns.neurons[2].clusters == 1);

  // The plain-identification yardstick: concept 0 for neuron 0 gives the same AR.
  const std::vector<Eigen::Index> concepts{0, 3, -1};
  const auto ar = activation_rates_for(probe.acts, held.acts, held.concepts, concepts);
  CHECK(*ar[0] == h0.rate);
  CHECK(ar[1].has_value());
  CHECK_FALSE(ar[2].has_value());
}

TEST_CASE("run_sieve rejects bad shapes and options", "[sieve][pipeline]") {
  const auto s = make_synthetic(3);
  sieve_options o;
  o.top = 1;
  CHECK_THROWS_AS(run_sieve(s.acts, s.concepts, s.acts, s.concepts, o), invalid_argument);
  CHECK_THROWS_AS(run_sieve(s.acts, s.concepts, s.acts.leftCols(2), s.concepts), invalid_argument);
  // A concept without held-out images cannot be verified.
  Eigen::MatrixXd held_concepts = s.concepts;
  held_concepts.col(0).setZero();
  CHECK_THROWS_AS(run_sieve(s.acts, s.concepts, s.acts, held_concepts), data_error);
}
