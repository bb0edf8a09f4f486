// CLIP-Dissect's scores (core/clip_dissect.hpp) and concepts from embeddings (core/vlm_concepts.hpp):
// against the fixture's float64 references (../shared/data/clip, data README sec. 9), a per-pair
// loop written from docs/theory.md sec. 2.3, bootstrap multiplicities against explicitly duplicated
// samples, and thread counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/core/vlm_concepts.hpp"
#include "test_data.hpp"

using namespace neuroncert;

namespace {

const std::string clip_dir = std::string(NEURONCERT_DATA_DIR) + "/clip/";

Eigen::MatrixXd load(const std::string& name) { return io::read_npy_matrix(clip_dir + name, name); }

double max_relative(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j)
      worst = std::max(worst, std::abs(got(i, j) - want(i, j)) / std::max(std::abs(want(i, j)), 1e-300));
  return worst;
}

/// The formulas of docs/theory.md sec. 2.3 written out directly: a full stable sort per neuron, the
/// dense sum per concept, the log-sum-exp over neurons. Independent of clip_dissect.cpp.
Eigen::MatrixXd reference_scores(const Eigen::MatrixXd& a, const Eigen::MatrixXd& p, bool soft,
                                 const clip_dissect_options& o) {
  const Eigen::Index n = a.rows(), F = a.cols(), C = p.cols();
  Eigen::MatrixXd cond(F, C);
  for (Eigen::Index k = 0; k < F; ++k) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) { return a(x, k) > a(y, k); });
    for (Eigen::Index c = 0; c < C; ++c) {
      double sum = 0.0;
      for (std::int64_t i = 0; i < o.top_k; ++i) {
        const double y = p(order[static_cast<std::size_t>(i)], c);
        const double pi = o.p_start - (static_cast<double>(i) / static_cast<double>(o.top_k)) * (o.p_start - o.p_end);
        sum += soft ? std::log(1.0 + pi * (y - 1.0) + o.eps) : std::log(y + o.eps);
      }
      cond(k, c) = sum;
    }
  }
  Eigen::MatrixXd score(F, C);
  for (Eigen::Index c = 0; c < C; ++c) {
    const double top = cond.col(c).maxCoeff();
    const double marginal = top + std::log((cond.col(c).array() - top).exp().sum()) - std::log(static_cast<double>(F));
    score.col(c) = cond.col(c).array() - o.lambda * marginal;
  }
  return score;
}

probing_set fixture_set(double temperature) {
  vlm_concept_options o;
  o.temperature = temperature;
  return make_probing_set(load("A.npy"), concepts_from_embeddings(load("E.npy"), load("T.npy"), o));
}

}  // namespace

TEST_CASE("concepts from embeddings reproduce the fixture's probabilities (softmax, a = 10)", "[clip_dissect][fixture]") {
  vlm_concept_options o;  // softmax, temperature 10
  const Eigen::MatrixXd p = concepts_from_embeddings(load("E.npy"), load("T.npy"), o);
  const double diff = (p - load("probs_a10.npy")).cwiseAbs().maxCoeff();
  WARN("probs_a10.npy: max |difference| = " << diff);
  CHECK(diff < 1e-14);
  // Rows are distributions.
  for (Eigen::Index i = 0; i < p.rows(); ++i) CHECK(p.row(i).sum() == Approx(1.0).epsilon(1e-14));
}

TEST_CASE("soft_wpmi and cd_wpmi reproduce the fixture's references within 1e-9 relative", "[clip_dissect][fixture]") {
  const auto soft = clip_dissect_similarity(fixture_set(10.0), metric::soft_wpmi, {});
  const double soft_rel = max_relative(soft.value, load("soft_wpmi.npy"));
  WARN("soft_wpmi.npy: max relative difference = " << soft_rel);
  CHECK(soft_rel < 1e-9);
  CHECK((soft.reason.array() == 0).all());
  const auto wpmi = clip_dissect_similarity(fixture_set(2.0), metric::cd_wpmi, {});
  const double wpmi_rel = max_relative(wpmi.value, load("wpmi.npy"));
  WARN("wpmi.npy (cd_wpmi): max relative difference = " << wpmi_rel);
  CHECK(wpmi_rel < 1e-9);
  // The same through all_pairs_similarity, which identification calls.
  CHECK(all_pairs_similarity(fixture_set(10.0), metric::soft_wpmi).value == soft.value);
}

