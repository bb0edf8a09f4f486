#include "similarity_engine.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

namespace neuroncert::detail {
namespace {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class Body>
void for_row(const sparse_concepts& y, std::size_t i, Body&& body) {
  for (auto p = y.row_start[i]; p < y.row_start[i + 1]; ++p) body(p, y.index[p]);
}

// out[0..width) += scale * v[0..width). With the block's usual width known at compile time
// (Width > 0) the loop is unrolled and a row stays in vector registers across all its nonzeros
// (twice as fast as the run-time width on AUROC's rank sums); Width = 0 is the general case.
template <std::size_t Width, class T>
[[gnu::always_inline]] inline void add_row(T* out, const T* v, std::size_t width) {
  if constexpr (Width > 0) {
    for (std::size_t j = 0; j < Width; ++j) out[j] += v[j];
  } else {
    for (std::size_t j = 0; j < width; ++j) out[j] += v[j];
  }
}

template <std::size_t Width>
[[gnu::always_inline]] inline void add_scaled_row(double* out, double scale, const double* v, std::size_t width) {
  if constexpr (Width > 0) {
    for (std::size_t j = 0; j < Width; ++j) out[j] += scale * v[j];
  } else {
    for (std::size_t j = 0; j < width; ++j) out[j] += scale * v[j];
  }
}

template <std::size_t Width>
[[gnu::always_inline]] inline void accumulate_rows_fixed(const sparse_concepts& y, const double* w, std::size_t n,
                                                         const double* rows, std::size_t width, bool weighted_rows,
                                                         double* sums) {
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w[i];
    if (wi == 0.0) continue;
    const double* v = rows + i * width;
    for (auto p = y.row_start[i]; p < y.row_start[i + 1]; ++p) {
      double* out = sums + static_cast<std::size_t>(y.index[p]) * width;
      const double scale = (weighted_rows ? 1.0 : wi) * (y.value.empty() ? 1.0 : y.value[p]);
      if (scale == 1.0)
        add_row<Width>(out, v, width);
      else
        add_scaled_row<Width>(out, scale, v, width);
    }
  }
}

// sums(c, :) += scale_i * rows(i, :) over the nonzeros y_ic of every row i with w_i > 0, where
// scale_i = y_ic (rows already multiplied by the weights) or w_i y_ic. The inner loop over the
// block's neurons is the hot loop of AUROC, correlation and MAD; it is compiled twice, for AVX2 and
// for the baseline, and picked at run time (GCC's target_clones). Every output element is still
// accumulated in the same order (rows ascending), and AVX2 without FMA rounds each operation as
// SSE2 does, so the results are the same bit for bit on any x86-64.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void accumulate_rows(const sparse_concepts& y, const double* w, std::size_t n, const double* rows, std::size_t width,
                     bool weighted_rows, double* sums) {
  if (width == static_cast<std::size_t>(engine_block))
    accumulate_rows_fixed<engine_block>(y, w, n, rows, width, weighted_rows, sums);
  else
    accumulate_rows_fixed<0>(y, w, n, rows, width, weighted_rows, sums);
}

