#include "neuroncert/sim/be_coverage_sim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <fmt/format.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/sampling.hpp"

namespace neuroncert::sim {
namespace {

constexpr const char* experiment_name = "be-coverage";

double concept_accuracy(const be_coverage_setting& s, std::int64_t j) {
  return j == 0 ? s.best_accuracy : s.best_accuracy - s.margin;
}

std::string setting_key(const be_coverage_setting& s) {
  return fmt::format("n={};C={};Delta={};acc={};a={}", s.n, s.num_concepts, s.margin, s.best_accuracy,
                     s.firing_rate);
}

/// Probing set D of a bootstrap replicate as the neuron f and, per concept j, the samples that
/// disagree with f (c_j != f), concept-major: rows[end[j-1] .. end[j]) in increasing order.
struct disagreements {
  std::vector<std::uint8_t> fires;
  std::vector<std::uint32_t> rows;
  std::vector<std::size_t> end;
};

/// Sums, for all K resamples at once, the weighted counts of D: N1 (weight of f = 1) and per concept
/// and value of f the weight of the disagreeing samples (f = 1: cell f10; f = 0: cell f01).
/// `by_sample` holds sample i's K multiplicities at [i K, (i + 1) K). A resample's weights sum to n,
/// so Acc (16-bit lanes when n <= 65535: 8 resamples per SSE add) holds every partial sum.
template <class Acc>
void sum_disagreements(const disagreements& d, const std::vector<std::uint16_t>& by_sample, std::size_t K,
                       std::vector<std::int64_t>& fired, std::vector<std::int64_t>& wrong) {
  const std::size_t n = d.fires.size(), C = d.end.size();
  thread_local std::vector<Acc> acc_fired, acc_wrong;
  acc_fired.assign(K, 0);
  acc_wrong.assign(2 * C * K, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (d.fires[i]) {
      const std::uint16_t* wi = &by_sample[i * K];
      for (std::size_t r = 0; r < K; ++r) acc_fired[r] = static_cast<Acc>(acc_fired[r] + wi[r]);
    }
  for (std::size_t j = 0, begin = 0; j < C; begin = d.end[j], ++j) {
    Acc* const cell[2] = {&acc_wrong[j * K], &acc_wrong[(C + j) * K]};
    for (std::size_t e = begin; e < d.end[j]; ++e) {
      const std::uint32_t i = d.rows[e];
      const std::uint16_t* wi = &by_sample[static_cast<std::size_t>(i) * K];
      Acc* acc = cell[d.fires[i]];
      for (std::size_t r = 0; r < K; ++r) acc[r] = static_cast<Acc>(acc[r] + wi[r]);
    }
  }
  fired.assign(acc_fired.begin(), acc_fired.end());
  wrong.assign(acc_wrong.begin(), acc_wrong.end());
}

/// The identification on each of the K resamples whose multiplicities are the rows of `w` (K x n,
/// row-major): per resample, the core's accuracy of every concept's weighted 2x2 counts and the
/// core's argmax (ties to the lowest index), i.e. identify() of all_pairs_similarity() with the
/// multiplicities as weights, which is what bootstrap_ensemble counts.
std::vector<std::int64_t> identify_resamples(const disagreements& d, const std::uint16_t* w, std::size_t K) {
  const std::size_t n = d.fires.size(), C = d.end.size();
  // Sample-major copy of the multiplicities (transposed in tiles of 64 samples).
  thread_local std::vector<std::uint16_t> by_sample;
  by_sample.resize(n * K);
  constexpr std::size_t tile = 64;
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    const std::size_t i1 = std::min(n, i0 + tile);
    for (std::size_t r = 0; r < K; ++r)
      for (std::size_t i = i0; i < i1; ++i) by_sample[i * K + r] = w[r * n + i];
  }
  std::vector<std::int64_t> fired, wrong;
  if (n <= std::numeric_limits<std::uint16_t>::max())
    sum_disagreements<std::uint16_t>(d, by_sample, K, fired, wrong);
  else
    sum_disagreements<std::uint32_t>(d, by_sample, K, fired, wrong);
  similarity_matrix sim;
  sim.which = metric::accuracy;
  sim.value.resize(1, static_cast<Eigen::Index>(C));
  sim.reason.resize(1, static_cast<Eigen::Index>(C));
  std::vector<std::int64_t> ids(K);
  const auto total = static_cast<std::int64_t>(n);
  for (std::size_t r = 0; r < K; ++r) {
    const std::int64_t n1 = fired[r], n0 = total - n1;
    for (std::size_t j = 0; j < C; ++j) {
      const std::int64_t f10 = wrong[(C + j) * K + r], f01 = wrong[j * K + r];
      const counts2x2 k{static_cast<double>(n0 - f01), static_cast<double>(f01), static_cast<double>(f10),
                        static_cast<double>(n1 - f10)};
      const metric_value v = accuracy(k);
      sim.value(0, static_cast<Eigen::Index>(j)) = v.value;
      sim.reason(0, static_cast<Eigen::Index>(j)) = static_cast<std::uint8_t>(v.reason);
    }
    ids[r] = identify_neuron(sim, 0).concept_index;
  }
  return ids;
}

/// Uniform integers in [0, m), m < 2^32, from the 32-bit halves of the engine's 64-bit outputs
/// (Lemire's multiply-shift with rejection: exactly uniform).
class index_draws {
 public:
  explicit index_draws(random_engine& rng) : rng_(rng) {}
  std::uint32_t operator()(std::uint32_t m) {
    std::uint64_t product = std::uint64_t{next()} * m;
    if (static_cast<std::uint32_t>(product) < m) {
      const std::uint32_t reject_below = static_cast<std::uint32_t>(-m) % m;  // 2^32 mod m
      while (static_cast<std::uint32_t>(product) < reject_below) product = std::uint64_t{next()} * m;
    }
    return static_cast<std::uint32_t>(product >> 32);
  }