TEST_CASE("CLIP-Dissect's scores equal the formulas written out, with ties and other settings", "[clip_dissect]") {
  // Tied activations (levels = 3) exercise the tie rule (the lower sample index first); the
  // concepts are probabilities with exact zeros (sparse rows).
  auto p = test::make_random_probe(150, 5, 7, 41u, /*levels=*/3);
  p.concepts = (p.concepts.array() * 0.3 + 0.6 * p.concepts.array().square() * 0.5).matrix();
  p.concepts.col(2).setConstant(0.2);
  const auto set = make_probing_set(p.activations, p.concepts);
  for (const metric m : {metric::soft_wpmi, metric::cd_wpmi}) {
    metric_options o;
    auto& cd = m == metric::soft_wpmi ? o.soft_wpmi : o.cd_wpmi;
    for (const std::int64_t top_k : {std::int64_t{1}, std::int64_t{17}, std::int64_t{150}}) {
      INFO(to_string(m) << " top_k " << top_k);
      cd.top_k = top_k;
      cd.lambda = 0.7;
      cd.p_start = m == metric::soft_wpmi ? 0.9 : 1.0;
      cd.p_end = m == metric::soft_wpmi ? 0.5 : 1.0;
      const auto got = all_pairs_similarity(set, m, o);
      const Eigen::MatrixXd want = reference_scores(set.activations, p.concepts, m == metric::soft_wpmi, cd);
      CHECK(((got.value - want).array().abs() <= 1e-12 * want.array().abs().max(1.0)).all());
    }
  }
}

TEST_CASE("layer metrics: unit multiplicities equal the plain scores; a bootstrap of ones equals identify",
          "[clip_dissect][bootstrap]") {
  const auto set = fixture_set(10.0);
  const std::vector<double> ones(static_cast<std::size_t>(set.samples()), 1.0);
  const auto plain = all_pairs_similarity(set, metric::soft_wpmi);
  CHECK(all_pairs_similarity(set, metric::soft_wpmi, {}, ones).value == plain.value);
  const auto ids = identify(plain);
  bootstrap_request q;
  q.which = metric::soft_wpmi;
  const multiplicity_matrix w = multiplicity_matrix::Ones(5, set.samples());
  std::int64_t reported = 0;
  q.neurons_done = [&](Eigen::Index begin, Eigen::Index end, const ensemble_counts&) { reported += end - begin; };
  const auto e = bootstrap_ensemble(set, w, q);
  CHECK(reported == set.neurons());
  for (Eigen::Index f = 0; f < set.neurons(); ++f) {
    CHECK(e.counts(f, ids[static_cast<std::size_t>(f)].concept_index) == 5);
    CHECK(e.counts.row(f).sum() == 5);
  }
}

TEST_CASE("layer metrics: a resample scores as the explicitly duplicated samples, bit for bit", "[clip_dissect][bootstrap]") {
  // Ties (levels = 4) between distinct samples and between the copies of one sample.
  const auto p = test::make_random_probe(220, 6, 5, 77u, /*levels=*/4);
  Eigen::MatrixXd y = p.concepts * 0.8;
  y.col(1).setConstant(0.35);
  const auto set = make_probing_set(p.activations, y);
  for (const std::uint64_t r : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}}) {
    const auto w = resample_weights(11, r, static_cast<std::size_t>(set.samples()));
    // Row i repeated w_i times, rows in index order: ties between copies and between samples fall
    // in the same order as the multiplicities' consecutive slots.
    const auto rows = static_cast<Eigen::Index>(std::accumulate(w.begin(), w.end(), 0.0));
    Eigen::MatrixXd a(rows, set.neurons()), c(rows, set.concept_count());
    Eigen::Index at = 0;
    for (Eigen::Index i = 0; i < set.samples(); ++i)
      for (int copy = 0; copy < static_cast<int>(w[static_cast<std::size_t>(i)]); ++copy, ++at) {
        a.row(at) = set.activations.row(i);
        c.row(at) = y.row(i);
      }
    probing_set_checks checks;
    checks.reject_empty_concepts = false;
    const auto duplicated = make_probing_set(a, c, checks);
    for (const metric m : {metric::soft_wpmi, metric::cd_wpmi}) {
      INFO(to_string(m) << " resample " << r);
      const auto weighted = all_pairs_similarity(set, m, {}, w);
      CHECK(weighted.value == all_pairs_similarity(duplicated, m).value);
      // The bootstrap engine's winners on that resample: identify() of the same scores.
      multiplicity_matrix mw(1, set.samples());
      for (Eigen::Index i = 0; i < set.samples(); ++i) mw(0, i) = static_cast<std::uint16_t>(w[static_cast<std::size_t>(i)]);
      bootstrap_request q;
      q.which = m;
      const auto e = bootstrap_ensemble(set, mw, q);
      const auto ids = identify(weighted);
      for (Eigen::Index f = 0; f < set.neurons(); ++f) CHECK(e.counts(f, ids[static_cast<std::size_t>(f)].concept_index) == 1);
    }
  }
}

