// identify on row shards, in one process or over MPI ranks (sharded_identify.hpp).
#include "neuroncert/studies/sharded_identify.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/probing_files.hpp"
#include "neuroncert/core/row_shards.hpp"
#include "neuroncert/studies/identify_wire.hpp"
#include "neuroncert/studies/probing_bundle.hpp"

namespace neuroncert::studies {
namespace {

constexpr double program_bytes = 64.0 * (1 << 20);  // the program, its libraries and thread stacks
constexpr std::int64_t engine_block = 32;            // the similarity engine's neuron block
constexpr double int_max = static_cast<double>(std::numeric_limits<int>::max());

using clock = std::chrono::steady_clock;
double seconds_since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }

std::string gib(double bytes) { return memory_text(bytes); }

/// [begin, end) of a contiguous split of `count` items into `parts`, part `k`.
std::pair<std::int64_t, std::int64_t> split(std::int64_t count, int parts, int k) {
  return {count * k / parts, count * (k + 1) / parts};
}

}  // namespace

std::string memory_text(double bytes) {
  const double mib = bytes / (1024.0 * 1024.0);
  return mib < 1024.0 ? fmt::format("{:.0f} MiB", mib) : fmt::format("{:.2f} GiB", mib / 1024.0);
}

int ranks_on_this_node(int ranks) {
  if (const char* s = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) return std::max(1, std::atoi(s));
  return std::max(1, ranks);
}

double default_rank_memory(int ranks) {
  const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  return 0.5 * physical / ranks_on_this_node(ranks);
}

rank_memory_plan plan_rank_memory(std::int64_t n, std::int64_t F, std::int64_t C, std::int64_t nnz, bool binary,
                                  int R, metric which, std::int64_t K, double budget, std::int64_t forced_block,
                                  int threads, std::int64_t max_rank_rows) {
  rank_memory_plan p;
  p.samples = n;
  p.neurons = F;
  p.concepts = C;
  p.nonzeros = nnz;
  p.ranks = R;
  p.neurons_per_rank = (F + R - 1) / R;
  p.budget_bytes = budget;
  const double dn = static_cast<double>(n), dC = static_cast<double>(C), dnnz = static_cast<double>(nnz);
  const double concepts_resident = (dn + 1.0) * 8.0 + dnnz * (binary ? 4.0 : 12.0);
  // While read: the nonzeros' values as doubles, twice (the file's array and the builder's).
  p.concept_bytes = concepts_resident + dnnz * 16.0;
  // Rank 0 keeps every neuron's results and builds the JSON report (about 2 KiB a neuron, plus a
  // line per chosen concept of the bootstrap).
  p.result_bytes = static_cast<double>(F) * (2048.0 + (K > 0 ? 160.0 * static_cast<double>(std::min(K, C)) : 0.0));
  const auto peak = [&](double b) {
    // Send: this rank's rows of every rank's block; receive: every sample of its block; the block.
    const double rows = static_cast<double>(max_rank_rows > 0 ? max_rank_rows : n);
    const double exchange = 8.0 * b * (rows * static_cast<double>(R) + 2.0 * dn);
    const double compute = 8.0 * b * dn + 17.0 * b * dC                         // block; similarities, reasons, intervals
                           + static_cast<double>(std::max(1, threads)) * engine_block * dn * 16.0  // engine orders
                           + (K > 0 ? bootstrap_memory_bytes(n, static_cast<std::int64_t>(b), K, C) : 0.0);
    return std::pair{exchange, compute};
  };
  const auto total = [&](double b) {
    const auto [exchange, compute] = peak(b);
    return program_bytes + concepts_resident + p.result_bytes + std::max({p.concept_bytes - concepts_resident, exchange, compute});
  };
  std::int64_t block = forced_block;
  if (block <= 0) {
    if (total(1.0) > budget)
      throw data_error(fmt::format(
          "--rank-memory: a rank needs at least {} (concepts {}, one neuron per round {}, results {}) but the budget "
          "is {}: give each rank more memory or run more ranks", gib(total(1.0)), gib(p.concept_bytes),
          gib(total(1.0) - program_bytes - concepts_resident - p.result_bytes), gib(p.result_bytes), gib(budget)));
    // The largest block that fits, then down to whole engine blocks.
    std::int64_t lo = 1, hi = std::max<std::int64_t>(1, p.neurons_per_rank);
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo + 1) / 2;
      if (total(static_cast<double>(mid)) <= budget) lo = mid; else hi = mid - 1;
    }
    block = lo;
    if (block < p.neurons_per_rank && block >= engine_block) block = block / engine_block * engine_block;
  }
  // MPI counts are ints: one round's block must hold fewer than 2^31 values.
  block = std::max<std::int64_t>(1, std::min({block, std::max<std::int64_t>(1, p.neurons_per_rank),
                                              static_cast<std::int64_t>(int_max / std::max(1.0, dn))}));
  p.block = block;
  p.rounds = p.neurons_per_rank == 0 ? 0 : (p.neurons_per_rank + block - 1) / block;
  const auto [exchange, compute] = peak(static_cast<double>(block));
  p.exchange_bytes = exchange;
  p.compute_bytes = compute;
  p.total_bytes = total(static_cast<double>(block));
  if (is_layer_metric(which) && (R > 1 || block < F))
    throw invalid_argument(fmt::format(
        "--metric {}: a layer metric's marginal averages over every neuron of the layer, so all {} neurons must be "
        "one block of one process ({}); run it without mpirun, with --rank-memory large enough for the whole layer",
        to_string(which), F, R > 1 ? fmt::format("this job has {} ranks", R)
                                   : fmt::format("the memory budget allows blocks of {}", block)));
  return p;
}