 private:
  std::uint32_t next() {
    if (have_low_) {
      have_low_ = false;
      return static_cast<std::uint32_t>(bits_);
    }
    bits_ = rng_();
    have_low_ = true;
    return static_cast<std::uint32_t>(bits_ >> 32);
  }
  random_engine& rng_;
  std::uint64_t bits_ = 0;
  bool have_low_ = false;
};

bool contains_best(const be_set& set) {
  return std::find(set.concepts.begin(), set.concepts.end(), std::int64_t{0}) != set.concepts.end();
}

}  // namespace

void check_be_coverage_setting(const be_coverage_setting& s) {
  check_at_least("n", s.n, 1);
  check_at_least("number of concepts |C|", s.num_concepts, 2);
  check_open_unit("margin Delta", s.margin);
  if (!(s.best_accuracy > 0.0 && s.best_accuracy <= 1.0))
    throw invalid_argument(fmt::format("best accuracy acc* must lie in (0, 1], got {}", s.best_accuracy));
  if (!(s.best_accuracy - s.margin >= 0.0))
    throw invalid_argument(fmt::format("margin Delta = {} exceeds the best accuracy acc* = {} (the other concepts "
                                       "would have negative accuracy)",
                                       s.margin, s.best_accuracy));
  check_open_unit("firing rate a", s.firing_rate);
}

double be_disagreement(const be_coverage_setting& s) {
  check_be_coverage_setting(s);
  const double best = concept_accuracy(s, 0), other = concept_accuracy(s, 1);
  // c* and c_j agree with f independently given f: they disagree when exactly one of them agrees.
  return std::max(s.margin, best * (1.0 - other) + (1.0 - best) * other);  // >= Delta exactly, not only in theory
}

std::vector<counts2x2> be_concept_matrices(const be_coverage_setting& s) {
  check_be_coverage_setting(s);
  const double a = s.firing_rate;
  std::vector<counts2x2> w(static_cast<std::size_t>(s.num_concepts));
  for (std::int64_t j = 0; j < s.num_concepts; ++j) {
    const double acc = concept_accuracy(s, j);
    w[static_cast<std::size_t>(j)] = {(1.0 - a) * acc, (1.0 - a) * (1.0 - acc), a * (1.0 - acc), a * acc};
  }
  return w;
}

probing_set draw_be_probing_set(random_engine& rng, const be_coverage_setting& s) {
  check_be_coverage_setting(s);
  const Eigen::Index n = s.n, C = s.num_concepts;
  Eigen::MatrixXd f(n, 1), y(n, C);
  boost::random::bernoulli_distribution<double> fire(s.firing_rate);
  boost::random::uniform_01<double> u;
  const double acc_best = concept_accuracy(s, 0), acc_other = concept_accuracy(s, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double fi = fire(rng) ? 1.0 : 0.0;
    f(i, 0) = fi;
    for (Eigen::Index j = 0; j < C; ++j) {
      const bool agree = u(rng) < (j == 0 ? acc_best : acc_other);
      y(i, j) = agree ? fi : 1.0 - fi;
    }
  }
  return make_probing_set(std::move(f), std::move(y), {.reject_empty_concepts = false});
}

void check_be_design(const be_design& d) {
  check_at_least("K (number of resamples)", d.resamples, 1);
  if (d.threshold < 1 || d.threshold > d.resamples)
    throw invalid_argument(
        fmt::format("threshold t must lie in [1, K] = [1, {}], got {}", d.resamples, d.threshold));
}

std::vector<be_design> be_designs_from_fraction(const std::vector<std::int64_t>& resamples, double tau) {
  if (!(tau > 0.0 && tau <= 1.0))
    throw invalid_argument(fmt::format("threshold fraction tau must lie in (0, 1], got {}", tau));
  std::vector<be_design> out;
  for (std::int64_t K : resamples) {
    check_at_least("K (number of resamples)", K, 1);
    out.push_back({K, bounds::threshold_from_fraction(tau, K)});
  }
  return out;
}

std::string method_name(be_identifications m) { return m == be_identifications::bootstrap ? "bootstrap" : "fresh"; }

std::int64_t be_fresh_identification(random_engine& rng, const be_coverage_setting& s,
                                     const std::vector<counts2x2>& matrices) {
  const auto counts = draw_concept_counts(rng, s.n, s.firing_rate, matrices);
  similarity_matrix sim;
  sim.which = metric::accuracy;
  sim.value.resize(1, static_cast<Eigen::Index>(counts.size()));
  sim.reason.resize(1, static_cast<Eigen::Index>(counts.size()));
  for (std::size_t j = 0; j < counts.size(); ++j) {
    const metric_value v = accuracy(counts[j]);
    sim.value(0, static_cast<Eigen::Index>(j)) = v.value;
    sim.reason(0, static_cast<Eigen::Index>(j)) = static_cast<std::uint8_t>(v.reason);
  }
  return identify_neuron(sim, 0).concept_index;
}

std::vector<std::int64_t> be_bootstrap_identifications(random_engine& rng, const be_coverage_setting& s,
                                                       std::int64_t resamples) {
  check_be_coverage_setting(s);
  check_at_least("K (number of resamples)", resamples, 1);
  if (s.n > std::numeric_limits<std::uint32_t>::max())
    throw invalid_argument(fmt::format("n = {} is too large for the bootstrap method (at most 2^32 - 1)", s.n));
  const auto n = static_cast<std::size_t>(s.n), C = static_cast<std::size_t>(s.num_concepts);
  const auto K = static_cast<std::size_t>(resamples);
  // The K resamples first: resample r is n uniform picks of a sample (Multinomial(n, 1/n)).
  thread_local std::vector<std::uint16_t> w;
  w.assign(n * K, 0);
  index_draws pick(rng);
  for (std::size_t r = 0; r < K; ++r) {
    std::uint16_t* row = &w[r * n];
    for (std::size_t draw = 0; draw < n; ++draw) {
      std::uint16_t& cell = row[pick(static_cast<std::uint32_t>(n))];
      if (cell == std::numeric_limits<std::uint16_t>::max())
        throw invalid_argument("a bootstrap multiplicity exceeded 65535");
      ++cell;
    }
  }
  // Then D. Its samples are exchangeable, and so are the resamples' picks, so the N1 ~ Bin(n, a)
  // samples with f = 1 can be the first ones. Concept j disagrees with f on each sample
  // independently with probability 1 - acc_j (whatever f): its disagreeing samples are drawn as
  // the points of a Bernoulli process, by geometric gaps floor(log U / log(acc_j)).
  thread_local disagreements d;
  d.fires.assign(n, 0);
  std::fill(d.fires.begin(), d.fires.begin() + draw_binomial(rng, s.n, s.firing_rate), 1);
  d.rows.clear();
  d.end.resize(C);
  boost::random::uniform_01<double> u;
  for (std::size_t j = 0; j < C; ++j) {
    const double agree = concept_accuracy(s, static_cast<std::int64_t>(j));
    if (agree <= 0.0) {
      for (std::size_t i = 0; i < n; ++i) d.rows.push_back(static_cast<std::uint32_t>(i));
    } else if (agree < 1.0) {
      const double log_agree = std::log(agree);
      for (double i = 0.0;; i += 1.0) {
        i += std::floor(std::log(1.0 - u(rng)) / log_agree);  // 1 - u in (0, 1]
        if (!(i < static_cast<double>(n))) break;
        d.rows.push_back(static_cast<std::uint32_t>(i));
      }
    }
    d.end[j] = d.rows.size();
  }
  return identify_resamples(d, w.data(), K);
}

std::vector<std::int64_t> be_resample_identifications(const probing_set& set, const multiplicity_matrix& w) {
  if (set.neurons() != 1) throw invalid_argument("be_resample_identifications: the probing set must have one neuron");
  if (w.rows() < 1 || w.cols() != set.samples())
    throw invalid_argument(fmt::format("multiplicities are {} x {}, for a probing set of {} samples", w.rows(), w.cols(),
                                       set.samples()));
  const Eigen::Index n = set.samples(), C = set.concept_count();
  if (set.concepts.rows() != n || set.concepts.cols() != C)
    throw invalid_argument("be_resample_identifications: the probing set must hold its concepts densely");
  disagreements d;
  d.fires.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double f = set.activations(i, 0);
    if (f != 0.0 && f != 1.0) throw invalid_argument("be_resample_identifications: the neuron must be binary (0/1)");
    d.fires[static_cast<std::size_t>(i)] = f == 1.0 ? 1 : 0;
  }
  for (Eigen::Index j = 0; j < C; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double c = set.concepts(i, j);
      if (c != 0.0 && c != 1.0) throw invalid_argument("be_resample_identifications: concepts must be 0/1");
      if (c != set.activations(i, 0)) d.rows.push_back(static_cast<std::uint32_t>(i));
    }
    d.end.push_back(d.rows.size());
  }
  return identify_resamples(d, w.data(), static_cast<std::size_t>(w.rows()));
}

