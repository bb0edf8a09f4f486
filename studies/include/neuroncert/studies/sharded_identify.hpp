#pragma once
// identify on activations stored as row shards, in one process or split over the ranks of an MPI
// job (`mpirun -np R neuroncert identify --activations-shards ...`).
// Design: docs/sharded_inputs.md; theory: docs/theory.md sec. 4-5 (what each neuron gets).
//
// Rank r reads only its own shards (a contiguous run of them, memory-mapped) and every concept
// file (each rank needs every sample of its neurons against every concept). The neurons are split
// into R contiguous ranges; each range is processed in rounds of `block` neurons: an all-to-all
// exchange turns the row shards into column blocks (every sample of the block's neurons), the
// rank identifies, certifies and (with a bootstrap) resamples those neurons with the same
// functions as a single-process run, and rank 0 gathers the results in neuron order and writes
// them with the same writer. A neuron's results depend only on its column, the concepts, the
// options and, for the bootstrap, the streams (seed, resample), never on R or the block, so the
// files are byte-identical to a single-process run. The layer metrics (soft_wpmi, cd_wpmi) need
// every neuron at once: they run only when one block holds the whole layer.
//
// Memory per rank is planned before any value is read (rank_memory_plan) and the run refused when
// even the smallest block would not fit the budget. A failure on any rank (a corrupt shard, out of
// memory) stops every rank with one line naming the rank and the file (communicator.hpp,
// on_every_rank); nothing is written before every rank has finished.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "neuroncert/core/communicator.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/studies/identify_report.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

struct sharded_identify_request {
  std::vector<std::filesystem::path> activation_shards;  ///< in row order, each rows x F
  std::vector<std::filesystem::path> concept_shards;     ///< in row order: .npy files or CSR directories
  std::filesystem::path names;                           ///< one concept name per line (empty: concept_0, ...)
  metric which = metric::accuracy;
  metric_options options{};
  double delta = 0.05;
  double min_support = 0.0;
  std::optional<stability_options> bootstrap;  ///< its callbacks are ignored; progress goes to `progress`
  double rank_memory_bytes = 0.0;              ///< the budget of one rank, > 0
  std::int64_t block_neurons = 0;              ///< neurons per rank per round; 0: the most the budget allows
  progress_callback progress;                  ///< called on rank 0 only: stage "neuron blocks", neurons done
};

/// What one rank holds at its peak, in bytes (an estimate from the sizes; docs/sharded_inputs.md).
struct rank_memory_plan {
  std::int64_t samples = 0, neurons = 0, concepts = 0, nonzeros = 0, ranks = 1;
  std::int64_t neurons_per_rank = 0;  ///< the most any rank owns
  std::int64_t block = 0;             ///< neurons per rank per round
  std::int64_t rounds = 0;
  double concept_bytes = 0.0;   ///< the sparse concepts, and their peak while being read
  double exchange_bytes = 0.0;  ///< one round's send and receive buffers and the block's activations
  double compute_bytes = 0.0;   ///< one round's similarities, engine buffers, bootstrap multiplicities
  double result_bytes = 0.0;    ///< rank 0: every neuron's results and the JSON report
  double total_bytes = 0.0;
  double budget_bytes = 0.0;
};

/// The plan for these sizes: the largest block (a multiple of the engine's 32 neurons, or a rank's
/// whole range) that fits `budget_bytes`, or `forced_block` when > 0. data_error when even one
/// neuron per round would not fit; invalid_argument for a layer metric that would need more than
/// one block.
/// `max_rank_rows`: the most samples any rank's shards hold (0: all n, as when one rank has them all).
rank_memory_plan plan_rank_memory(std::int64_t samples, std::int64_t neurons, std::int64_t concepts,
                                  std::int64_t nonzeros, bool binary_concepts, int ranks, metric which,
                                  std::int64_t resamples, double budget_bytes, std::int64_t forced_block = 0,
                                  int threads = 1, std::int64_t max_rank_rows = 0);

/// Everything a writer needs; complete on rank 0, only `plan` on the other ranks.
struct sharded_identify_result {
  rank_memory_plan plan;
  std::vector<std::string> names;
  identify_report report;                    ///< similarities left empty (they stayed on their ranks)
  std::optional<stability_report> stability;
};

sharded_identify_result identify_sharded(communicator& comm, const sharded_identify_request& request);

/// The plan and a timed calibration round (a block of at most 64 neurons per rank, the bootstrap
/// with at most 4 resamples), scaled to the whole run. Reads the headers, the concepts and one
/// block; writes nothing.
struct sharded_dry_run {
  rank_memory_plan plan;
  std::int64_t calibration_neurons = 0;  ///< per rank
  std::int64_t calibration_resamples = 0;
  double calibration_seconds = 0.0;  ///< the slowest rank's
  double estimated_seconds = 0.0;
};
sharded_dry_run plan_sharded(communicator& comm, const sharded_identify_request& request);

/// The ranks of this job on this machine (OpenMPI's local size, else `ranks`): they share its cores
/// and memory.
int ranks_on_this_node(int ranks);

/// Half the physical memory, shared among the ranks on this node (OpenMPI's local size, else
/// `ranks`): the default --rank-memory.
double default_rank_memory(int ranks);

/// "512 MiB", "6.25 GiB": a size in bytes as the plan reports it.
std::string memory_text(double bytes);

}  // namespace neuroncert::studies