// sums(c, :) += rows(i, :) over the nonzeros of every row i with w_i > 0, the rows read from
// column-major n x width integers: turned into rows one tile of 64 samples at a time, into a buffer
// that stays in L1, instead of a whole row-major copy (n x 32 values, several MiB) written out and
// read back.
template <std::size_t Width>
[[gnu::always_inline]] inline void accumulate_columns_int_fixed(const sparse_concepts& y, const double* w,
                                                                std::size_t n, const std::int32_t* columns,
                                                                std::size_t width, double row_bound,
                                                                std::int32_t* sums, double* flushed) {
  const std::size_t size = static_cast<std::size_t>(y.concepts) * width;
  auto flush = [&] {
    for (std::size_t k = 0; k < size; ++k) {
      flushed[k] += sums[k];
      sums[k] = 0;
    }
  };
  constexpr double limit = 2147483647.0;
  constexpr std::size_t tile = 64;
  std::int32_t rows[tile * static_cast<std::size_t>(engine_block)];
  double bound = 0.0;
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    const std::size_t i1 = std::min(n, i0 + tile);
    for (std::size_t j = 0; j < width; ++j) {
      const std::int32_t* from = columns + j * n;
      for (std::size_t i = i0; i < i1; ++i) rows[(i - i0) * width + j] = from[i];
    }
    for (std::size_t i = i0; i < i1; ++i) {
      const double wi = w[i];
      if (wi == 0.0) continue;
      if (bound + wi * row_bound > limit) {
        flush();
        bound = 0.0;
      }
      bound += wi * row_bound;
      const std::int32_t* v = rows + (i - i0) * width;
      for (auto p = y.row_start[i]; p < y.row_start[i + 1]; ++p)
        add_row<Width>(sums + static_cast<std::size_t>(y.index[p]) * width, v, width);
    }
  }
  flush();
}

// Integer columns (2 w_i r_ij, one per neuron, width <= engine_block) into 32-bit sums, moved into
// the double sums whenever the next row could carry a sum past 2^31 - 1: each row adds at most
// w_i * `row_bound` to any sum.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void accumulate_columns_int(const sparse_concepts& y, const double* w, std::size_t n, const std::int32_t* columns,
                            std::size_t width, double row_bound, std::int32_t* sums, double* flushed) {
  if (width == static_cast<std::size_t>(engine_block))
    accumulate_columns_int_fixed<engine_block>(y, w, n, columns, width, row_bound, sums, flushed);
  else
    accumulate_columns_int_fixed<0>(y, w, n, columns, width, row_bound, sums, flushed);
}

// Column-major to row-major in tiles of 64 samples: reading whole columns at a stride of n would
// touch a new page on every read (Eigen's plain assignment does).
template <class Scalar>
void transpose_tiled(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& columns,
                     Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& rows) {
  const Eigen::Index n = columns.rows(), width = columns.cols();
  rows.resize(n, width);
  constexpr Eigen::Index tile = 64;
  for (Eigen::Index i0 = 0; i0 < n; i0 += tile) {
    const Eigen::Index i1 = std::min(n, i0 + tile);
    for (Eigen::Index j = 0; j < width; ++j) {
      const Scalar* from = columns.col(j).data();
      for (Eigen::Index i = i0; i < i1; ++i) rows(i, j) = from[i];
    }
  }
}

}  // namespace

similarity_engine::similarity_engine(const Eigen::MatrixXd& activations, const sparse_concepts& concepts, metric m,
                                     const metric_options& options)
    : a_(activations), y_(concepts), m_(m), o_(options) {
  if (is_layer_metric(m_))  // clip_dissect.cpp computes them, for a whole layer at once
    throw invalid_argument(fmt::format("metric '{}' depends on every neuron of the layer: it has no per-pair value",
                                       to_string(m_)));
  if (concepts.samples != activations.rows())
    throw invalid_argument(fmt::format("concepts have {} rows but the activations have {} samples", concepts.samples,
                                       activations.rows()));
  check_metric_options(o_);
  if (m_ == metric::auroc && o_.auroc == auroc_convention::strict && !o_.binary_activations)
    throw invalid_argument("the strict AUROC is defined for binary activations only (use --binary)");
  if (is_count_metric(m_) || m_ == metric::wpmi || (m_ == metric::auroc && o_.binary_activations))
    family_ = family::counts;
  else if (m_ == metric::auroc)
    family_ = family::auroc;
  else if (m_ == metric::auprc)
    family_ = family::auprc;
  else
    family_ = family::centred;
  if (family_ == family::counts && o_.binary_activations) {
    for (Eigen::Index j = 0; j < a_.cols(); ++j)
      for (Eigen::Index i = 0; i < a_.rows(); ++i) {
        const double a = a_(i, j);
        if (a != 0.0 && a != 1.0)
          throw data_error(fmt::format("binary activations must be 0 or 1, got {} at row {}, neuron {}", a, i, j));
      }
  }
  if (m_ == metric::wpmi) {
    log_eps_ = std::log(o_.wpmi_eps);
    const auto& y = y_;
    if (!y.binary()) {
      log_excess_.resize(y.nonzeros());
      for (std::size_t p = 0; p < y.nonzeros(); ++p) log_excess_[p] = std::log(std::max(y.value[p], o_.wpmi_eps)) - log_eps_;
    }
  }
}

