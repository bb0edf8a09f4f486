#include "neuroncert/core/bootstrap.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
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

double bootstrap_memory_bytes(std::int64_t samples, std::int64_t neurons, std::int64_t resamples) {
  const double K = static_cast<double>(resamples);
  return K * static_cast<double>(samples) * sizeof(std::uint16_t) + K * static_cast<double>(neurons) * sizeof(std::int32_t);
}

multiplicity_matrix resample_multiplicities(std::uint64_t seed, std::int64_t resamples, std::size_t n) {
  check_at_least("number of resamples K", resamples, 1);
  if (resamples > max_resamples)
    throw invalid_argument(fmt::format("number of resamples K must be at most {}, got {}", max_resamples, resamples));
  if (n == 0) throw invalid_argument("resampling an empty probing set");
  multiplicity_matrix w = multiplicity_matrix::Zero(resamples, static_cast<Eigen::Index>(n));
  std::atomic<bool> overflow{false};
  tbb::parallel_for(std::int64_t{0}, resamples, [&](std::int64_t r) {
    // Same engine and distribution as draw_multiplicities(), so row r == resample_weights(seed, r, n).
    auto engine = make_stream(seed, static_cast<std::uint64_t>(r), bootstrap_salt);
    boost::random::uniform_int_distribution<std::size_t> pick(0, n - 1);
    std::uint16_t* row = w.row(r).data();
    for (std::size_t draw = 0; draw < n; ++draw) {
      std::uint16_t& cell = row[pick(engine)];
      if (cell == std::numeric_limits<std::uint16_t>::max()) overflow = true;
      ++cell;
    }
  });
  if (overflow) throw invalid_argument("a bootstrap multiplicity exceeded 65535");
  return w;
}

std::optional<sparse_concepts> to_sparse_concepts(const Eigen::MatrixXd& concepts) {
  sparse_concepts s;
  s.samples = concepts.rows();
  s.concepts = concepts.cols();
  s.row_start.assign(static_cast<std::size_t>(s.samples) + 1, 0);
  for (Eigen::Index i = 0; i < s.samples; ++i) {
    for (Eigen::Index c = 0; c < s.concepts; ++c) {
      const double y = concepts(i, c);
      if (y == 1.0)
        s.index.push_back(static_cast<std::uint32_t>(c));
      else if (y != 0.0)
        return std::nullopt;
    }
    s.row_start[static_cast<std::size_t>(i) + 1] = s.index.size();
  }
  return s;
}

namespace {

constexpr Eigen::Index kBlock = 32;         // neurons per task (fixed: results never depend on it)
constexpr std::int64_t kResampleChunk = 8;  // resamples per task

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class family { counts, auroc, centred, auprc };

family family_of(metric m, const metric_options& o) {
  if (is_count_metric(m) || m == metric::wpmi || (m == metric::auroc && o.binary_activations)) return family::counts;
  if (m == metric::auroc) return family::auroc;
  if (m == metric::auprc) return family::auprc;
  return family::centred;  // correlation, MAD
}

bool fast_path_supports(metric m, const metric_options& o) {
  return !(m == metric::mad && o.mad_standardised);
}

/// Collects per-(neuron, resample) winners and turns finished neuron blocks into counts,
/// reporting progress and finished neurons in ascending order.
class collector {
 public:
  collector(Eigen::Index neurons, Eigen::Index concepts, std::int64_t resamples, const bootstrap_request& request,
            std::int64_t tasks_per_block, bool report_progress = true)
      : request_(request), report_progress_(report_progress), winners_(neurons, resamples), blocks_((neurons + kBlock - 1) / kBlock),
        pending_(static_cast<std::size_t>(blocks_)), tasks_per_block_(tasks_per_block) {
    out_.counts.setZero(neurons, concepts);
    out_.unidentified.setZero(neurons);
    out_.resamples = resamples;
    for (auto& p : pending_) p = tasks_per_block;
    total_units_ = static_cast<std::int64_t>(neurons) * resamples;
  }

  std::int32_t& winner(Eigen::Index f, std::int64_t r) { return winners_(f, r); }