namespace {

/// One rank's view of the job: its shards, the global row layout, the concepts, the neuron ranges.
class sharded_job {
 public:
  sharded_job(communicator& comm, const sharded_identify_request& q) : comm_(comm), q_(q) {
    const int R = comm.size(), r = comm.rank();
    const auto S = static_cast<std::int64_t>(q.activation_shards.size());
    if (S == 0) throw invalid_argument("--activations-shards: no shard given");
    // Rank r owns a contiguous run of shards, so its rows are one contiguous range.
    const auto [s0, s1] = split(S, R, r);
    on_every_rank(comm, [&] {
      for (auto s = s0; s < s1; ++s) shards_.emplace_back(q.activation_shards[static_cast<std::size_t>(s)]);
    });
    // Every rank learns every shard's shape from its owner.
    std::string mine;
    for (const auto& m : shards_) mine += fmt::format("{} {}\n", m.rows(), m.cols());
    const auto all = comm.all_gather(mine);
    rank_first_row_.assign(static_cast<std::size_t>(R) + 1, 0);
    std::vector<std::pair<std::int64_t, std::int64_t>> shapes;
    for (int k = 0; k < R; ++k) {
      std::int64_t rows = 0;
      std::size_t pos = 0;
      while (pos < all[static_cast<std::size_t>(k)].size()) {
        const auto end = all[static_cast<std::size_t>(k)].find('\n', pos);
        const std::string line = all[static_cast<std::size_t>(k)].substr(pos, end - pos);
        const auto space = line.find(' ');
        shapes.emplace_back(std::stoll(line.substr(0, space)), std::stoll(line.substr(space + 1)));
        rows += shapes.back().first;
        pos = end + 1;
      }
      rank_first_row_[static_cast<std::size_t>(k) + 1] = rank_first_row_[static_cast<std::size_t>(k)] + rows;
    }
    samples_ = rank_first_row_.back();
    neurons_ = shapes.front().second;
    // The owner of a shard of another width names it.
    on_every_rank(comm, [&] {
      for (const auto& m : shards_)
        if (static_cast<std::int64_t>(m.cols()) != neurons_)
          throw data_error(fmt::format("{}: {} columns (neurons), but the first shard {} has {}: every shard must "
                                       "hold the same neurons", m.path().string(), m.cols(),
                                       q.activation_shards.front().string(), neurons_));
      if (samples_ == 0) throw data_error(fmt::format("--activations-shards: the shards hold no rows (samples)"));
      if (neurons_ == 0) throw data_error(fmt::format("{}: 0 columns (neurons)", q.activation_shards.front().string()));
    });
    // Every rank reads every concept shard: its neurons need every sample against every concept.
    on_every_rank(comm, [&] {
      auto concepts = io::read_sparse_concepts(q.concept_shards);
      if (concepts.samples != samples_)
        throw data_error(fmt::format("concepts: {} rows (samples), but the activation shards hold {}",
                                     concepts.samples, samples_));
      // The set's checks on the concepts, with a placeholder column where each round's block will go.
      set_ = make_probing_set(Eigen::MatrixXd::Zero(samples_, 1), std::move(concepts));
    });
    on_every_rank(comm, [&] {
      if (comm.rank() == 0) {
        const auto count = static_cast<std::size_t>(set_.concept_count());
        names_ = q.names.empty() ? default_concept_names(count) : io::read_names_file(q.names, count);
      }
    });
    for (int k = 0; k < R; ++k) neuron_range_.push_back(split(neurons_, R, k));
  }

