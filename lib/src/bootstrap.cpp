#include "neuroncert/core/bootstrap.hpp"

#include <algorithm>
#include <numeric>

#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/identify.hpp"

namespace neuroncert {

void draw_multiplicities(random_engine& engine, std::span<double> weights) {
  std::fill(weights.begin(), weights.end(), 0.0);
  if (weights.empty()) return;
  boost::random::uniform_int_distribution<std::size_t> pick(0, weights.size() - 1);
  for (std::size_t draw = 0; draw < weights.size(); ++draw) weights[pick(engine)] += 1.0;
}

std::vector<double> resample_weights(std::uint64_t seed, std::uint64_t index, std::size_t n) {
  std::vector<double> w(n);
  auto engine = make_stream(seed, index, bootstrap_salt);
  draw_multiplicities(engine, w);
  return w;
}

ensemble_counts bootstrap_ensemble(const probing_set& set, metric m, const metric_options& options,
                                   std::int64_t resamples, std::uint64_t seed,
                                   void (*progress)(std::int64_t, std::int64_t)) {
  check_at_least("number of resamples K", resamples, 1);
  ensemble_counts out;
  out.counts.setZero(set.neurons(), set.concept_count());
  out.unidentified.setZero(set.neurons());
  out.resamples = resamples;
  for (std::int64_t r = 0; r < resamples; ++r) {
    const auto w = resample_weights(seed, static_cast<std::uint64_t>(r), static_cast<std::size_t>(set.samples()));
    const auto ids = identify(all_pairs_similarity(set, m, options, w));
    for (Eigen::Index f = 0; f < set.neurons(); ++f) {
      const auto& id = ids[static_cast<std::size_t>(f)];
      if (id.found())
        ++out.counts(f, id.concept_index);
      else
        ++out.unidentified(f);
    }
    if (progress) progress(r + 1, resamples);
  }
  return out;
}

be_set be_prediction_set(std::span<const std::int64_t> counts, std::int64_t threshold) {
  check_at_least("threshold t", threshold, 1);
  std::vector<std::int64_t> order(counts.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return counts[static_cast<std::size_t>(a)] > counts[static_cast<std::size_t>(b)];
  });
  be_set s;
  for (std::int64_t c : order) {
    if (s.cumulative >= threshold) break;
    const std::int64_t k = counts[static_cast<std::size_t>(c)];
    if (k <= 0) break;  // only zero counts remain: adding them cannot reach t
    s.concepts.push_back(c);
    s.cumulative += k;
  }
  s.reached = s.cumulative >= threshold;
  return s;
}

}  // namespace neuroncert
