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
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "similarity_engine.hpp"

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

double bootstrap_memory_bytes(std::int64_t samples, std::int64_t neurons, std::int64_t resamples,
                              std::int64_t concepts) {
  const double K = static_cast<double>(resamples);
  return K * static_cast<double>(samples) * sizeof(std::uint16_t) + K * static_cast<double>(neurons) * sizeof(std::int32_t) +
         2.0 * K * static_cast<double>(concepts) * sizeof(double);
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
  auto s = sparse_from_dense(concepts);
  if (!s.binary()) return std::nullopt;
  return s;
}

namespace {

constexpr Eigen::Index kBlock = detail::engine_block;

/// Collects per-(neuron, resample) winners and turns finished neuron blocks into counts,
/// reporting progress and finished neurons in ascending order.
class collector {
 public:
  collector(Eigen::Index neurons, Eigen::Index concepts, std::int64_t resamples, const bootstrap_request& request,
            std::int64_t tasks_per_block)
      : request_(request), winners_(neurons, resamples), blocks_((neurons + kBlock - 1) / kBlock),
        pending_(static_cast<std::size_t>(blocks_), tasks_per_block) {
    out_.counts.setZero(neurons, concepts);
    out_.unidentified.setZero(neurons);
    out_.resamples = resamples;
    total_units_ = static_cast<std::int64_t>(neurons) * resamples;
  }

  std::int32_t& winner(Eigen::Index f, std::int64_t r) { return winners_(f, r); }

  /// `units` more neuron-resamples are done.
  void advance(std::int64_t units) {
    std::lock_guard lock(mutex_);
    done_units_ += units;
    if (request_.progress) request_.progress(done_units_, total_units_);
  }

  /// A task of `block` has finished; blocks whose tasks are all done are released in order.
  void task_done(Eigen::Index block) {
    std::lock_guard lock(mutex_);
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
  ensemble_counts take() { return std::move(out_); }

 private:
  const bootstrap_request& request_;
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> winners_;
  Eigen::Index blocks_;
  std::vector<std::int64_t> pending_;
  Eigen::Index next_block_ = 0;
  std::int64_t done_units_ = 0, total_units_ = 0;
  std::mutex mutex_;
  ensemble_counts out_;
};

/// Resamples per task. A task computes its block's orders once, so it takes as many resamples as
/// it can while leaving at least 16 tasks to share out. The split never changes a result.
std::int64_t resamples_per_task(Eigen::Index blocks, std::int64_t K) {
  const std::int64_t splits = std::max<std::int64_t>(1, (16 + blocks - 1) / blocks);
  return std::max<std::int64_t>(1, (K + splits - 1) / splits);
}

void copy_row(const multiplicity_matrix& w, std::int64_t r, std::vector<double>& row) {
  row.resize(static_cast<std::size_t>(w.cols()));
  const std::uint16_t* source = w.row(r).data();
  for (std::size_t i = 0; i < row.size(); ++i) row[i] = source[i];
}

ensemble_counts run_engine(const Eigen::MatrixXd& activations, const sparse_concepts& y, const multiplicity_matrix& w,
                           const bootstrap_request& request) {
  if (is_layer_metric(request.which)) return clip_dissect_ensemble(activations, y, w, request);  // whole layers
  if (w.cols() != activations.rows())
    throw invalid_argument(fmt::format("multiplicities have {} columns but the probing set has {} samples", w.cols(),
                                       activations.rows()));
  const detail::similarity_engine engine(activations, y, request.which, request.options);
  const std::int64_t K = w.rows();
  const Eigen::Index F = activations.cols();
  // What each resample fixes for every neuron (its positives per concept), once.
  std::vector<detail::weight_terms> terms(static_cast<std::size_t>(K));
  tbb::parallel_for(std::int64_t{0}, K, [&](std::int64_t r) {
    std::vector<double> row;
    copy_row(w, r, row);
    terms[static_cast<std::size_t>(r)] = engine.terms(row);
    terms[static_cast<std::size_t>(r)].w = {};
    std::vector<float>().swap(terms[static_cast<std::size_t>(r)].w_float);  // per task below, not K x n
    if (!(terms[static_cast<std::size_t>(r)].total > 0.0)) throw invalid_argument("a resample has zero total weight");
  });
  const Eigen::Index blocks = (F + kBlock - 1) / kBlock;
  const std::int64_t per_task = resamples_per_task(blocks, K);
  const std::int64_t chunks = (K + per_task - 1) / per_task;
  collector out(F, y.concepts, K, request, chunks);
  tbb::parallel_for(
      tbb::blocked_range<std::int64_t>(0, static_cast<std::int64_t>(blocks) * chunks, 1),
      [&](const tbb::blocked_range<std::int64_t>& range) {
        for (std::int64_t task = range.begin(); task < range.end(); ++task) {
          const Eigen::Index block = task / chunks;
          const std::int64_t r0 = (task % chunks) * per_task, r1 = std::min(K, r0 + per_task);
          const Eigen::Index begin = block * kBlock, width = std::min(kBlock, F - begin);
          const auto prepared = engine.prepare(begin, width);
          detail::engine_scratch scratch;
          std::vector<double> row;
          for (std::int64_t r = r0; r < r1; ++r) {
            copy_row(w, r, row);
            auto t = terms[static_cast<std::size_t>(r)];
            t.w = row;
            t.w_float.assign(row.begin(), row.end());  // multiplicities <= 65535: exact
            engine.score(prepared, t, scratch, [&](Eigen::Index j, std::span<const metric_value> scores) {
              out.winner(begin + j, r) = static_cast<std::int32_t>(identify_scores(scores).concept_index);
            });
            out.advance(width);
          }
          out.task_done(block);
        }
      },
      tbb::simple_partitioner());
  return out.take();
}

/// all_pairs_similarity() per resample: the same engine driven one resample at a time, for tests.
ensemble_counts run_general(const probing_set& set, const multiplicity_matrix& w, const bootstrap_request& request) {
  const std::int64_t K = w.rows();
  collector out(set.neurons(), set.concept_count(), K, request, 1);
  std::vector<double> weights;
  for (std::int64_t r = 0; r < K; ++r) {
    copy_row(w, r, weights);
    const auto ids = identify(all_pairs_similarity(set, request.which, request.options, weights));
    for (Eigen::Index f = 0; f < set.neurons(); ++f)
      out.winner(f, r) = static_cast<std::int32_t>(ids[static_cast<std::size_t>(f)].concept_index);
    out.advance(set.neurons());
  }
  for (Eigen::Index b = 0; b < out.blocks(); ++b) out.task_done(b);
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
  if (request.general_path) return run_general(set, multiplicities, request);
  return run_engine(set.activations, set.sparse, multiplicities, request);
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
  return run_engine(set.activations, concepts,
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
