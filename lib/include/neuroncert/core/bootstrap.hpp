#pragma once
// Bootstrap ensemble and the BE prediction set (docs/theory.md sec. 5, the paper's Algorithm 1).
//
// A resample is a multiplicity vector w ~ Multinomial(n, 1/n) over the probing set: metrics use
// weighted counts and weighted ranks, so no data is copied. Resample i draws from
// make_stream(seed, i, bootstrap_salt) only; the ensemble is bit-identical for any thread count.
//
// Every resample runs the library's one similarity engine (lib/src/similarity_engine.hpp, the
// same code as all_pairs_similarity()): per task (a block of 32 neurons and a run of resamples)
// the neurons' orders are computed once, then each resample only reweights. Each (neuron,
// resample) winner is computed by the same operations in the same order whatever the thread
// count, so the ensemble is bit-identical for any number of threads and equals identify() of
// all_pairs_similarity() with the resample's multiplicities as weights.
// Theory: docs/theory.md sec. 5.1 (bootstrap ensemble), sec. 5.2 (BE prediction set).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/core/sparse_concepts.hpp"

namespace neuroncert {

/// Salt of the bootstrap streams, so they never coincide with simulation streams of the same seed.
inline constexpr std::uint64_t bootstrap_salt = 0xB007'5712'A9ull;

/// The most resamples the bootstrap accepts: the paper uses K = 100, and BE sets settle long before
/// 10^6; a larger K is a typo (1e18), refused before anything is allocated.
inline constexpr std::int64_t max_resamples = 1'000'000;

/// Bytes the ensemble holds at once for K resamples of n samples, F neurons and |C| concepts (the
/// K x n 16-bit multiplicities, the F x K winners and the K x |C| per-resample concept terms), so
/// callers can refuse a run that cannot fit up front.
double bootstrap_memory_bytes(std::int64_t samples, std::int64_t neurons, std::int64_t resamples,
                              std::int64_t concepts = 0);

/// Fills `weights` (size n) with Multinomial(n, 1/n) counts: n uniform draws of a sample index.
void draw_multiplicities(random_engine& engine, std::span<double> weights);

/// The multiplicities of resample `index` under `seed`.
std::vector<double> resample_weights(std::uint64_t seed, std::uint64_t index, std::size_t n);

/// K x n multiplicities, row r = resample_weights(seed, r, n) (as 16-bit integers; a multiplicity
/// above 65535 throws, which Multinomial(n, 1/n) never produces in practice).
using multiplicity_matrix = Eigen::Matrix<std::uint16_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
multiplicity_matrix resample_multiplicities(std::uint64_t seed, std::int64_t resamples, std::size_t n);

/// The sparse rows of a 0/1 concept matrix, or nullopt when some entry is neither 0 nor 1.
std::optional<sparse_concepts> to_sparse_concepts(const Eigen::MatrixXd& concepts);

/// Selection counts k_c of every concept for every neuron over K resamples.
struct ensemble_counts {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> counts;  ///< F x |C|
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> unidentified;         ///< per neuron: resamples with every concept undefined
  std::int64_t resamples = 0;                                          ///< K
};

/// Options and hooks of a bootstrap run.
struct bootstrap_request {
  metric which = metric::accuracy;
  metric_options options{};
  std::int64_t resamples = 100;  ///< K >= 1
  std::uint64_t seed = 0;
  /// Called with (done, total) work units (neuron-resamples) as tasks finish; serialized.
  std::function<void(std::int64_t done, std::int64_t total)> progress{};
  /// Called with [begin, end) once the counts of those neurons are final, in ascending neuron
  /// order and serialized, so callers can stream finished neurons. `counts` rows outside
  /// [0, end) are not final yet.
  std::function<void(Eigen::Index begin, Eigen::Index end, const ensemble_counts& counts)> neurons_done{};
  /// Run all_pairs_similarity() once per resample instead of the task-parallel engine; the same
  /// results, for tests and benchmarks.
  bool general_path = false;
};

/// The bootstrap ensemble: identify every neuron on each of K resamples (docs/theory.md sec. 5).
ensemble_counts bootstrap_ensemble(const probing_set& set, const bootstrap_request& request);

/// Same with the concepts given as sparse rows (the set's own concepts are ignored).
ensemble_counts bootstrap_ensemble(const probing_set& set, const sparse_concepts& concepts,
                                   const bootstrap_request& request);

/// The ensemble over given multiplicities (row r = resample r) instead of drawn ones; request.seed
/// and request.resamples are ignored. For tests (e.g. K copies of the full probing set).
ensemble_counts bootstrap_ensemble(const probing_set& set, const multiplicity_matrix& multiplicities,
                                   const bootstrap_request& request);

/// Backwards-compatible form. K >= 1. `progress(done, K)` is called after each resample when given.
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

/// Per-neuron stability summary of an ensemble (the paper's Tables 3 and 4).
struct stability_summary {
  Eigen::Index top_concept = -1;     ///< most frequent concept (ties: lowest index); -1 if none
  double top1_frequency = 0.0;       ///< k_top / K
  std::int64_t coverage90_size = 0;  ///< |S| of Algorithm 1 with t = ceil(0.9 K)
};
stability_summary summarize_stability(std::span<const std::int64_t> counts, std::int64_t resamples);

}  // namespace neuroncert