  /// A task of `units` neuron-resamples of `block` has finished.
  void task_done(Eigen::Index block, std::int64_t units) {
    std::lock_guard lock(mutex_);
    done_units_ += units;
    if (report_progress_ && request_.progress) request_.progress(done_units_, total_units_);
    if (--pending_[static_cast<std::size_t>(block)] > 0) return;
    while (next_block_ < blocks_ && pending_[static_cast<std::size_t>(next_block_)] == 0) {
      const Eigen::Index begin = next_block_ * kBlock;
      const Eigen::Index end = std::min(begin + kBlock, out_.counts.rows());
      for (Eigen::Index f = begin; f < end; ++f)
        for (std::int64_t r = 0; r < out_.resamples; ++r) {
          const std::int32_t c = winners_(f, r);
          if (c >= 0)
            ++out_.counts(f, c);
          else
            ++out_.unidentified(f);
        }
      ++next_block_;
      if (request_.neurons_done) request_.neurons_done(begin, end, out_);
    }
  }

  Eigen::Index blocks() const { return blocks_; }
  std::int64_t tasks_per_block() const { return tasks_per_block_; }
  ensemble_counts take() { return std::move(out_); }

 private:
  const bootstrap_request& request_;
  bool report_progress_;
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> winners_;
  Eigen::Index blocks_;
  std::vector<std::int64_t> pending_;
  std::int64_t tasks_per_block_;
  Eigen::Index next_block_ = 0;
  std::int64_t done_units_ = 0, total_units_ = 0;
  std::mutex mutex_;
  ensemble_counts out_;
};

/// Argmax with identify_neuron()'s rules: strict '>' over defined values (lowest index wins ties).
struct argmax {
  std::int32_t best = -1;
  double value = 0.0;
  void offer(std::int32_t c, metric_value v) {
    if (!v.defined()) return;
    if (best < 0 || v.value > value) {
      best = c;
      value = v.value;
    }
  }
};

class fast_engine {
 public:
  fast_engine(const probing_set& set, const sparse_concepts& y, const multiplicity_matrix& w,
              const bootstrap_request& request)
      : set_(set), y_(y), w_(w), m_(request.which), o_(request.options), family_(family_of(m_, o_)) {
    const Eigen::Index n = set.samples(), C = y.concepts, K = w.rows();
    if (y.samples != n || static_cast<Eigen::Index>(y.row_start.size()) != n + 1)
      throw invalid_argument(fmt::format("sparse concepts have {} rows but the probing set has {} samples", y.samples, n));
    if (w.cols() != n)
      throw invalid_argument(fmt::format("multiplicities have {} columns but the probing set has {} samples", w.cols(), n));
    totals_.resize(static_cast<std::size_t>(K));
    positives_.setZero(K, C);
    tbb::parallel_for(Eigen::Index{0}, K, [&](Eigen::Index r) {
      const std::uint16_t* wr = w.row(r).data();
      double total = 0.0;
      double* pos = positives_.row(r).data();
      for (Eigen::Index i = 0; i < n; ++i) {
        const double wi = wr[i];
        if (wi == 0.0) continue;
        total += wi;
        for (auto p = y.row_start[static_cast<std::size_t>(i)]; p < y.row_start[static_cast<std::size_t>(i) + 1]; ++p)
          pos[y.index[p]] += wi;
      }
      totals_[static_cast<std::size_t>(r)] = total;
    });
    for (double t : totals_)
      if (!(t > 0.0)) throw invalid_argument("a resample has zero total weight");
    if (o_.binary_activations) {
      ones_.resize(static_cast<std::size_t>(set.neurons()));
      for (Eigen::Index j = 0; j < set.neurons(); ++j) {
        std::size_t ones = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
          const double a = set.activations(i, j);
          if (a != 0.0 && a != 1.0)
            throw data_error(fmt::format("binary activations must be 0 or 1, got {} at row {}, neuron {}", a, i, j));
          if (a == 1.0) ++ones;
        }
        ones_[static_cast<std::size_t>(j)] = ones;  // the 1s come first in the descending order
      }
    }
    if (family_ == family::centred) {
      // Centred once by the plain mean; each resample corrects by its weighted mean of these.
      centred_ = set.activations.rowwise() - set.activations.colwise().mean();
    }
    if (m_ == metric::wpmi) log_eps_ = std::log(o_.wpmi_eps);
  }