weight_terms similarity_engine::terms(std::span<const double> w) const {
  const auto& y = y_;
  weight_terms t;
  t.w = w;
  t.positives.assign(static_cast<std::size_t>(y.concepts), 0.0);
  // One pass: are the weights all float values, all integers, and how large?
  bool as_float = true, integers = true;
  double w_max = 0.0;
  for (const double x : w) {
    as_float = as_float && static_cast<double>(static_cast<float>(x)) == x;
    integers = integers && x == std::floor(x);
    w_max = std::max(w_max, x);
  }
  if (as_float) t.w_float.assign(w.begin(), w.end());
  t.integer_ranks = as_float && integers;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double wi = w[i];
    t.total += wi;
    if (wi == 0.0) continue;
    for_row(y, i, [&](std::size_t p, std::uint32_t c) { t.positives[c] += wi * y.at(p); });
  }
  if (m_ == metric::correlation) {
    // sum w (y - mc)^2: zeros of y contribute mc^2 each, so only the nonzeros are visited.
    t.concept_ss.resize(t.positives.size());
    std::vector<double> nonzero_weight(t.positives.size(), 0.0), nonzero_ss(t.positives.size(), 0.0);
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] == 0.0) continue;
      for_row(y, i, [&](std::size_t p, std::uint32_t c) {
        const double d = y.at(p) - t.positives[c] / t.total;
        nonzero_weight[c] += w[i];
        nonzero_ss[c] += w[i] * d * d;
      });
    }
    for (std::size_t c = 0; c < t.positives.size(); ++c) {
      const double mc = t.positives[c] / t.total;
      t.concept_ss[c] = y.binary() ? t.positives[c] * (1.0 - mc) * (1.0 - mc) + (t.total - t.positives[c]) * mc * mc
                                   : nonzero_ss[c] + (t.total - nonzero_weight[c]) * mc * mc;
    }
  }
  // 2 w_i r_i <= 2 w_max W must fit in 32 bits for the integer rank sums.
  t.integer_ranks = t.integer_ranks && 2.0 * w_max * t.total < 2147483647.0;
  return t;
}

neuron_block similarity_engine::prepare(Eigen::Index begin, Eigen::Index width) const {
  const Eigen::Index n = a_.rows();
  neuron_block b;
  b.begin = begin;
  b.width = width;
  b.order.resize(static_cast<std::size_t>(width));
  b.sorted.resize(static_cast<std::size_t>(width));
  // Correlation and MAD need no order: they are sums over the samples.
  for (Eigen::Index j = 0; j < width && family_ != family::centred; ++j) {
    const double* z = a_.col(begin + j).data();
    auto& ord = b.order[static_cast<std::size_t>(j)];
    ord = descending_order({z, static_cast<std::size_t>(n)});
    auto& sorted = b.sorted[static_cast<std::size_t>(j)];
    sorted.resize(ord.size());
    for (std::size_t k = 0; k < ord.size(); ++k) sorted[k] = z[ord[k]];
    auto& ties = b.ties.emplace_back();
    for (std::size_t k = 0; k < sorted.size();) {
      std::size_t last = k + 1;
      while (last < sorted.size() && sorted[last] == sorted[k]) ++last;
      if (last - k > 1) ties.emplace_back(k, last);
      k = last;
    }
    if (o_.binary_activations)  // validated 0/1: the 1s come first in the descending order
      b.ones.push_back(static_cast<std::size_t>(std::count(sorted.begin(), sorted.end(), 1.0)));
  }
  if (family_ == family::centred) {
    // Centred once by the plain mean; each weight vector corrects by its weighted mean of these.
    b.centred.resize(n, width);
    for (Eigen::Index j = 0; j < width; ++j) {
      const auto col = a_.col(begin + j);
      b.centred.col(j) = col.array() - col.mean();
    }
  }
  return b;
}

