// All-pairs similarity at a realistic size: n = 10,000 probing samples, F = 512 neurons,
// |C| = 1,000 concepts. Compares, in one run:
//   fast/<metric>      the matrix-product path (all_pairs_similarity)
//   loop/<metric>      the plain per-pair loop: per neuron the same preprocessing (binarisation
//                      or ranks), then one O(n) pass per (neuron, concept) pair
//   per_pair_oracle/<metric>  oracle::pair_metric() per pair (tests/oracle), on 8 x 25 pairs, per pair
//   eigen_gemm         a plain Eigen GEMM of the same shape (F x n times n x |C|)
// The "GFLOPS" counter is 2 n F |C| / time for every row, so fast/* and eigen_gemm compare
// directly: the fast path's share of the GEMM rate is the cost of everything around the product.
#include <benchmark/benchmark.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/binarize.hpp"
#include "oracle/pair_oracle.hpp"
#include "neuroncert/core/ordering.hpp"

using namespace neuroncert;

namespace {
constexpr Eigen::Index kSamples = 10000, kNeurons = 512, kConcepts = 1000;

const probing_set& data() {
  static const probing_set set = [] {
    boost::random::mt19937 rng(2025);
    boost::random::normal_distribution<double> normal;
    boost::random::uniform_01<double> uniform;
    Eigen::MatrixXd a(kSamples, kNeurons), y(kSamples, kConcepts);
    for (Eigen::Index j = 0; j < kNeurons; ++j)
      for (Eigen::Index i = 0; i < kSamples; ++i) a(i, j) = normal(rng);
    for (Eigen::Index c = 0; c < kConcepts; ++c) {
      const double rho = 0.001 + 0.2 * static_cast<double>(c % 100) / 100.0;
      for (Eigen::Index i = 0; i < kSamples; ++i) {
        const double lift = a(i, c % kNeurons) > 1.5 ? 0.3 : 0.0;
        y(i, c) = uniform(rng) < rho + lift ? 1.0 : 0.0;
      }
      y(c, c) = 1.0;
    }
    return make_probing_set(std::move(a), std::move(y));
  }();
  return set;
}

void set_flops(benchmark::State& state, double pairs_fraction = 1.0) {
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * kSamples * kNeurons * kConcepts * pairs_fraction * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
}

void fast(benchmark::State& state, metric m) {
  const auto& set = data();
  for (auto _ : state) benchmark::DoNotOptimize(all_pairs_similarity(set, m).value.data());
  set_flops(state);
}

// Per neuron: the same preprocessing as the fast path (a binarised or ranked column), then a
// plain dot-product loop per concept. Counts and rank sums only; turning them into the metric is
// the same O(F |C|) in both paths.
void loop(benchmark::State& state, metric m) {
  const auto& set = data();
  for (auto _ : state) {
    Eigen::MatrixXd out(kNeurons, kConcepts);
    std::vector<double> column(kSamples);
    for (Eigen::Index f = 0; f < kNeurons; ++f) {
      const std::span<const double> z(set.activations.col(f).data(), kSamples);
      const auto order = descending_order(z);
      if (m == metric::auroc) {
        weighted_mid_ranks(z, order, {}, column);
      } else {
        const double t = top_alpha_threshold(z, order, 0.05);
        for (Eigen::Index i = 0; i < kSamples; ++i) column[static_cast<std::size_t>(i)] = z[static_cast<std::size_t>(i)] >= t;
      }
      for (Eigen::Index c = 0; c < kConcepts; ++c) {
        const double* y = set.concepts.col(c).data();
        double s = 0.0;
        for (Eigen::Index i = 0; i < kSamples; ++i) s += column[static_cast<std::size_t>(i)] * y[i];
        out(f, c) = s;
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  set_flops(state);
}

void per_pair_oracle(benchmark::State& state, metric m) {
  const auto& set = data();
  constexpr Eigen::Index F = 8, C = 25;
  for (auto _ : state)
    for (Eigen::Index f = 0; f < F; ++f)
      for (Eigen::Index c = 0; c < C; ++c)
        benchmark::DoNotOptimize(oracle::pair_metric(m, {set.activations.col(f).data(), kSamples},
                                             {set.concepts.col(c).data(), kSamples}));
  state.counters["us_per_pair"] = benchmark::Counter(
      static_cast<double>(F * C) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}

void eigen_gemm(benchmark::State& state) {
  const auto& set = data();
  for (auto _ : state) {
    Eigen::MatrixXd out = set.activations.transpose() * set.concepts;
    benchmark::DoNotOptimize(out.data());
  }
  set_flops(state);
}

}  // namespace

BENCHMARK_CAPTURE(fast, accuracy, metric::accuracy)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();
BENCHMARK_CAPTURE(fast, iou, metric::iou)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();
BENCHMARK_CAPTURE(fast, auroc, metric::auroc)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();
BENCHMARK_CAPTURE(loop, accuracy_counts, metric::accuracy)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(loop, auroc_ranks, metric::auroc)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(per_pair_oracle, iou, metric::iou)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(per_pair_oracle, auroc, metric::auroc)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(eigen_gemm)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();

BENCHMARK_MAIN();
