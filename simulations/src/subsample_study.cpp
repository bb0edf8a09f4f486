// Subsampling study on real activations (subsample_study.hpp).
#include "neuroncert/sim/subsample_study.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>

#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/sim/engine.hpp"

namespace neuroncert::sim {
namespace {

void check(const Eigen::MatrixXd& a, const Eigen::MatrixXd& y, const subsample_study_options& o) {
  if (a.rows() < 1 || a.cols() < 1) throw invalid_argument("activations: need at least one row and one neuron");
  if (a.rows() != y.rows() || a.cols() != y.cols())
    throw invalid_argument(fmt::format("concepts: shape {}x{} differs from activations {}x{} (one own concept per "
                                       "neuron)", y.rows(), y.cols(), a.rows(), a.cols()));
  if (o.metrics.empty()) throw invalid_argument("metrics: need at least one metric");
  if (o.n_grid.empty()) throw invalid_argument("n: the grid is empty");
  for (auto n : o.n_grid)
    if (n < 1 || n > a.rows())
      throw invalid_argument(fmt::format("n: subsample size {} outside [1, N = {}] (drawn without replacement)", n,
                                         a.rows()));
  if (o.replicates < 1) throw invalid_argument(fmt::format("replicates: must be at least 1, got {}", o.replicates));
  if (!(o.quantile > 0.0 && o.quantile < 1.0))
    throw invalid_argument(fmt::format("quantile: must be in (0, 1), got {}", o.quantile));
  check_metric_options(o.options);
}

/// Rows of one subsample: partial Fisher-Yates over 0..N-1, first n kept, sorted increasingly.
std::vector<Eigen::Index> draw_rows(Eigen::Index N, Eigen::Index n, random_engine& rng) {
  std::vector<Eigen::Index> idx(static_cast<std::size_t>(N));
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  for (Eigen::Index i = 0; i < n; ++i) {
    boost::random::uniform_int_distribution<Eigen::Index> pick(i, N - 1);
    std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(pick(rng))]);
  }
  idx.resize(static_cast<std::size_t>(n));
  std::sort(idx.begin(), idx.end());
  return idx;
}

/// metrics x F: each metric of neuron j against its own concept j, the diagonal of all pairs
/// (one engine pass for all metrics: each neuron sorted once; with one-hot or sparse concepts the
/// other concepts cost little). Undefined entries are NaN here and never leave this file.
Eigen::MatrixXd own_concept_values(Eigen::MatrixXd activations, const Eigen::MatrixXd& concepts,
                                   const subsample_study_options& o) {
  probing_set_checks checks;
  checks.reject_empty_concepts = false;  // an empty concept on a subsample is an undefined estimate
  const probing_set set = make_probing_set(std::move(activations), concepts, checks);
  const auto all = all_pairs_similarities(set, o.metrics, o.options);
  Eigen::MatrixXd v(static_cast<Eigen::Index>(all.size()), set.neurons());
  for (std::size_t k = 0; k < all.size(); ++k)
    for (Eigen::Index j = 0; j < set.neurons(); ++j) {
      const metric_value x = all[k].at(j, j);
      v(static_cast<Eigen::Index>(k), j) = x.defined() ? x.value : std::nan("");
    }
  return v;
}

}  // namespace

subsample_study_result run_subsample_study(const Eigen::MatrixXd& activations, const Eigen::MatrixXd& concepts,
                                           const subsample_study_options& o) {
  check(activations, concepts, o);
  const Eigen::Index N = activations.rows(), F = activations.cols();
  const auto M = static_cast<Eigen::Index>(o.metrics.size());
  subsample_study_result res;
  res.population_size = N;
  res.metrics = o.metrics;
  const Eigen::MatrixXd population = own_concept_values(activations, concepts, o);
  res.population_defined = population.array().isFinite().matrix();
  res.population = res.population_defined.select(population, 0.0);

  // Per replicate: M x F errors, NaN marking an undefined estimate (never leaves this function).
  using errors = Eigen::MatrixXd;
  res.points.reserve(static_cast<std::size_t>(M) * o.n_grid.size());
  std::vector<std::vector<errors>> per_n;
  for (const auto n : o.n_grid) {
    engine_options eo;
    eo.seed = o.seed;
    eo.salt = study_salt(fmt::format("{}/n={}", o.label, n));
    per_n.push_back(map_replicates<errors>(
        static_cast<std::size_t>(o.replicates), eo, [&](std::size_t, random_engine& rng) {
          const auto rows = draw_rows(N, static_cast<Eigen::Index>(n), rng);
          Eigen::MatrixXd a(static_cast<Eigen::Index>(n), F), y(static_cast<Eigen::Index>(n), F);
          for (std::size_t r = 0; r < rows.size(); ++r) {
            a.row(static_cast<Eigen::Index>(r)) = activations.row(rows[r]);
            y.row(static_cast<Eigen::Index>(r)) = concepts.row(rows[r]);
          }
          // NaN (undefined) stays NaN; pairs undefined on the population are skipped below.
          return errors((own_concept_values(std::move(a), y, o) - res.population).cwiseAbs());
        }));
  }
  for (Eigen::Index k = 0; k < M; ++k)
    for (std::size_t g = 0; g < o.n_grid.size(); ++g) {
      subsample_point p;
      p.which = o.metrics[static_cast<std::size_t>(k)];
      p.n = o.n_grid[g];
      std::vector<double> d;
      for (const auto& e : per_n[g])
        for (Eigen::Index j = 0; j < F; ++j) {
          if (!res.population_defined(k, j)) continue;
          ++p.evaluations;
          if (std::isnan(e(k, j)))
            ++p.undefined_count;
          else
            d.push_back(e(k, j));
        }
      if (!d.empty()) p.abs_error_q95 = quantile_type7(d, o.quantile);
      res.points.push_back(p);
    }
  return res;
}

std::vector<tidy_row> to_tidy_rows(const subsample_study_result& r, const std::string& experiment,
                                   const std::string& setting) {
  std::vector<tidy_row> rows;
  for (std::size_t k = 0; k < r.metrics.size(); ++k) {
    const auto ki = static_cast<Eigen::Index>(k);
    const std::string m(to_string(r.metrics[k]));
    double sum = 0.0;
    std::int64_t defined = 0;
    for (Eigen::Index j = 0; j < r.population.cols(); ++j)
      if (r.population_defined(ki, j)) {
        sum += r.population(ki, j);
        ++defined;
      }
    rows.push_back({experiment, setting, m, r.population_size, "population_value",
                    defined > 0 ? std::optional<double>(sum / static_cast<double>(defined)) : std::nullopt});
    rows.push_back({experiment, setting, m, r.population_size, "population_undefined",
                    static_cast<double>(r.population.cols() - defined)});
    for (const auto& p : r.points) {
      if (p.which != r.metrics[k]) continue;
      rows.push_back({experiment, setting, m, p.n, "abs_error_q95", p.abs_error_q95});
      rows.push_back({experiment, setting, m, p.n, "undefined_count", static_cast<double>(p.undefined_count)});
      rows.push_back({experiment, setting, m, p.n, "evaluations", static_cast<double>(p.evaluations)});
    }
  }
  return rows;
}

}  // namespace neuroncert::sim