// Top-alpha active set = the prefix of the order up to the end of the tied block that reaches
// k = ceil(alpha * total) (top_alpha_threshold's rule); binary activations: the leading 1s.
std::size_t similarity_engine::active_length(const neuron_block& b, Eigen::Index j, const weight_terms& t) const {
  if (o_.binary_activations) return b.ones[static_cast<std::size_t>(j)];
  const auto& ord = b.order[static_cast<std::size_t>(j)];
  const auto& z = b.sorted[static_cast<std::size_t>(j)];
  const double k = top_alpha_count(o_.alpha, t.total);
  double cumulative = 0.0;
  std::size_t p = 0;
  for (; p < ord.size(); ++p) {
    cumulative += t.w[ord[p]];
    if (cumulative >= k) break;
  }
  if (p == ord.size()) p = ord.size() - 1;
  std::size_t length = p + 1;
  while (length < ord.size() && z[length] >= z[p]) ++length;
  return length;
}

void similarity_engine::counts(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                               const std::function<void(Eigen::Index, double, std::span<const double>)>& emit) const {
  if (family_ != family::counts) throw invalid_argument(fmt::format("{} is not a count metric", to_string(m_)));
  const auto& y = y_;
  const auto C = static_cast<std::size_t>(y.concepts);
  s.acc.resize(C);
  if (!log_excess_.empty()) s.acc_log.resize(C);
  for (Eigen::Index j = 0; j < b.width; ++j) {
    const auto& ord = b.order[static_cast<std::size_t>(j)];
    const std::size_t length = active_length(b, j, t);
    std::fill(s.acc.begin(), s.acc.end(), 0.0);
    std::fill(s.acc_log.begin(), s.acc_log.end(), 0.0);
    double fire = 0.0;
    for (std::size_t p = 0; p < length; ++p) {
      const std::uint32_t i = ord[p];
      const double wi = t.w[i];
      if (wi == 0.0) continue;
      fire += wi;
      if (y.binary()) {
        for_row(y, i, [&](std::size_t, std::uint32_t c) { s.acc[c] += wi; });
      } else {
        for_row(y, i, [&](std::size_t q, std::uint32_t c) {
          s.acc[c] += wi * y.value[q];
          if (!log_excess_.empty()) s.acc_log[c] += wi * log_excess_[q];
        });
      }
    }
    emit(j, fire, s.acc);
  }
}

void similarity_engine::count_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                                     const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const {
  const auto C = t.positives.size();
  s.scores.resize(C);
  const bool binary_concepts = y_.binary();
  counts(b, t, s, [&](Eigen::Index j, double fire, std::span<const double> f11) {
    for (std::size_t c = 0; c < C; ++c) {
      const double pos = t.positives[c];
      if (m_ != metric::wpmi) {
        s.scores[c] = binary_metric(m_, counts2x2::from_margins(t.total, fire, pos, f11[c]), o_);
      } else if (!(pos > 0.0)) {
        s.scores[c] = metric_value::undefined(undefined_reason::no_concept_positives);
      } else if (!(fire > 0.0)) {
        s.scores[c] = metric_value::undefined(undefined_reason::neuron_never_fires);
      } else {
        // Active-set sum of w log(max(y, eps)): log(eps) for every active weight, plus the excess
        // of each nonzero (0/1 concepts: -log(eps) per positive).
        const double log_sum = binary_concepts ? log_eps_ * (fire - f11[c]) : log_eps_ * fire + s.acc_log[c];
        s.scores[c] = metric_value::of(log_sum / fire - o_.wpmi_lambda * std::log(pos / t.total));
      }
    }
    emit(j, s.scores);
  });
}

