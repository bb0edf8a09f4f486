#pragma once
// Bootstrap ensemble and the BE prediction set (THEORY.md sec. 5, the paper's Algorithm 1).
//
// A resample is a multiplicity vector w ~ Multinomial(n, 1/n) over the probing set: metrics use
// weighted counts and weighted ranks, so no data is copied. Resample i draws from
// make_stream(seed, i, bootstrap_salt) only; the ensemble is bit-identical for any thread count.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/random_stream.hpp"

namespace neuroncert {

/// Salt of the bootstrap streams, so they never coincide with simulation streams of the same seed.
inline constexpr std::uint64_t bootstrap_salt = 0xB007'5712'A9ull;

/// Fills `weights` (size n) with Multinomial(n, 1/n) counts: n uniform draws of a sample index.
void draw_multiplicities(random_engine& engine, std::span<double> weights);

/// The multiplicities of resample `index` under `seed`.
std::vector<double> resample_weights(std::uint64_t seed, std::uint64_t index, std::size_t n);

/// Selection counts k_c of every concept for every neuron over K resamples.
struct ensemble_counts {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> counts;  ///< F x |C|
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> unidentified;         ///< per neuron: resamples with every concept undefined
  std::int64_t resamples = 0;                                          ///< K
};

/// The bootstrap ensemble: identify every neuron on each of K resamples (THEORY.md sec. 5).
/// K >= 1. `progress(done, K)` is called after each resample when given.
ensemble_counts bootstrap_ensemble(const probing_set& set, metric m, const metric_options& options,
                                   std::int64_t resamples, std::uint64_t seed,
                                   void (*progress)(std::int64_t done, std::int64_t total) = nullptr);

/// Algorithm 1: concepts by count descending (ties: lower index first), added to S until the
/// cumulative count reaches t. If the counts sum to less than t (resamples where nothing was
/// identifiable), S holds every concept with a positive count and `reached` is false.
struct be_set {
  std::vector<std::int64_t> concepts;  ///< in the order added
  std::int64_t cumulative = 0;         ///< sum of the counts of S
  bool reached = true;
};

/// t in [1, K] is checked by the caller against K; here t >= 1 is required.
be_set be_prediction_set(std::span<const std::int64_t> counts, std::int64_t threshold);

}  // namespace neuroncert
