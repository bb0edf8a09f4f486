#pragma once
// Parallel, reproducible Monte Carlo engine (docs/theory.md sec. 8, docs/design.md "Reproducibility").
//
// A *study* is a batch of `replicates` independent replicates identified by a salt (derive it
// from the study's name with study_salt). Replicate j draws only from
//     make_stream(seed, j, salt)
// and writes only into its own preallocated slot, so the result is bit-identical for any number
// of threads and any scheduling order: there is no order-dependent reduction anywhere.
// Parallelism is oneTBB; limit it from outside with tbb::global_control.
// Theory: docs/theory.md sec. 8 (randomness).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/random_stream.hpp"

namespace neuroncert::sim {

/// Progress report: `done` of `total` replicates of the current study are finished. Called from
/// worker threads but never concurrently (the engine serialises the calls), at most ~100 times
/// per study and always once with done == total.
using progress_callback = std::function<void(std::size_t done, std::size_t total)>;

struct engine_options {
  std::uint64_t seed = 0;
  std::uint64_t salt = 0;       ///< the study's salt (study_salt(name))
  progress_callback progress;   ///< optional
};

/// FNV-1a 64-bit hash of a study name ("exp1/setting1/n=1000"): a stable, platform-independent salt.
constexpr std::uint64_t study_salt(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char ch : name) {
    h ^= static_cast<std::uint8_t>(ch);
    h *= 0x100000001b3ull;
  }
  return h;
}

/// Runs body(j, engine_j) for j = 0..replicates-1 in parallel, engine_j = make_stream(seed, j, salt).
/// The body must write only into slot j of storage it owns. Exceptions propagate (the first one).
void run_replicates(std::size_t replicates, const engine_options& options,
                    const std::function<void(std::size_t, random_engine&)>& body);

/// Convenience: collects body(j, engine_j) into a vector (slot j = replicate j).
template <class T, class Body>
std::vector<T> map_replicates(std::size_t replicates, const engine_options& options, Body&& body) {
  std::vector<T> out(replicates);
  run_replicates(replicates, options, [&](std::size_t j, random_engine& rng) { out[j] = body(j, rng); });
  return out;
}

}  // namespace neuroncert::sim