// sums(c, j) += w_i * y_ic * rows(i, j) over the nonzeros (weighted_rows: rows hold w_i * value).
void similarity_engine::sparse_product(std::span<const double> w, Eigen::Index width, const row_matrix& rows,
                                       row_matrix& sums, bool weighted_rows) const {
  sums.setZero(y_.concepts, width);
  accumulate_rows(y_, w.data(), w.size(), rows.data(), static_cast<std::size_t>(width), weighted_rows, sums.data());
}

// S(c, j) = sum_i w_i r_ij y_ic in doubles: any weights, any concept values.
void similarity_engine::rank_sums_double(const neuron_block& b, const weight_terms& t, engine_scratch& s) const {
  // Weighted mid-ranks (ordering.hpp's weighted_mid_ranks), times the sample's weight: with
  // integer weights half-integers, so every sum below is exact and independent of the summation
  // order. Each neuron scatters into its own column (cache-resident), then one transposing copy
  // makes the rows contiguous.
  const Eigen::Index n = y_.samples;
  s.columns.resize(n, b.width);
  const double total = t.total;
  for (Eigen::Index j = 0; j < b.width; ++j) {
    const auto& ord = b.order[static_cast<std::size_t>(j)];
    double* col = s.columns.col(j).data();
    double above = 0.0;
    // Between tied blocks one sample per value, without a branch; each tied block shares its rank.
    // The weights are gathered from their float copy when exact (half the cache footprint).
    auto single = [&](std::size_t from, std::size_t to, const auto* w) {
      for (std::size_t k = from; k < to; ++k) {
        const std::uint32_t i = ord[k];
        const double wi = w[i];
        col[i] = wi * ((total - above - wi) + 0.5 * wi);
        above += wi;
      }
    };
    auto run = [&](std::size_t from, std::size_t to) {
      if (t.w_float.empty())
        single(from, to, t.w.data());
      else
        single(from, to, t.w_float.data());
    };
    std::size_t done = 0;
    for (const auto& [first, last] : b.ties[static_cast<std::size_t>(j)]) {
      run(done, first);
      double block = 0.0;
      for (std::size_t k = first; k < last; ++k) block += t.w[ord[k]];
      const double rank = (total - above - block) + 0.5 * block;
      for (std::size_t k = first; k < last; ++k) col[ord[k]] = t.w[ord[k]] * rank;
      above += block;
      done = last;
    }
    run(done, ord.size());
  }
  transpose_tiled(s.columns, s.rows);
  sparse_product(t.w, b.width, s.rows, s.sums, true);
}

// The same sums in 32-bit integers, twice as many per vector operation: with integer weights and
// 0/1 concepts, 2 w_i r_i = w_i (2 (W - above_i - w_i) + w_i) is an integer below 2 w_max W, and the
// integer sums are moved into the doubles before they could pass 2^31 (weights.integer_ranks says
// 2 w_max W fits). Exact, so the same bits as rank_sums_double.
void similarity_engine::rank_sums_integer(const neuron_block& b, const weight_terms& t, engine_scratch& s) const {
  const Eigen::Index n = y_.samples;
  const auto total = static_cast<std::int64_t>(t.total);
  s.columns_int.resize(n, b.width);
  for (Eigen::Index j = 0; j < b.width; ++j) {
    const auto& ord = b.order[static_cast<std::size_t>(j)];
    std::int32_t* col = s.columns_int.col(j).data();
    std::int64_t above = 0;
    auto single = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        const std::uint32_t i = ord[k];
        const auto wi = static_cast<std::int64_t>(t.w_float[i]);
        col[i] = static_cast<std::int32_t>(wi * (2 * (total - above - wi) + wi));
        above += wi;
      }
    };
    std::size_t done = 0;
    for (const auto& [first, last] : b.ties[static_cast<std::size_t>(j)]) {
      single(done, first);
      std::int64_t block = 0;
      for (std::size_t k = first; k < last; ++k) block += static_cast<std::int64_t>(t.w_float[ord[k]]);
      const std::int64_t twice_rank = 2 * (total - above - block) + block;
      for (std::size_t k = first; k < last; ++k)
        col[ord[k]] = static_cast<std::int32_t>(static_cast<std::int64_t>(t.w_float[ord[k]]) * twice_rank);
      above += block;
      done = last;
    }
    single(done, ord.size());
  }
  s.sums.setZero(y_.concepts, b.width);
  s.sums_int.setZero(y_.concepts, b.width);
  accumulate_columns_int(y_, t.w.data(), t.w.size(), s.columns_int.data(), static_cast<std::size_t>(b.width),
                         2.0 * t.total, s.sums_int.data(), s.sums.data());
  s.sums *= 0.5;  // 2 S -> S, exact
}