TEST_CASE("layer metrics: 1 and 2 threads give the same scores and ensembles, bit for bit", "[clip_dissect][threads]") {
  const auto set = fixture_set(10.0);
  bootstrap_request q;
  q.which = metric::soft_wpmi;
  q.resamples = 8;
  q.seed = 5;
  similarity_matrix s1, s2;
  ensemble_counts e1, e2;
  {
    const thread_limit one(1);
    s1 = all_pairs_similarity(set, metric::soft_wpmi);
    e1 = bootstrap_ensemble(set, q);
  }
  {
    const thread_limit two(2);
    s2 = all_pairs_similarity(set, metric::soft_wpmi);
    e2 = bootstrap_ensemble(set, q);
  }
  CHECK(s1.value == s2.value);
  CHECK(e1.counts == e2.counts);
  CHECK(e1.counts.sum() == 8 * set.neurons());
}

TEST_CASE("layer metrics refuse what they cannot score", "[clip_dissect][errors]") {
  const auto set = fixture_set(10.0);
  metric_options o;
  o.soft_wpmi.top_k = 401;
  CHECK_THROWS_WITH(all_pairs_similarity(set, metric::soft_wpmi, o), Catch::Contains("top_k") && Catch::Contains("400"));
  std::vector<double> half(400, 1.0);
  half[3] = 0.5;
  CHECK_THROWS_WITH(all_pairs_similarity(set, metric::cd_wpmi, {}, half), Catch::Contains("whole numbers"));
  o = {};
  o.cd_wpmi.p_end = 0.0;
  CHECK_THROWS_WITH(check_metric_options(o), Catch::Contains("cd_wpmi p_end"));
  o = {};
  o.soft_wpmi.eps = 0.0;
  CHECK_THROWS_AS(all_pairs_similarity(set, metric::soft_wpmi, o), invalid_argument);
  const std::vector<double> z{1, 2, 3}, c{0, 1, 0.5};
  CHECK_THROWS_WITH(pair_metric(metric::soft_wpmi, z, c), Catch::Contains("every neuron of the layer"));
}

TEST_CASE("concepts from embeddings: sigmoid by hand, and one-line errors naming the input", "[vlm_concepts]") {
  Eigen::MatrixXd e(2, 2), t(3, 2);
  e << 3, 4, 0, -2;          // unit rows: (0.6, 0.8), (0, -1)
  t << 1, 0, 0, 5, 1, 1;     // unit rows: (1, 0), (0, 1), (s, s) with s = 1/sqrt(2)
  vlm_concept_options o;
  o.link = vlm_link::sigmoid;
  o.scale = 5.0;
  o.shift = -0.1;
  const auto p = concepts_from_embeddings(e, t, o);
  const auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  CHECK(p(0, 0) == Approx(sig(5.0 * (0.6 - 0.1))).epsilon(1e-15));
  CHECK(p(0, 1) == Approx(sig(5.0 * (0.8 - 0.1))).epsilon(1e-15));
  CHECK(p(1, 1) == Approx(sig(5.0 * (-1.0 - 0.1))).epsilon(1e-15));
  CHECK(p(1, 2) == Approx(sig(5.0 * (-std::sqrt(0.5) - 0.1))).epsilon(1e-15));
  // Softmax of a S by hand, a = 2: row 0 cosines (0.6, 0.8, 1.4 s).
  vlm_concept_options soft;
  soft.temperature = 2.0;
  const auto q = concepts_from_embeddings(e, t, soft);
  const double s = std::sqrt(0.5), z = std::exp(1.2) + std::exp(1.6) + std::exp(2.8 * s);
  CHECK(q(0, 2) == Approx(std::exp(2.8 * s) / z).epsilon(1e-15));

  const vlm_sources names{"E.npy", "T.npy"};
  CHECK_THROWS_WITH(concepts_from_embeddings(e, Eigen::MatrixXd::Ones(3, 3), soft, names),
                    Catch::StartsWith("T.npy: embedding width 3 differs from 2 in E.npy"));
  Eigen::MatrixXd bad = e;
  bad(1, 0) = std::nan("");
  CHECK_THROWS_WITH(concepts_from_embeddings(bad, t, soft, names), Catch::StartsWith("E.npy: non-finite value"));
  bad = e;
  bad.row(1).setZero();
  CHECK_THROWS_WITH(concepts_from_embeddings(bad, t, soft, names), Catch::StartsWith("E.npy: row 1 has norm 0"));
  CHECK_THROWS_WITH(concepts_from_embeddings(e, Eigen::MatrixXd(0, 2), soft, names), Catch::StartsWith("T.npy: empty"));
  soft.temperature = 0.0;
  CHECK_THROWS_WITH(concepts_from_embeddings(e, t, soft, names), Catch::Contains("temperature"));
}