  /// Values are checked only by the run (a dry run reads one block).
  void check_values() {
    on_every_rank(comm_, [&] {
      for (const auto& m : shards_) m.check_values("activation");
    });
  }

  [[nodiscard]] std::int64_t samples() const { return samples_; }
  [[nodiscard]] std::int64_t max_rank_rows() const {
    std::int64_t most = 0;
    for (std::size_t k = 0; k + 1 < rank_first_row_.size(); ++k)
      most = std::max(most, rank_first_row_[k + 1] - rank_first_row_[k]);
    return most;
  }
  [[nodiscard]] std::int64_t neurons() const { return neurons_; }
  [[nodiscard]] const probing_set& set() const { return set_; }
  std::vector<std::string>& names() { return names_; }

  /// This rank's block of round `round` with blocks of `block` neurons: [begin, end) of rank `k`.
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> block_of(int k, std::int64_t round, std::int64_t block) const {
    const auto [begin, end] = neuron_range_[static_cast<std::size_t>(k)];
    const std::int64_t b = std::min(end, begin + round * block);
    return {b, std::min(end, b + block)};
  }

  /// The all-to-all of one round: afterwards the set's activations are every sample of this rank's
  /// block (n x width), column by column.
  void exchange(std::int64_t round, std::int64_t block) {
    const int R = comm_.size(), me = comm_.rank();
    const std::int64_t my_rows = rank_first_row_[static_cast<std::size_t>(me) + 1] - rank_first_row_[static_cast<std::size_t>(me)];
    std::vector<std::int64_t> send_counts(static_cast<std::size_t>(R)), recv_counts(static_cast<std::size_t>(R));
    const auto [mine_begin, mine_end] = block_of(me, round, block);
    std::int64_t send_total = 0;
    for (int d = 0; d < R; ++d) {
      const auto [b, e] = block_of(d, round, block);
      send_counts[static_cast<std::size_t>(d)] = my_rows * (e - b);
      send_total += my_rows * (e - b);
      recv_counts[static_cast<std::size_t>(d)] =
          (rank_first_row_[static_cast<std::size_t>(d) + 1] - rank_first_row_[static_cast<std::size_t>(d)]) *
          (mine_end - mine_begin);
    }
    const std::int64_t width = mine_end - mine_begin;
    std::vector<double> send, recv;
    on_every_rank(comm_, [&] {
      send.resize(static_cast<std::size_t>(send_total));
      recv.resize(static_cast<std::size_t>(samples_ * width));
      // Every (destination, shard) piece lands in its own part of the buffer: copied in parallel.
      struct piece {
        const io::mapped_shard* shard;
        std::int64_t begin, end;
        double* out;
      };
      std::vector<piece> pieces;
      double* out = send.data();
      for (int d = 0; d < R; ++d) {
        const auto [b, e] = block_of(d, round, block);
        std::size_t row = 0;
        for (const auto& m : shards_) {
          pieces.push_back({&m, b, e, out + row});
          row += m.rows();
        }
        out += my_rows * (e - b);
      }
      tbb::parallel_for(std::size_t{0}, pieces.size(), [&](std::size_t k) {
        const piece& p = pieces[k];
        p.shard->copy_columns(0, p.shard->rows(), static_cast<std::size_t>(p.begin), static_cast<std::size_t>(p.end),
                              p.out, static_cast<std::size_t>(my_rows));
      });
    });
    comm_.all_to_all(send, send_counts, recv, recv_counts);
    std::vector<double>().swap(send);
    // From rank s: its rows of every column of the block, column by column.
    on_every_rank(comm_, [&] {
      Eigen::MatrixXd& a = set_.activations;
      a.resize(samples_, width);
      // From rank s: its rows of every column, column by column, at offset first_s * width.
      tbb::parallel_for(std::int64_t{0}, width, [&](std::int64_t j) {
        for (int s = 0; s < R; ++s) {
          const std::int64_t first = rank_first_row_[static_cast<std::size_t>(s)];
          const std::int64_t rows = rank_first_row_[static_cast<std::size_t>(s) + 1] - first;
          std::copy_n(recv.data() + first * width + j * rows, rows, a.col(j).data() + first);
        }
      });
    });
  }

