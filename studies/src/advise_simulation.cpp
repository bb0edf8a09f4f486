#include "neuroncert/studies/advise_simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/random/uniform_01.hpp>
#include <fmt/format.h>

#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/core/undefined.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/sampling.hpp"

namespace neuroncert::studies {
namespace {

std::vector<counts2x2> draw_tables(const simulation_setup& setup, std::int64_t n, const counts2x2& w,
                                   const std::string& study) {
  sim::engine_options eo;
  eo.seed = setup.seed;
  eo.salt = sim::study_salt(study);
  return sim::map_replicates<counts2x2>(static_cast<std::size_t>(setup.replicates), eo,
                                        [&](std::size_t, random_engine& rng) { return sim::draw_counts(rng, n, w); });
}

// The search below evaluates thousands of (table, n) cells of 1000 replicates of three binomial draws
// each; seeding a 312-word engine per replicate would cost more than the draws (two thirds of the time,
// measured), so each cell draws its replicates in order from one stream of its own, and the cells of
// different metrics run in parallel instead.
std::vector<counts2x2> draw_tables_in_order(const simulation_setup& setup, std::int64_t n, const counts2x2& w,
                                            const std::string& study) {
  random_engine rng = make_stream(setup.seed, 0, sim::study_salt(study));
  std::vector<counts2x2> out(static_cast<std::size_t>(setup.replicates));
  for (auto& k : out) k = sim::draw_counts(rng, n, w);
  return out;
}

simulated_error error_of(metric m, const std::vector<counts2x2>& drawn, double population, const metric_options& o,
                         std::vector<double>& errors) {
  errors.clear();
  for (const counts2x2& c : drawn) {
    const metric_value v = binary_neuron_metric(m, c, o);
    if (v.defined()) errors.push_back(std::abs(v.value - population));
  }
  simulated_error e;
  const std::size_t undefined = drawn.size() - errors.size();
  e.undefined_fraction = static_cast<double>(undefined) / static_cast<double>(drawn.size());
  if (!errors.empty()) e.q95 = quantile_type7(errors, sim::quantile_level);
  e.q95_undefined_inf = sim::quantile_undefined_as_inf(errors, undefined, sim::quantile_level);
  return e;
}

}  // namespace

std::vector<std::vector<simulated_error>> simulate_errors(const simulation_setup& setup, std::int64_t n,
                                                          const std::function<std::string(std::size_t)>& study_of) {
  const std::size_t S = setup.tables.size(), M = setup.metrics.size();
  std::vector<std::vector<simulated_error>> out(M, std::vector<simulated_error>(S));
  std::vector<double> errors;
  for (std::size_t s = 0; s < S; ++s) {
    const std::vector<counts2x2> drawn = draw_tables(setup, n, setup.tables[s], study_of(s));
    for (std::size_t k = 0; k < M; ++k)
      out[k][s] = error_of(setup.metrics[k], drawn, setup.population[k][s], setup.metric_opts, errors);
  }
  return out;
}

std::optional<std::int64_t> simulated_n_for_epsilon(const simulation_setup& setup, std::size_t k, double epsilon,
                                                    std::int64_t start) {
  const metric m = setup.metrics[k];
  std::vector<double> errors;
  // Whether every table's quantile at n is within epsilon. It stops at the first table that is not, and
  // tries that one first next time (the worst table rarely changes with n); each table's draws depend
  // only on (metric, table, n), so the order changes the time, not the answer.
  std::vector<std::size_t> order(setup.tables.size());
  for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
  const auto reaches = [&](std::int64_t n) {
    for (std::size_t i = 0; i < order.size(); ++i) {
      const std::size_t s = order[i];
      const auto study = fmt::format("advise/simulated-n/metric={}/setting={}/n={}", to_string(m), s, n);
      const simulated_error e = error_of(m, draw_tables_in_order(setup, n, setup.tables[s], study),
                                         setup.population[k][s], setup.metric_opts, errors);
      if (!(e.q95_undefined_inf <= epsilon)) {
        std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(i), order.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        return false;
      }
    }
    return true;
  };
  std::int64_t lo = 0, hi = std::clamp<std::int64_t>(start, 1, sim::max_probing_set_size);
  // Bracket: lo fails (0 always does), hi reaches.
  if (reaches(hi)) {
    while (hi > 1) {
      const std::int64_t half = hi / 2;
      if (!reaches(half)) {
        lo = half;
        break;
      }
      hi = half;
    }
  } else {
    lo = hi;
    for (;;) {
      if (hi == sim::max_probing_set_size) return std::nullopt;
      hi = std::min(2 * hi, sim::max_probing_set_size);
      if (reaches(hi)) break;
      lo = hi;
    }
  }
  // Bisect on log n to 1% (exactly below 100 samples).
  while (hi - lo > std::max<std::int64_t>(1, hi / 100)) {
    const std::int64_t mid =
        lo == 0 ? hi / 2 : std::clamp<std::int64_t>(std::llround(std::sqrt(static_cast<double>(lo) * static_cast<double>(hi))),
                                                    lo + 1, hi - 1);
    if (mid <= lo || mid >= hi) break;
    (reaches(mid) ? hi : lo) = mid;
  }
  return hi;
}

std::vector<identification_outcome> simulate_identification(const std::vector<metric>& metrics,
                                                            const std::vector<double>& rhos,
                                                            const agreement_table& agreement, std::int64_t n,
                                                            std::int64_t replicates, std::uint64_t seed,
                                                            const metric_options& metric_opts) {
  const std::size_t C = rhos.size(), M = metrics.size();
  const auto reps = static_cast<std::size_t>(replicates);
  sim::engine_options eo;
  eo.seed = seed;
  eo.salt = sim::study_salt("advise/identification");
  std::vector<double> gap(reps * M);
  std::vector<std::uint8_t> correct(reps * M), none(reps * M);
  sim::run_replicates(reps, eo, [&](std::size_t j, random_engine& rng) {
    boost::random::uniform_01<double> u;
    const std::size_t about = j % C;
    std::vector<counts2x2> w(C);
    w[about] = agreement(rhos[about]);
    const double a = w[about].neuron_positives();
    for (std::size_t c = 0; c < C; ++c) {
      if (c == about) continue;
      const double lo = std::max(0.0, a + rhos[c] - 1.0), hi = std::min(a, rhos[c]);
      const double w11 = lo + u(rng) * (hi - lo);
      w[c] = {std::max(0.0, 1.0 - a - rhos[c] + w11), rhos[c] - w11, a - w11, w11};
    }
    const std::vector<counts2x2> k = sim::draw_concept_counts(rng, n, a, w);
    std::vector<metric_value> est(C);
    std::vector<double> pop(C);
    for (std::size_t q = 0; q < M; ++q) {
      std::size_t best = 0;
      for (std::size_t c = 0; c < C; ++c) {
        const metric_value p = binary_neuron_metric(metrics[q], w[c], metric_opts);
        pop[c] = p.defined() ? p.value : -std::numeric_limits<double>::infinity();
        if (pop[c] > pop[best]) best = c;
        est[c] = binary_neuron_metric(metrics[q], k[c], metric_opts);
      }
      const identification id = identify_scores(est);
      const std::size_t slot = j * M + q;
      if (!id.found()) {
        none[slot] = 1;
        gap[slot] = std::numeric_limits<double>::infinity();
        continue;
      }
      const auto chosen = static_cast<std::size_t>(id.concept_index);
      correct[slot] = chosen == best || pop[chosen] == pop[best] ? 1 : 0;
      gap[slot] = pop[best] - pop[chosen];
    }
  });
  std::vector<identification_outcome> out(M);
  std::vector<double> g(reps);
  for (std::size_t q = 0; q < M; ++q) {
    auto& x = out[q];
    x.m = metrics[q];
    std::size_t right = 0;
    for (std::size_t j = 0; j < reps; ++j) {
      g[j] = gap[j * M + q];
      right += correct[j * M + q];
      x.none_defined += none[j * M + q];
    }
    x.probability_correct = static_cast<double>(right) / static_cast<double>(reps);
    // +inf gaps (no concept defined) sort to the top; the quantile is +inf once they pass 5%.
    std::vector<double> finite;
    for (double v : g)
      if (std::isfinite(v)) finite.push_back(v);
    x.gap_q95 = sim::quantile_undefined_as_inf(finite, reps - finite.size(), sim::quantile_level);
  }
  return out;
}

}  // namespace neuroncert::studies