  /// Winners of neurons [begin, begin + width) on resamples [r0, r1).
  void run(Eigen::Index begin, Eigen::Index width, std::int64_t r0, std::int64_t r1, collector& out) const {
    const Eigen::Index n = set_.samples(), C = y_.concepts;
    std::vector<double> acc, tp, ap, block_pos;
    std::vector<std::uint32_t> touched;
    row_matrix values, sums;
    Eigen::MatrixXd columns;
    if (family_ == family::counts) acc.assign(static_cast<std::size_t>(C), 0.0);
    if (family_ == family::auprc) {
      tp.resize(static_cast<std::size_t>(C));
      ap.resize(static_cast<std::size_t>(C));
      block_pos.assign(static_cast<std::size_t>(C), 0.0);
    }
    if (family_ == family::auroc) values.resize(n, width);
    if (family_ == family::auroc || family_ == family::centred) sums.resize(C, width);
    for (std::int64_t r = r0; r < r1; ++r) {
      const std::uint16_t* w = w_.row(r).data();
      const double total = totals_[static_cast<std::size_t>(r)];
      const double* pos = positives_.row(r).data();
      switch (family_) {
        case family::counts:
          for (Eigen::Index f = begin; f < begin + width; ++f) out.winner(f, r) = counts_neuron(f, w, total, pos, acc);
          break;
        case family::auprc:
          for (Eigen::Index f = begin; f < begin + width; ++f)
            out.winner(f, r) = auprc_neuron(f, w, pos, tp, ap, block_pos, touched);
          break;
        case family::auroc: auroc_block(begin, width, r, w, total, pos, columns, values, sums, out); break;
        case family::centred: centred_block(begin, width, r, w, total, pos, sums, out); break;
      }
    }
  }

 private:
  std::span<const std::uint32_t> order(Eigen::Index f) const { return set_.orders[static_cast<std::size_t>(f)]; }

  template <class Body>
  void for_row(Eigen::Index i, Body&& body) const {
    const auto b = y_.row_start[static_cast<std::size_t>(i)], e = y_.row_start[static_cast<std::size_t>(i) + 1];
    for (auto p = b; p < e; ++p) body(y_.index[p]);
  }

  // Top-alpha active set = the prefix of the order up to the end of the tied block that reaches
  // k = ceil(alpha * total) (top_alpha_threshold's rule); binary activations: the leading 1s.
  std::int32_t counts_neuron(Eigen::Index f, const std::uint16_t* w, double total, const double* pos,
                             std::vector<double>& acc) const {
    const auto ord = order(f);
    const double* z = set_.activations.col(f).data();
    std::size_t length = 0;
    if (o_.binary_activations) {
      length = ones_[static_cast<std::size_t>(f)];
    } else {
      const double k = top_alpha_count(o_.alpha, total);
      double cumulative = 0.0;
      std::size_t p = 0;
      for (; p < ord.size(); ++p) {
        cumulative += w[ord[p]];
        if (cumulative >= k) break;
      }
      if (p == ord.size()) p = ord.size() - 1;
      const double t = z[ord[p]];
      length = p + 1;
      while (length < ord.size() && z[ord[length]] >= t) ++length;
    }
    std::fill(acc.begin(), acc.end(), 0.0);
    double fire = 0.0;
    for (std::size_t p = 0; p < length; ++p) {
      const std::uint32_t i = ord[p];
      const double wi = w[i];
      if (wi == 0.0) continue;
      fire += wi;
      for_row(i, [&](std::uint32_t c) { acc[c] += wi; });
    }
    argmax best;
    const auto C = static_cast<std::int32_t>(acc.size());
    if (m_ == metric::wpmi) {
      // Binary concepts: log(max(y, eps)) is 0 on positives and log(eps) elsewhere, so the active
      // set's sum is log(eps) * (active weight - F11).
      for (std::int32_t c = 0; c < C; ++c) {
        if (!(pos[c] > 0.0))
          continue;  // no_concept_positives
        if (!(fire > 0.0)) continue;  // neuron_never_fires (binary activations only)
        best.offer(c, metric_value::of(log_eps_ * (fire - acc[static_cast<std::size_t>(c)]) / fire -
                                       o_.wpmi_lambda * std::log(pos[c] / total)));
      }
      return best.best;
    }
    for (std::int32_t c = 0; c < C; ++c)
      best.offer(c, binary_metric(m_, counts2x2::from_margins(total, fire, pos[c], acc[static_cast<std::size_t>(c)]), o_));
    return best.best;
  }

