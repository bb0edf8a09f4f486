// Experiments 1 and 2 through sufficient statistics vs the per-sample generator, same settings
// (n = 10^4). The *_ratio benchmarks time both inside one iteration and report the speed-up as the
// counter per_sample_over_sufficient, so a single run shows the ratio.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "neuroncert/sim/experiments.hpp"

using namespace neuroncert;

namespace {
constexpr std::int64_t n = 10000;

sim::study_options opts(sim::sampler_kind k, std::int64_t replicates) {
  sim::study_options o;
  o.seed = 1;
  o.replicates = replicates;
  o.n_grid = {n};
  o.sampler = k;
  return o;
}

void exp1(sim::sampler_kind k, std::int64_t reps) {
  benchmark::DoNotOptimize(sim::run_exp1({sim::setting1(), sim::setting2()}, sim::paper_metrics(), opts(k, reps)));
}

void exp2(sim::sampler_kind k, std::int64_t reps) {
  benchmark::DoNotOptimize(sim::run_exp2(sim::concept_set_spec{}, sim::paper_metrics(), opts(k, reps)));
}

template <class F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_exp1_sufficient(benchmark::State& s) {
  for (auto _ : s) exp1(sim::sampler_kind::sufficient_statistics, 200);
}
void BM_exp1_per_sample(benchmark::State& s) {
  for (auto _ : s) exp1(sim::sampler_kind::per_sample, 200);
}
void BM_exp2_sufficient(benchmark::State& s) {
  for (auto _ : s) exp2(sim::sampler_kind::sufficient_statistics, 8);
}
void BM_exp2_per_sample(benchmark::State& s) {
  for (auto _ : s) exp2(sim::sampler_kind::per_sample, 8);
}

void BM_exp1_ratio(benchmark::State& s) {
  double suff = 0, per = 0;
  for (auto _ : s) {
    suff += seconds([] { exp1(sim::sampler_kind::sufficient_statistics, 200); });
    per += seconds([] { exp1(sim::sampler_kind::per_sample, 200); });
  }
  s.counters["per_sample_over_sufficient"] = per / suff;
}
void BM_exp2_ratio(benchmark::State& s) {
  double suff = 0, per = 0;
  for (auto _ : s) {
    suff += seconds([] { exp2(sim::sampler_kind::sufficient_statistics, 8); });
    per += seconds([] { exp2(sim::sampler_kind::per_sample, 8); });
  }
  s.counters["per_sample_over_sufficient"] = per / suff;
}
}  // namespace

BENCHMARK(BM_exp1_sufficient)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_exp1_per_sample)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_exp1_ratio)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_exp2_sufficient)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_exp2_per_sample)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_exp2_ratio)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