  /// Identifies (and with a bootstrap, resamples) the block now in the set.
  finished_neurons compute(std::int64_t first_neuron, const std::optional<stability_options>& bootstrap,
                           std::int64_t resamples_override = 0) const {
    finished_neurons out;
    if (set_.neurons() == 0) return out;
    auto report = identify_and_certify(set_, q_.which, q_.options, q_.delta, q_.min_support);
    for (Eigen::Index f = 0; f < set_.neurons(); ++f) out.index.push_back(first_neuron + f);
    if (bootstrap) {
      stability_options o = *bootstrap;
      o.progress = {};
      o.neuron_finished = {};
      if (resamples_override > 0) {
        o.resamples = resamples_override;
        o.threshold = std::min(o.threshold, resamples_override);
      }
      auto st = bootstrap_stability(set_, q_.which, q_.options, report, o);
      for (auto& s : st.neurons) {
        s.neuron += first_neuron;
        out.stability.push_back(std::move(s));
      }
    }
    out.identification = std::move(report.neurons);
    return out;
  }

  void drop_block() { set_.activations.resize(samples_, 0); }

 private:
  communicator& comm_;
  const sharded_identify_request& q_;
  std::vector<io::mapped_shard> shards_;
  std::vector<std::int64_t> rank_first_row_;  ///< R + 1 entries: rank k's rows are [first[k], first[k+1])
  std::vector<std::pair<std::int64_t, std::int64_t>> neuron_range_;
  std::int64_t samples_ = 0, neurons_ = 0;
  probing_set set_;
  std::vector<std::string> names_;
};

rank_memory_plan plan_for(const sharded_job& job, const sharded_identify_request& q, int ranks) {
  const auto& c = job.set().sparse;
  const std::int64_t K = q.bootstrap ? q.bootstrap->resamples : 0;
  return plan_rank_memory(job.samples(), job.neurons(), c.concepts, static_cast<std::int64_t>(c.nonzeros()), c.binary(),
                          ranks, q.which, K, q.rank_memory_bytes, q.block_neurons,
                          // the threads this rank runs (--threads, or its share of the cores)
                          static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)),
                          job.max_rank_rows());
}