  std::int32_t auprc_neuron(Eigen::Index f, const std::uint16_t* w, const double* pos, std::vector<double>& tp,
                            std::vector<double>& ap, std::vector<double>& block_pos,
                            std::vector<std::uint32_t>& touched) const {
    const auto ord = order(f);
    const double* z = set_.activations.col(f).data();
    std::fill(tp.begin(), tp.end(), 0.0);
    std::fill(ap.begin(), ap.end(), 0.0);
    double seen = 0.0;
    std::size_t begin = 0;
    while (begin < ord.size()) {
      const double value = z[ord[begin]];
      touched.clear();
      std::size_t end = begin;
      for (; end < ord.size() && z[ord[end]] == value; ++end) {
        const std::uint32_t i = ord[end];
        const double wi = w[i];
        if (wi == 0.0) continue;
        seen += wi;
        for_row(i, [&](std::uint32_t c) {
          if (block_pos[c] == 0.0) touched.push_back(c);
          block_pos[c] += wi;
        });
      }
      // The same expressions as all_pairs' walk (zero updates of untouched concepts are exact no-ops).
      for (std::uint32_t c : touched) {
        tp[c] += block_pos[c];
        if (seen > 0.0) ap[c] += block_pos[c] * tp[c] / seen;
        block_pos[c] = 0.0;
      }
      begin = end;
    }
    argmax best;
    for (std::size_t c = 0; c < tp.size(); ++c)
      if (pos[c] > 0.0) best.offer(static_cast<std::int32_t>(c), metric_value::of(ap[c] / pos[c]));
    return best.best;
  }

  // sums(c, j) += w_i * values(i, j) over the nonzeros y_ic = 1; one vector update per nonzero.
  void sparse_product(const std::uint16_t* w, Eigen::Index width, const double* rows, Eigen::Index stride,
                      row_matrix& sums) const {
    sums.setZero();
    const Eigen::Index n = set_.samples();
    for (Eigen::Index i = 0; i < n; ++i) {
      const double wi = w[i];
      if (wi == 0.0) continue;
      const double* v = rows + i * stride;
      for_row(i, [&](std::uint32_t c) {
        double* s = sums.row(c).data();
        for (Eigen::Index j = 0; j < width; ++j) s[j] += wi * v[j];
      });
    }
  }

  void auroc_block(Eigen::Index begin, Eigen::Index width, std::int64_t r, const std::uint16_t* w, double total,
                   const double* pos, Eigen::MatrixXd& columns, row_matrix& ranks, row_matrix& sums,
                   collector& out) const {
    // Weighted mid-ranks (ordering.hpp's weighted_mid_ranks with integer weights): half-integers,
    // so every sum below is exact and independent of the summation order.
    // Each neuron scatters into its own column (cache-resident), then one transposing copy makes
    // the rows contiguous for the sparse product.
    columns.resize(set_.samples(), width);
    for (Eigen::Index j = 0; j < width; ++j) {
      const auto ord = order(begin + j);
      const double* z = set_.activations.col(begin + j).data();
      double* col = columns.col(j).data();
      double above = 0.0;
      std::size_t b = 0;
      while (b < ord.size()) {
        std::size_t e = b;
        double block = 0.0;
        const double value = z[ord[b]];
        while (e < ord.size() && z[ord[e]] == value) block += w[ord[e++]];
        const double rank = (total - above - block) + 0.5 * block;
        for (std::size_t k = b; k < e; ++k) col[ord[k]] = rank;
        above += block;
        b = e;
      }
    }
    ranks = columns;
    sparse_product(w, width, ranks.data(), width, sums);
    const Eigen::Index C = y_.concepts;
    for (Eigen::Index j = 0; j < width; ++j) {
      argmax best;
      for (Eigen::Index c = 0; c < C; ++c) {
        const double p = pos[c], neg = total - p;
        if (!(p > 0.0) || !(neg > 0.0)) continue;
        best.offer(static_cast<std::int32_t>(c), metric_value::of((sums(c, j) - 0.5 * p * p) / (p * neg)));
      }
      out.winner(begin + j, r) = best.best;
    }
  }