void similarity_engine::auroc_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                                     const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const {
  if (t.integer_ranks && y_.binary())
    rank_sums_integer(b, t, s);
  else
    rank_sums_double(b, t, s);
  const auto C = t.positives.size();
  s.scores.resize(C);
  for (Eigen::Index j = 0; j < b.width; ++j) {
    for (std::size_t c = 0; c < C; ++c) {
      const double pos = t.positives[c], neg = t.total - pos;
      if (!(pos > 0.0))
        s.scores[c] = metric_value::undefined(undefined_reason::no_concept_positives);
      else if (!(neg > 0.0))
        s.scores[c] = metric_value::undefined(undefined_reason::no_concept_negatives);
      else
        s.scores[c] = metric_value::of((s.sums(static_cast<Eigen::Index>(c), j) - 0.5 * pos * pos) / (pos * neg));
    }
    emit(j, s.scores);
  }
}

void similarity_engine::auprc_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                                     const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const {
  const auto& y = y_;
  const auto C = t.positives.size();
  s.tp.resize(C);
  s.ap.resize(C);
  s.block_pos.assign(C, 0.0);
  s.scores.resize(C);
  for (Eigen::Index j = 0; j < b.width; ++j) {
    const auto& ord = b.order[static_cast<std::size_t>(j)];
    const auto& z = b.sorted[static_cast<std::size_t>(j)];
    std::fill(s.tp.begin(), s.tp.end(), 0.0);
    std::fill(s.ap.begin(), s.ap.end(), 0.0);
    double seen = 0.0;
    std::size_t first = 0;
    while (first < ord.size()) {
      s.touched.clear();
      std::size_t last = first;
      for (; last < ord.size() && z[last] == z[first]; ++last) {
        const std::uint32_t i = ord[last];
        const double wi = t.w[i];
        if (wi == 0.0) continue;
        seen += wi;
        for_row(y, i, [&](std::size_t p, std::uint32_t c) {
          if (s.block_pos[c] == 0.0) s.touched.push_back(c);
          s.block_pos[c] += wi * y.at(p);
        });
      }
      // Precision at the end of each tied block, weighted by the positives the block adds.
      for (std::uint32_t c : s.touched) {
        s.tp[c] += s.block_pos[c];
        if (seen > 0.0) s.ap[c] += s.block_pos[c] * s.tp[c] / seen;
        s.block_pos[c] = 0.0;
      }
      first = last;
    }
    for (std::size_t c = 0; c < C; ++c)
      s.scores[c] = t.positives[c] > 0.0 ? metric_value::of(s.ap[c] / t.positives[c])
                                         : metric_value::undefined(undefined_reason::no_concept_positives);
    emit(j, s.scores);
  }
}