be_replicate be_coverage_replicate(random_engine& rng, const be_coverage_setting& s,
                                   const std::vector<be_design>& designs, be_identifications method) {
  check_be_coverage_setting(s);
  if (designs.empty()) throw invalid_argument("designs (K, t) must not be empty");
  std::int64_t k_max = 0;
  for (const auto& d : designs) {
    check_be_design(d);
    k_max = std::max(k_max, d.resamples);
  }
  const auto C = static_cast<std::size_t>(s.num_concepts);
  be_replicate out;
  const auto record = [&](const std::vector<std::int64_t>& counts, const be_design& d) {
    const be_set set = be_prediction_set(counts, d.threshold);
    out.covered.push_back(contains_best(set) ? 1 : 0);
    out.set_size.push_back(static_cast<std::int64_t>(set.concepts.size()));
    out.cstar_count.push_back(counts[0]);
  };
  // The K_max identifications once; design (K, t) counts the first K of them (common random numbers).
  std::vector<std::int64_t> ids;
  if (method == be_identifications::bootstrap) {
    ids = be_bootstrap_identifications(rng, s, k_max);
  } else {
    const auto matrices = be_concept_matrices(s);
    ids.resize(static_cast<std::size_t>(k_max));
    for (auto& id : ids) id = be_fresh_identification(rng, s, matrices);
  }
  for (const auto& d : designs) {
    std::vector<std::int64_t> counts(C, 0);
    for (std::int64_t i = 0; i < d.resamples; ++i) {
      const std::int64_t id = ids[static_cast<std::size_t>(i)];
      if (id >= 0) ++counts[static_cast<std::size_t>(id)];
    }
    record(counts, d);
  }
  return out;
}