void check_request(const sharded_identify_request& q) {
  if (!(q.rank_memory_bytes > 0.0))
    throw invalid_argument(fmt::format("--rank-memory must be positive, got {} bytes", q.rank_memory_bytes));
  if (q.concept_shards.empty()) throw invalid_argument("--concepts: no concept file given");
}

}  // namespace

sharded_identify_result identify_sharded(communicator& comm, const sharded_identify_request& q) {
  check_request(q);
  const auto start = clock::now();
  sharded_job job(comm, q);
  sharded_identify_result out;
  on_every_rank(comm, [&] { out.plan = plan_for(job, q, comm.size()); });
  job.check_values();
  const auto F = static_cast<std::size_t>(job.neurons());
  const bool root = comm.rank() == 0;
  if (root) {
    out.report.neurons.resize(F);
    if (q.bootstrap) out.stability.emplace().neurons.resize(F);
  }
  std::int64_t done = 0;
  for (std::int64_t round = 0; round < out.plan.rounds; ++round) {
    job.exchange(round, out.plan.block);
    finished_neurons mine;
    on_every_rank(comm, [&] {
      mine = job.compute(job.block_of(comm.rank(), round, out.plan.block).first, q.bootstrap);
      job.drop_block();
    });
    const auto parts = comm.gather_to_root(encode(mine));
    on_every_rank(comm, [&] {  // only rank 0 has anything to place
      for (const auto& bytes : parts) {
        auto part = decode_finished_neurons(bytes);
        for (std::size_t k = 0; k < part.index.size(); ++k) {
          const auto f = static_cast<std::size_t>(part.index[k]);
          out.report.neurons[f] = std::move(part.identification[k]);
          if (out.stability) out.stability->neurons[f] = std::move(part.stability[k]);
        }
        done += static_cast<std::int64_t>(part.index.size());
      }
    });
    if (root && q.progress) q.progress("neuron blocks", done, job.neurons());
  }
  if (root) {
    summarize_identification(out.report);
    if (out.stability) {
      summarize_stability_report(*out.stability);
      out.stability->seconds = seconds_since(start);
    }
    out.names = std::move(job.names());
  }
  return out;
}

sharded_dry_run plan_sharded(communicator& comm, const sharded_identify_request& q) {
  check_request(q);
  sharded_job job(comm, q);
  sharded_dry_run out;
  on_every_rank(comm, [&] { out.plan = plan_for(job, q, comm.size()); });
  // One calibration round of at most 64 neurons per rank (and at most 4 resamples), timed.
  out.calibration_neurons = std::min<std::int64_t>(out.plan.block, 64);
  const std::int64_t K = q.bootstrap ? q.bootstrap->resamples : 0;
  out.calibration_resamples = std::min<std::int64_t>(K, 4);
  const auto start = clock::now();
  job.exchange(0, out.calibration_neurons);
  on_every_rank(comm, [&] {
    job.compute(0, q.bootstrap, out.calibration_resamples);
    job.drop_block();
  });
  const double mine = seconds_since(start);
  double slowest = 0.0;
  for (const auto& s : comm.all_gather(fmt::format("{}", mine))) slowest = std::max(slowest, std::stod(s));
  out.calibration_seconds = slowest;
  // Scaled per neuron, and the bootstrap per resample (its share measured against the identify part
  // would need a second round; the whole calibration is scaled by K / K_cal, which errs high).
  const double per_neuron = slowest / static_cast<double>(std::max<std::int64_t>(1, out.calibration_neurons));
  const double resample_scale = out.calibration_resamples > 0
                                    ? static_cast<double>(K) / static_cast<double>(out.calibration_resamples)
                                    : 1.0;
  out.estimated_seconds = per_neuron * static_cast<double>(out.plan.neurons_per_rank) * resample_scale;
  return out;
}

}  // namespace neuroncert::studies