  void centred_block(Eigen::Index begin, Eigen::Index width, std::int64_t r, const std::uint16_t* w, double total,
                     const double* pos, row_matrix& sums, collector& out) const {
    const Eigen::Index n = set_.samples(), F = set_.neurons(), C = y_.concepts;
    // sum w (z0 - s)(y) = sum w z0 y - s n1 with s the weighted mean of z0.
    sparse_product(w, width, centred_.data() + begin, F, sums);
    std::vector<double> shift(static_cast<std::size_t>(width)), szz(static_cast<std::size_t>(width));
    for (Eigen::Index j = 0; j < width; ++j) {
      const auto ord = order(begin + j);
      const double* z = set_.activations.col(begin + j).data();
      // Constant on the resample (first and last weighted samples equal): zero variance exactly.
      std::size_t first = 0, last = ord.size() - 1;
      while (w[ord[first]] == 0) ++first;
      while (w[ord[last]] == 0) --last;
      double s = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) s += w[i] * centred_(i, begin + j);
      s /= total;
      double ss = 0.0;
      if (z[ord[first]] != z[ord[last]])
        for (Eigen::Index i = 0; i < n; ++i) {
          const double d = centred_(i, begin + j) - s;
          ss += w[i] * d * d;
        }
      shift[static_cast<std::size_t>(j)] = s;
      szz[static_cast<std::size_t>(j)] = ss;
    }
    for (Eigen::Index j = 0; j < width; ++j) {
      argmax best;
      const double s = shift[static_cast<std::size_t>(j)], vz = szz[static_cast<std::size_t>(j)];
      for (Eigen::Index c = 0; c < C; ++c) {
        const double p = pos[c], neg = total - p;
        const double cross = sums(c, j) - s * p;
        if (m_ == metric::correlation) {
          const double mc = p / total;
          const double scc = p * (1.0 - mc) * (1.0 - mc) + neg * mc * mc;
          if (!(vz > 0.0) || !(scc > 0.0)) continue;
          best.offer(static_cast<std::int32_t>(c), metric_value::of(cross / std::sqrt(vz * scc)));
        } else {
          if (!(p > 0.0) || !(neg > 0.0)) continue;
          best.offer(static_cast<std::int32_t>(c), metric_value::of(cross / p + cross / neg));
        }
      }
      out.winner(begin + j, r) = best.best;
    }
  }

  const probing_set& set_;
  const sparse_concepts& y_;
  const multiplicity_matrix& w_;
  metric m_;
  metric_options o_;
  family family_;
  std::vector<double> totals_;
  row_matrix positives_;
  std::vector<std::size_t> ones_;
  row_matrix centred_;
  double log_eps_ = 0.0;
};

ensemble_counts run_fast(const probing_set& set, const sparse_concepts& y, const multiplicity_matrix& w,
                         const bootstrap_request& request) {
  check_metric_options(request.options);
  if (!fast_path_supports(request.which, request.options))
    throw invalid_argument("the standardised MAD needs the general bootstrap path (dense concepts)");
  if (request.which == metric::auroc && request.options.auroc == auroc_convention::strict &&
      !request.options.binary_activations)
    throw invalid_argument("the strict AUROC is defined for binary activations only (use --binary)");
  const fast_engine engine(set, y, w, request);
  const std::int64_t K = w.rows();
  const std::int64_t chunks = (K + kResampleChunk - 1) / kResampleChunk;
  collector out(set.neurons(), y.concepts, K, request, chunks);
  const std::int64_t tasks = static_cast<std::int64_t>(out.blocks()) * chunks;
  tbb::parallel_for(
      tbb::blocked_range<std::int64_t>(0, tasks, 1),
      [&](const tbb::blocked_range<std::int64_t>& range) {
        for (std::int64_t t = range.begin(); t < range.end(); ++t) {
          const Eigen::Index block = t / chunks;
          const std::int64_t r0 = (t % chunks) * kResampleChunk, r1 = std::min(K, r0 + kResampleChunk);
          const Eigen::Index begin = block * kBlock, width = std::min(kBlock, set.neurons() - begin);
          engine.run(begin, width, r0, r1, out);
          out.task_done(block, static_cast<std::int64_t>(width) * (r1 - r0));
        }
      },
      tbb::simple_partitioner());
  return out.take();
}