void similarity_engine::centred_scores(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                                       const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const {
  const Eigen::Index n = a_.rows(), width = b.width;
  // sum w (z0 - s) y = sum w z0 y - s P with s the weighted mean of z0.
  sparse_product(t.w, width, b.centred, s.sums, false);
  s.shift.resize(static_cast<std::size_t>(width));
  s.spread.resize(static_cast<std::size_t>(width));
  for (Eigen::Index j = 0; j < width; ++j) {
    // Constant under these weights (the weighted samples' smallest and largest values equal): zero
    // variance exactly, not the rounding noise of the sum below.
    const double* z = a_.col(b.begin + j).data();
    double lowest = INFINITY, highest = -INFINITY;
    for (Eigen::Index i = 0; i < n; ++i)
      if (t.w[static_cast<std::size_t>(i)] != 0.0) {
        lowest = std::min(lowest, z[i]);
        highest = std::max(highest, z[i]);
      }
    double mean = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) mean += t.w[static_cast<std::size_t>(i)] * b.centred(i, j);
    mean /= t.total;
    double ss = 0.0;
    if (lowest != highest)
      for (Eigen::Index i = 0; i < n; ++i) {
        const double d = b.centred(i, j) - mean;
        ss += t.w[static_cast<std::size_t>(i)] * d * d;
      }
    s.shift[static_cast<std::size_t>(j)] = mean;
    s.spread[static_cast<std::size_t>(j)] = ss;
  }
  if (m_ == metric::mad && o_.mad_standardised) {
    // sum w (z0 - s)^2 y per concept, for the spread on y = 0.
    s.rows.resize(n, width);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < width; ++j) {
        const double d = b.centred(i, j) - s.shift[static_cast<std::size_t>(j)];
        s.rows(i, j) = d * d;
      }
    sparse_product(t.w, width, s.rows, s.squares, false);
  }
  const auto C = t.positives.size();
  s.scores.resize(C);
  for (Eigen::Index j = 0; j < width; ++j) {
    const double shift = s.shift[static_cast<std::size_t>(j)], szz = s.spread[static_cast<std::size_t>(j)];
    for (std::size_t c = 0; c < C; ++c) {
      const double pos = t.positives[c], neg = t.total - pos;
      const double cross = s.sums(static_cast<Eigen::Index>(c), j) - shift * pos;
      if (m_ == metric::correlation) {
        if (!(szz > 0.0))
          s.scores[c] = metric_value::undefined(undefined_reason::zero_variance_activation);
        else if (!(t.concept_ss[c] > 0.0))
          s.scores[c] = metric_value::undefined(undefined_reason::zero_variance_concept);
        else
          s.scores[c] = metric_value::of(cross / std::sqrt(szz * t.concept_ss[c]));
        continue;
      }
      if (!(pos > 0.0)) {
        s.scores[c] = metric_value::undefined(undefined_reason::no_concept_positives);
        continue;
      }
      if (!(neg > 0.0)) {
        s.scores[c] = metric_value::undefined(undefined_reason::no_concept_negatives);
        continue;
      }
      // MAD: mean1 - mean0 = S/P + S/N, because sum w (z - s) = 0 gives sum w (1-y)(z - s) = -S.
      const double diff = cross / pos + cross / neg;
      if (!o_.mad_standardised) {
        s.scores[c] = metric_value::of(diff);
        continue;
      }
      // sum w (1-y)(z - mean0)^2 = sum w (1-y)(z - s)^2 - N (mean0 - s)^2, mean0 - s = -S/N.
      const double to_negatives = cross / neg;
      const double ss0 = (szz - s.squares(static_cast<Eigen::Index>(c), j)) - neg * to_negatives * to_negatives;
      // Relative guard: a constant neuron on y = 0 leaves only rounding noise in ss0.
      if (!(ss0 > 1e-12 * std::max(szz, 1e-300)))
        s.scores[c] = metric_value::undefined(undefined_reason::zero_variance_negatives);
      else
        s.scores[c] = metric_value::of(diff / std::sqrt(ss0 / neg));
    }
    emit(j, s.scores);
  }
}

void similarity_engine::score(const neuron_block& b, const weight_terms& t, engine_scratch& s,
                              const std::function<void(Eigen::Index, std::span<const metric_value>)>& emit) const {
  switch (family_) {
    case family::counts: count_scores(b, t, s, emit); break;
    case family::auroc: auroc_scores(b, t, s, emit); break;
    case family::auprc: auprc_scores(b, t, s, emit); break;
    case family::centred: centred_scores(b, t, s, emit); break;
  }
}

}  // namespace neuroncert::detail
