// Bootstrap ensemble (BE) at ImageNet/Broden size: n = 50,000 probing samples, F = 1,024
// neurons, |C| = 1,200 concepts (synthetic), accuracy and AUROC. In one run:
//   be/<metric>/K:100   the bootstrap ensemble with K = 100 resamples (the paper's setting)
//   be/<metric>/K:1     the same engine with one resample
//   identify/<metric>   one plain identification on the full set: all_pairs_similarity() with the
//                       dense concept matrix, then the argmax
//   eigen_gemm          a plain Eigen GEMM of the same shape (F x n times n x |C|, double)
// Concepts are sparse 0/1 labels with log-uniform frequencies in (1e-4, 1e-1) (mean ~1.4%,
// ~17 per sample, as in Broden-like label sets), half of each concept's positives among the top
// 5% of one neuron. The BE engine stores them as sparse rows; the dense copy (480 MB) exists only
// for identify/* and eigen_gemm.
// Counters: "GFLOPS" = K * 2 n F |C| / time (dense-equivalent, directly comparable with
// eigen_gemm), "s_per_resample" = time / K. Run with --benchmark_filter to pick rows.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <tbb/parallel_for.h>

#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/core/ordering.hpp"

using namespace neuroncert;

namespace {
constexpr Eigen::Index kSamples = 50000, kNeurons = 1024, kConcepts = 1200;

struct bench_data {
  probing_set set;  ///< activations only; concepts sparse below
  sparse_concepts concepts;
};

const bench_data& data() {
  static const bench_data d = [] {
    bench_data b;
    boost::random::mt19937 rng(2025);
    boost::random::normal_distribution<double> normal;
    boost::random::uniform_01<double> uniform;
    b.set.activations.resize(kSamples, kNeurons);
    for (Eigen::Index j = 0; j < kNeurons; ++j)
      for (Eigen::Index i = 0; i < kSamples; ++i) b.set.activations(i, j) = normal(rng);
    std::vector<std::vector<std::uint32_t>> orders(kNeurons);
    tbb::parallel_for(Eigen::Index{0}, kNeurons, [&](Eigen::Index j) {
      orders[static_cast<std::size_t>(j)] = descending_order(
          std::span<const double>(b.set.activations.col(j).data(), static_cast<std::size_t>(kSamples)));
    });
    std::vector<std::vector<std::uint32_t>> rows(kSamples);
    boost::random::uniform_int_distribution<std::uint32_t> any(0, kSamples - 1), top(0, kSamples / 20 - 1);
    std::vector<char> used(kSamples);
    for (Eigen::Index c = 0; c < kConcepts; ++c) {
      const double rho = std::exp(std::log(1e-4) + uniform(rng) * (std::log(1e-1) - std::log(1e-4)));
      const auto k = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::lround(rho * kSamples)));
      const auto& order = orders[static_cast<std::size_t>(c % kNeurons)];
      std::fill(used.begin(), used.end(), 0);
      for (Eigen::Index made = 0; made < k;) {
        const std::uint32_t i = uniform(rng) < 0.5 ? order[top(rng)] : any(rng);
        if (used[i]) continue;
        used[i] = 1;
        rows[i].push_back(static_cast<std::uint32_t>(c));
        ++made;
      }
    }
    b.concepts.samples = kSamples;
    b.concepts.concepts = kConcepts;
    b.concepts.row_start.push_back(0);
    for (const auto& r : rows) {
      b.concepts.index.insert(b.concepts.index.end(), r.begin(), r.end());
      b.concepts.row_start.push_back(b.concepts.index.size());
    }
    return b;
  }();
  return d;
}

const Eigen::MatrixXd& dense_concepts() {
  static const Eigen::MatrixXd y = [] {
    const auto& s = data().concepts;
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(kSamples, kConcepts);
    for (Eigen::Index i = 0; i < kSamples; ++i)
      for (auto p = s.row_start[static_cast<std::size_t>(i)]; p < s.row_start[static_cast<std::size_t>(i) + 1]; ++p)
        m(i, s.index[p]) = 1.0;
    return m;
  }();
  return y;
}

void set_counters(benchmark::State& state, double resamples) {
  const double flops = 2.0 * kSamples * kNeurons * kConcepts * resamples;
  state.counters["GFLOPS"] =
      benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.counters["resamples"] = resamples;
  state.counters["nnz_per_sample"] =
      static_cast<double>(data().concepts.nonzeros()) / static_cast<double>(kSamples);
}

void be(benchmark::State& state, metric m) {
  const auto& d = data();
  bootstrap_request q;
  q.which = m;
  q.resamples = state.range(0);
  q.seed = 7;
  for (auto _ : state) {
    const auto e = bootstrap_ensemble(d.set, d.concepts, q);
    benchmark::DoNotOptimize(e.counts.data());
  }
  set_counters(state, static_cast<double>(q.resamples));
  state.counters["s_per_resample"] = benchmark::Counter(static_cast<double>(state.iterations()) * q.resamples,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void plain_identify(benchmark::State& state, metric m) {
  const auto& d = data();
  static const probing_set dense = make_probing_set(d.set.activations, dense_concepts());
  for (auto _ : state) benchmark::DoNotOptimize(identify(all_pairs_similarity(dense, m)).data());
  set_counters(state, 1.0);
}

void eigen_gemm(benchmark::State& state) {
  const auto& a = data().set.activations;
  const auto& y = dense_concepts();
  Eigen::MatrixXd out(kNeurons, kConcepts);
  for (auto _ : state) {
    out.noalias() = a.transpose() * y;
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, 1.0);
}
}  // namespace

BENCHMARK_CAPTURE(be, accuracy, metric::accuracy)->Arg(1)->Arg(100)->ArgName("K")->Unit(benchmark::kSecond)
    ->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(be, auroc, metric::auroc)->Arg(1)->Arg(100)->ArgName("K")->Unit(benchmark::kSecond)
    ->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(plain_identify, accuracy, metric::accuracy)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(plain_identify, auroc, metric::auroc)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(eigen_gemm)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();

BENCHMARK_MAIN();