ensemble_counts run_general(const probing_set& set, const multiplicity_matrix& w, const bootstrap_request& request) {
  const std::int64_t K = w.rows();
  // Every neuron's winners are known only after the last resample: progress per resample here,
  // then every block is released at once.
  collector out(set.neurons(), set.concept_count(), K, request, 1, false);
  std::vector<double> weights(static_cast<std::size_t>(set.samples()));
  for (std::int64_t r = 0; r < K; ++r) {
    for (Eigen::Index i = 0; i < set.samples(); ++i) weights[static_cast<std::size_t>(i)] = w(r, i);
    const auto ids = identify(all_pairs_similarity(set, request.which, request.options, weights));
    for (Eigen::Index f = 0; f < set.neurons(); ++f)
      out.winner(f, r) = static_cast<std::int32_t>(ids[static_cast<std::size_t>(f)].concept_index);
    if (request.progress) request.progress(static_cast<std::int64_t>(set.neurons()) * (r + 1),
                                           static_cast<std::int64_t>(set.neurons()) * K);
  }
  for (Eigen::Index b = 0; b < out.blocks(); ++b) out.task_done(b, 0);
  return out.take();
}

}  // namespace

ensemble_counts bootstrap_ensemble(const probing_set& set, const multiplicity_matrix& multiplicities,
                                   const bootstrap_request& request) {
  check_at_least("number of resamples K", multiplicities.rows(), 1);
  check_metric_options(request.options);
  if (multiplicities.cols() != set.samples())
    throw invalid_argument(fmt::format("multiplicities have {} columns but the probing set has {} samples",
                                       multiplicities.cols(), set.samples()));
  if (!request.general_path && fast_path_supports(request.which, request.options)) {
    if (const auto sparse = to_sparse_concepts(set.concepts)) return run_fast(set, *sparse, multiplicities, request);
  }
  return run_general(set, multiplicities, request);
}

ensemble_counts bootstrap_ensemble(const probing_set& set, const bootstrap_request& request) {
  check_at_least("number of resamples K", request.resamples, 1);
  check_metric_options(request.options);
  return bootstrap_ensemble(set,
                            resample_multiplicities(request.seed, request.resamples,
                                                    static_cast<std::size_t>(set.samples())),
                            request);
}

ensemble_counts bootstrap_ensemble(const probing_set& set, const sparse_concepts& concepts,
                                   const bootstrap_request& request) {
  check_at_least("number of resamples K", request.resamples, 1);
  return run_fast(set, concepts,
                  resample_multiplicities(request.seed, request.resamples, static_cast<std::size_t>(set.samples())),
                  request);
}

ensemble_counts bootstrap_ensemble(const probing_set& set, metric m, const metric_options& options,
                                   std::int64_t resamples, std::uint64_t seed,
                                   void (*progress)(std::int64_t, std::int64_t)) {
  bootstrap_request request;
  request.which = m;
  request.options = options;
  request.resamples = resamples;
  request.seed = seed;
  if (progress) {
    const std::int64_t F = std::max<std::int64_t>(1, set.neurons());
    request.progress = [progress, F](std::int64_t done, std::int64_t total) { progress(done / F, total / F); };
  }
  return bootstrap_ensemble(set, request);
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

stability_summary summarize_stability(std::span<const std::int64_t> counts, std::int64_t resamples) {
  check_at_least("number of resamples K", resamples, 1);
  stability_summary s;
  std::int64_t best = 0;
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] > best) {
      best = counts[c];
      s.top_concept = static_cast<Eigen::Index>(c);
    }
  s.top1_frequency = static_cast<double>(best) / static_cast<double>(resamples);
  const auto t = static_cast<std::int64_t>(top_alpha_count(0.9, static_cast<double>(resamples)));
  s.coverage90_size = static_cast<std::int64_t>(be_prediction_set(counts, t).concepts.size());
  return s;
}

}  // namespace neuroncert