void check_be_coverage_options(const be_coverage_options& o) {
  check_at_least("replicates", o.replicates, 1);
  if (o.n_grid.empty()) throw invalid_argument("n grid must not be empty");
  if (o.concept_counts.empty()) throw invalid_argument("concept counts |C| must not be empty");
  if (o.margins.empty()) throw invalid_argument("margins Delta must not be empty");
  if (o.designs.empty()) throw invalid_argument("K values (designs) must not be empty");
  if (o.methods.empty()) throw invalid_argument("methods must not be empty");
  check_at_least("bound curve points", o.bound_curve_points, 0);
  for (const auto& d : o.designs) check_be_design(d);
  for (std::int64_t n : o.n_grid)
    for (std::int64_t C : o.concept_counts)
      for (double delta : o.margins) check_be_coverage_setting({n, C, delta, o.best_accuracy, o.firing_rate});
}

std::vector<tidy_row> run_be_coverage(const be_coverage_options& o) {
  check_be_coverage_options(o);
  std::vector<tidy_row> rows;
  for (std::int64_t n : o.n_grid)
    for (std::int64_t C : o.concept_counts)
      for (double delta : o.margins) {
        const be_coverage_setting s{n, C, delta, o.best_accuracy, o.firing_rate};
        const double p = bounds::p_from_margin_accuracy(static_cast<double>(n), delta, C);
        const double disagreement = be_disagreement(s);
        const double p_pair = bounds::p_from_disagreement(n, delta, disagreement, C);
        std::vector<std::vector<tidy_row>> cell_rows(o.designs.size());
        const auto cell_name = [&](const be_design& d) {
          return fmt::format("C={};Delta={};K={};t={}", C, delta, d.resamples, d.threshold);
        };
        for (std::size_t k = 0; k < o.designs.size(); ++k) {
          const be_design& d = o.designs[k];
          const auto row = [&](std::string quantity, std::optional<double> v) {
            cell_rows[k].push_back({experiment_name, cell_name(d), "accuracy", n, std::move(quantity), v});
          };
          row("p_from_margin", p);
          row("bound_corrected", bounds::be_coverage_corrected(d.resamples, d.threshold, p));
          row("bound_tightened", bounds::be_coverage_tightened(d.resamples, d.threshold, p));
          row("bound_paper_eq9_at_t", bounds::paper_eq9(d.resamples, d.threshold, p));
          row("disagreement", disagreement);
          row("p_pairwise", p_pair);
          row("bound_pairwise", bounds::be_coverage_corrected(d.resamples, d.threshold, p_pair));
        }
        for (be_identifications method : o.methods) {
          const std::string study = fmt::format("{}/{}/{}", experiment_name, setting_key(s), method_name(method));
          engine_options e;
          e.seed = o.seed;
          e.salt = study_salt(study);
          if (o.progress)
            e.progress = [pr = o.progress, study](std::size_t done, std::size_t total) { pr(study, done, total); };
          const auto reps = map_replicates<be_replicate>(
              static_cast<std::size_t>(o.replicates), e,
              [&](std::size_t, random_engine& rng) { return be_coverage_replicate(rng, s, o.designs, method); });
          const std::string suffix = fmt::format("_{}", method_name(method));
          for (std::size_t k = 0; k < o.designs.size(); ++k) {
            std::int64_t covered = 0, set_sizes = 0, cstar = 0;
            for (const auto& r : reps) {
              covered += r.covered[k];
              set_sizes += r.set_size[k];
              cstar += r.cstar_count[k];
            }
            const auto R = static_cast<double>(o.replicates);
            const bounds::interval ci = bounds::clopper_pearson(covered, o.replicates, 0.05);
            const auto row = [&](const std::string& quantity, double v) {
              cell_rows[k].push_back({experiment_name, cell_name(o.designs[k]), "accuracy", n, quantity, v});
            };
            row("coverage" + suffix, static_cast<double>(covered) / R);
            row("coverage" + suffix + "_cp_lower", ci.lower);
            row("coverage" + suffix + "_cp_upper", ci.upper);
            row("mean_set_size" + suffix, static_cast<double>(set_sizes) / R);
            row("cstar_frequency" + suffix,
                static_cast<double>(cstar) / (R * static_cast<double>(o.designs[k].resamples)));
            row("replicates" + suffix, R);
          }
        }
        for (auto& cr : cell_rows) rows.insert(rows.end(), cr.begin(), cr.end());
      }
  // The bounds as curves over a fine Delta grid (no Monte Carlo).
  if (o.bound_curve_points > 0) {
    const double lo = 0.5 * *std::min_element(o.margins.begin(), o.margins.end());
    const double hi = std::min(2.0 * *std::max_element(o.margins.begin(), o.margins.end()), 0.99);
    const std::int64_t points = std::max<std::int64_t>(o.bound_curve_points, 2);
    const auto margin_at = [&](std::int64_t i) {
      return lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(points - 1));
    };
    for (std::int64_t n : o.n_grid)
      for (std::int64_t C : o.concept_counts) {
        // The pairwise p per grid margin once (it sums O(sqrt(n)) terms), with the setting's disagreement.
        // (No value where the grid margin exceeds acc*: the model has no such setting.)
        std::vector<std::optional<double>> p_pair(static_cast<std::size_t>(points));
        for (std::int64_t i = 0; i < points; ++i) {
          const be_coverage_setting s{n, C, margin_at(i), o.best_accuracy, o.firing_rate};
          if (s.margin <= s.best_accuracy)
            p_pair[static_cast<std::size_t>(i)] = bounds::p_from_disagreement(n, s.margin, be_disagreement(s), C);
        }
        for (const auto& d : o.designs)
          for (std::int64_t i = 0; i < points; ++i) {
            const double delta = margin_at(i);
            const double p = bounds::p_from_margin_accuracy(static_cast<double>(n), delta, C);
            const std::string cell = fmt::format("C={};Delta={};K={};t={}", C, delta, d.resamples, d.threshold);
            rows.push_back({experiment_name, cell, "accuracy", n, "bound_corrected_curve",
                            bounds::be_coverage_corrected(d.resamples, d.threshold, p)});
            rows.push_back({experiment_name, cell, "accuracy", n, "bound_tightened_curve",
                            bounds::be_coverage_tightened(d.resamples, d.threshold, p)});
            std::optional<double> pairwise;
            if (const auto pp = p_pair[static_cast<std::size_t>(i)])
              pairwise = bounds::be_coverage_corrected(d.resamples, d.threshold, *pp);
            rows.push_back({experiment_name, cell, "accuracy", n, "bound_pairwise_curve", pairwise});
          }
      }
  }
  return rows;
}

nlohmann::json be_coverage_metadata(const be_coverage_options& o) {
  check_be_coverage_options(o);
  nlohmann::json j;
  j["experiment"] = experiment_name;
  j["caveat"] = be_coverage_sim_caveat;
  j["model"] =
      "f ~ Bernoulli(a); concept j agrees with f independently with probability acc_j (c_j = f w.p. acc_j, "
      "else 1 - f); acc_0 = acc* (the population-best concept c*), acc_j = acc* - Delta for j >= 1; "
      "cells W11 = a acc_j, W10 = a (1-acc_j), W01 = (1-a)(1-acc_j), W00 = (1-a) acc_j";
  j["metric"] = "accuracy (binary activations), ties to the lowest concept index";
  j["best_accuracy"] = o.best_accuracy;
  j["firing_rate"] = o.firing_rate;
  j["n_grid"] = o.n_grid;
  j["concept_counts"] = o.concept_counts;
  j["margins"] = o.margins;
  nlohmann::json designs = nlohmann::json::array();
  for (const auto& d : o.designs) designs.push_back({{"K", d.resamples}, {"t", d.threshold}});
  j["designs"] = designs;
  j["replicates"] = o.replicates;
  j["seed"] = o.seed;
  nlohmann::json methods = nlohmann::json::array();
  for (auto m : o.methods) methods.push_back(method_name(m));
  j["methods"] = methods;
  j["method_descriptions"] = {
      {"bootstrap", "K multiplicity resamples of one probing set D (core bootstrap_ensemble)"},
      {"fresh", "K independent probing sets from P (assumption (3) of Theorem 4.1)"}};
  j["bounds"] = {
      {"p_from_margin", "min(1, 2|C| exp(-n Delta^2 / 2)) (Hoeffding, Lemma B.2)"},
      {"bound_corrected", "P(Bin(K, p) <= t - 1) (docs/theory.md sec. 5)"},
      {"bound_tightened", "P(Bin(K, p) <= max(t, ceil(K/2)) - 1)"},
      {"bound_paper_eq9_at_t", "the paper's printed eq. 9 at k(S) = t (not a correct bound; for comparison)"},
      {"disagreement", "d = P(c*(x) != c(x)) = acc* (1 - acc_j) + (1 - acc*) acc_j of the setting (every runner-up)"},
      {"p_pairwise",
       "min(1, (|C| - 1) min(Chernoff, 2 exact) P(mean paired difference <= 0)) at (Delta, d) "
       "(bounds::p_from_disagreement, docs/be_coverage_bound.md)"},
      {"bound_pairwise", "P(Bin(K, p_pairwise) <= t - 1): the corrected bound with the pairwise p"}};
  j["bound_curve_points"] = o.bound_curve_points;
  j["coverage_interval"] = "two-sided 95% Clopper-Pearson over the replicates";
  return j;
}

}  // namespace neuroncert::sim
