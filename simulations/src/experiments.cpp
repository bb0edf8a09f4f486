#include "neuroncert/sim/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "neuroncert/bounds/auroc_interval.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/sim/engine.hpp"

namespace neuroncert::sim {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

engine_options engine_for(const study_options& o, const std::string& study) {
  engine_options e;
  e.seed = o.seed;
  e.salt = study_salt(study);
  if (o.progress) e.progress = [p = o.progress, study](std::size_t done, std::size_t total) { p(study, done, total); };
  return e;
}

/// Type-7 quantile of the defined values; nullopt when there are none.
std::optional<double> quantile_defined(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return quantile_type7(v, quantile_level);
}

std::optional<double> ratio_of(std::optional<double> bound, std::optional<double> empirical) {
  if (!bound || !empirical || !(*empirical > 0.0)) return std::nullopt;
  return *bound / *empirical;
}

counts2x2 draw_dataset(random_engine& rng, std::int64_t n, const counts2x2& m, sampler_kind k) {
  return k == sampler_kind::per_sample ? draw_counts_per_sample(rng, n, m) : draw_counts(rng, n, m);
}

/// Radius of the CP interval around the estimate k/m: max(p_hat - lower, upper - p_hat).
double cp_radius(std::int64_t k, std::int64_t m, double delta) {
  const bounds::interval ci = bounds::clopper_pearson(k, m, delta);
  const double p = static_cast<double>(k) / static_cast<double>(m);
  return std::max(p - ci.lower, ci.upper - p);
}

/// The metric's rate basis on the population cells (shares of the conditioning events; orientation
/// from the study's options).
bounds::rate_basis population_basis(metric m, const counts2x2& w, const study_options& o) {
  return bounds::rate_basis_for(m, w, o.metric_opts.recall_precision);
}

std::string population_rate_name(const bounds::rate_basis& b) {
  if (!b.kind) return "";
  switch (*b.kind) {
    case bounds::rate_kind::hoeffding: return "hoeffding_rate";
    case bounds::rate_kind::effective_sample_size: return "ess_rate_at_population_m";
    case bounds::rate_kind::agarwal_auroc: return "agarwal_rate_at_population_rho";
  }
  return "";
}

/// Radius of the exact binary AUROC interval (auroc_interval.hpp) around the estimate from the counts,
/// +inf without a positive or a negative (not asked: the estimate is undefined there too).
double auroc_exact_radius(const counts2x2& c, double delta) {
  const std::int64_t tp = std::llround(c.f11), n1 = std::llround(c.f01 + c.f11);
  const std::int64_t tn = std::llround(c.f00), n0 = std::llround(c.f00 + c.f10);
  if (n1 < 1 || n0 < 1) return inf;
  const double hat = 0.5 * (static_cast<double>(tp) / static_cast<double>(n1) + static_cast<double>(tn) / static_cast<double>(n0));
  return bounds::interval_radius(bounds::auroc_binary_exact(tp, n1, tn, n0, delta), hat);
}

/// The same at the population counts of a probing set of size n: n1 = rho n, TP = TPR n1, TN = TNR n0,
/// each rounded to an integer.
double auroc_exact_at_population(const counts2x2& w, double n, double delta) {
  const double rho = w.f01 + w.f11;
  const double n1 = std::round(rho * n), n0 = n - n1;
  if (n1 < 1.0 || n0 < 1.0) return inf;
  const double tp = std::round(w.f11 / rho * n1), tn = std::round(w.f00 / (1.0 - rho) * n0);
  return auroc_exact_radius({tn, n1 - tp, n0 - tn, tp}, delta);
}

std::string fmt_double(double x) { return fmt::format("{}", x); }

// The population value of every metric in a binary setting; a setting where one is undefined
// cannot be studied, so it is rejected by name.
std::vector<metric_value> population_values(const binary_setting& s, const std::vector<metric>& metrics,
                                            const metric_options& options) {
  std::vector<metric_value> pop(metrics.size());
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    pop[k] = binary_metric(metrics[k], s.m, options);
    if (!pop[k].defined())
      throw invalid_argument(fmt::format("setting {}: the population {} is undefined ({})", s.name,
                                         to_string(metrics[k]), to_string(pop[k].reason)));
  }
  return pop;
}

}  // namespace

void check_study_options(const study_options& o) {
  check_at_least("replicates", o.replicates, 1);
  if (o.n_grid.empty()) throw invalid_argument("n grid must not be empty");
  for (std::int64_t n : o.n_grid) check_at_least("n", n, 1);
  check_open_unit("delta", o.delta);
  check_metric_options(o.metric_opts);
}

binary_setting setting1() { return {"setting1", {0.93, 0.02, 0.02, 0.03}}; }
binary_setting setting2() { return {"setting2", {0.9499, 0.0001, 0.0491, 0.0009}}; }

std::vector<metric> paper_metrics() {
  return {metric::accuracy, metric::auroc, metric::iou, metric::recall, metric::precision};
}

std::vector<std::int64_t> log_grid(std::int64_t n_min, std::int64_t n_max, std::int64_t points) {
  check_at_least("n_min", n_min, 1);
  check_at_least("n_max", n_max, n_min);
  check_at_least("grid points", points, 1);
  if (n_max > max_probing_set_size)
    throw invalid_argument(fmt::format("n_max must be at most {}, got {}", max_probing_set_size, n_max));
  if (points > max_grid_points)
    throw invalid_argument(fmt::format("grid points must be at most {}, got {}", max_grid_points, points));
  std::vector<std::int64_t> g;
  if (points == 1) return {n_min};
  const double lo = std::log10(static_cast<double>(n_min)), hi = std::log10(static_cast<double>(n_max));
  for (std::int64_t i = 0; i < points; ++i) {
    const double t = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1);
    std::int64_t n = std::llround(std::pow(10.0, t));
    n = std::clamp(n, n_min, n_max);
    if (g.empty() || g.back() != n) g.push_back(n);
  }
  return g;
}

double quantile_undefined_as_inf(std::vector<double> v, std::size_t undefined, double q) {
  check_closed_unit("quantile level", q);
  const std::size_t total = v.size() + undefined;
  if (total == 0) throw invalid_argument("quantile of an empty sample");
  std::sort(v.begin(), v.end());
  const double h = static_cast<double>(total - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, total - 1);
  const double frac = h - static_cast<double>(lo);
  if (lo >= v.size()) return inf;
  if (hi >= v.size()) return frac > 0.0 ? inf : v[lo];
  return v[lo] + frac * (v[hi] - v[lo]);
}

// ---- Experiment 1 --------------------------------------------------------------------------------

std::vector<tidy_row> run_exp1(const std::vector<binary_setting>& settings, const std::vector<metric>& metrics,
                               const study_options& o) {
  check_study_options(o);
  for (const auto& s : settings) check_cell_matrix(s.m, s.name);
  std::vector<tidy_row> rows;
  const std::size_t nm = metrics.size();
  const auto reps = static_cast<std::size_t>(o.replicates);
  for (const auto& s : settings) {
    const std::vector<metric_value> pop = population_values(s, metrics, o.metric_opts);
    for (std::int64_t n : o.n_grid) {
      const std::string study = fmt::format("exp1/{}/n={}", s.name, n);
      std::vector<metric_value> err(reps * nm);  // slot (j, k) = |sim_hat - sim| of replicate j, metric k
      run_replicates(reps, engine_for(o, study), [&](std::size_t j, random_engine& rng) {
        const counts2x2 c = draw_dataset(rng, n, s.m, o.sampler);
        for (std::size_t k = 0; k < nm; ++k) {
          const metric_value e = binary_metric(metrics[k], c, o.metric_opts);
          err[j * nm + k] = e.defined() ? metric_value::of(std::abs(e.value - pop[k].value)) : e;
        }
      });
      for (std::size_t k = 0; k < nm; ++k) {
        std::vector<double> d;
        d.reserve(reps);
        for (std::size_t j = 0; j < reps; ++j)
          if (err[j * nm + k].defined()) d.push_back(err[j * nm + k].value);
        const std::size_t undef = reps - d.size();
        const std::string mn(to_string(metrics[k]));
        auto row = [&](std::string q, std::optional<double> v) {
          rows.push_back({"exp1", s.name, mn, n, std::move(q), v});
        };
        row("population_value", pop[k].value);
        row("replicates", static_cast<double>(reps));
        row("undefined_count", static_cast<double>(undef));
        row("abs_error_q95", quantile_defined(d));
        row("abs_error_q95_undef_inf", quantile_undefined_as_inf(d, undef, quantile_level));
      }
    }
  }
  return rows;
}

// ---- AUROC rate (Fig. 3a) -----------------------------------------------------------------------

std::vector<tidy_row> run_auroc_rate(const std::vector<double>& rhos, const std::vector<std::int64_t>& n_grid,
                                     double delta) {
  check_open_unit("delta", delta);
  if (n_grid.empty()) throw invalid_argument("n grid must not be empty");
  std::vector<tidy_row> rows;
  for (double rho : rhos) {
    check_open_unit("rho", rho);
    for (std::int64_t n : n_grid) {
      check_at_least("n", n, 1);
      rows.push_back({"auroc-rate", "rho=" + fmt_double(rho), "auroc", n, "agarwal_rate",
                      bounds::auroc_rate(static_cast<double>(n), rho, delta)});
    }
  }
  return rows;
}

// ---- Experiment 2 --------------------------------------------------------------------------------

exp2_replicate exp2_draw(random_engine& rng, std::int64_t n, const concept_set_spec& spec,
                         const std::vector<metric>& metrics, const study_options& o) {
  exp2_replicate r;
  r.matrices = draw_concept_matrices(rng, spec);
  r.counts = o.sampler == sampler_kind::per_sample ? draw_concept_counts_per_sample(rng, n, spec.a, r.matrices)
                                                   : draw_concept_counts(rng, n, spec.a, r.matrices);
  const auto nc = static_cast<Eigen::Index>(r.matrices.size());
  const double dc = bounds::union_delta(o.delta, spec.num_concepts);
  const double nd = static_cast<double>(n);
  similarity_matrix est;
  est.value.resize(1, nc);
  est.reason.resize(1, nc);
  std::vector<double> pop(r.matrices.size());
  for (metric m : metrics) {
    est.which = m;
    std::int64_t best = 0;
    double sup = 0.0;
    for (Eigen::Index c = 0; c < nc; ++c) {
      const auto cu = static_cast<std::size_t>(c);
      const metric_value p = binary_metric(m, r.matrices[cu], o.metric_opts);
      pop[cu] = p.defined() ? p.value : -inf;  // population values are defined for every spec-valid matrix
      if (pop[cu] > pop[static_cast<std::size_t>(best)]) best = c;
      const metric_value e = binary_metric(m, r.counts[cu], o.metric_opts);
      est.value(0, c) = e.value;
      est.reason(0, c) = static_cast<std::uint8_t>(e.reason);
      if (e.defined()) sup = std::max(sup, std::abs(e.value - pop[cu]));
    }
    r.sup_error.push_back(sup);
    const identification id = identify_neuron(est, 0);
    r.best.push_back(best);
    r.chosen.push_back(id.found() ? id.concept_index : -1);
    if (id.found()) {
      const auto ch = static_cast<std::size_t>(id.concept_index);
      r.gap.push_back(pop[static_cast<std::size_t>(best)] - pop[ch]);
      const auto rc = bounds::population_rate(population_basis(m, r.matrices[ch], o), nd, dc);
      const auto rs = bounds::population_rate(population_basis(m, r.matrices[static_cast<std::size_t>(best)], o), nd, dc);
      r.per_concept_bound.push_back(rc && rs ? *rc + *rs : inf);
    } else {
      r.gap.push_back(0.0);
      r.per_concept_bound.push_back(inf);
    }
  }
  return r;
}

std::vector<tidy_row> run_exp2(const concept_set_spec& spec, const std::vector<metric>& metrics,
                               const study_options& o) {
  check_study_options(o);
  check_concept_set_spec(spec);
  const std::string setting = fmt::format("a={};C={}", spec.a, spec.num_concepts);
  const std::size_t nm = metrics.size();
  const auto reps = static_cast<std::size_t>(o.replicates);
  const double dc = bounds::union_delta(o.delta, spec.num_concepts);
  std::vector<tidy_row> rows;
  for (std::int64_t n : o.n_grid) {
    const std::string study = fmt::format("exp2/{}/n={}", setting, n);
    std::vector<double> gap(reps * nm), bound(reps * nm), sup(reps * nm);
    std::vector<std::uint8_t> found(reps * nm);
    run_replicates(reps, engine_for(o, study), [&](std::size_t j, random_engine& rng) {
      const exp2_replicate r = exp2_draw(rng, n, spec, metrics, o);
      for (std::size_t k = 0; k < nm; ++k) {
        found[j * nm + k] = r.chosen[k] >= 0;
        gap[j * nm + k] = r.gap[k];
        bound[j * nm + k] = r.per_concept_bound[k];
        sup[j * nm + k] = r.sup_error[k];
      }
    });
    const double nd = static_cast<double>(n);
    rows.push_back({"exp2", setting, "reference", n, "inv_sqrt_n", 1.0 / std::sqrt(nd)});
    rows.push_back({"exp2", setting, "reference", n, "bound_2r_hoeffding", 2.0 * bounds::hoeffding_rate(nd, dc)});
    rows.push_back({"exp2", setting, "reference", n, "rate_hoeffding_union", bounds::hoeffding_rate(nd, dc)});
    for (std::size_t k = 0; k < nm; ++k) {
      std::vector<double> g, b, u;
      for (std::size_t j = 0; j < reps; ++j)
        if (found[j * nm + k]) {
          g.push_back(gap[j * nm + k]);
          b.push_back(bound[j * nm + k]);
          u.push_back(sup[j * nm + k]);
        }
      const std::string mn(to_string(metrics[k]));
      auto row = [&](std::string q, std::optional<double> v) { rows.push_back({"exp2", setting, mn, n, std::move(q), v}); };
      row("replicates", static_cast<double>(reps));
      row("undefined_count", static_cast<double>(reps - g.size()));
      row("gap_q95", quantile_defined(g));
      std::optional<double> mean;
      if (!g.empty()) {
        double s = 0.0;
        for (double x : g) s += x;  // fixed slot order: deterministic
        mean = s / static_cast<double>(g.size());
      }
      row("gap_mean", mean);
      row("sup_abs_error_q95", quantile_defined(u));
      if (bounds::rate_kind_for(metrics[k])) {
        std::optional<double> med;
        if (!b.empty()) {
          std::vector<double> finite;
          for (double x : b)
            if (std::isfinite(x)) finite.push_back(x);
          med = quantile_undefined_as_inf(finite, b.size() - finite.size(), 0.5);
        }
        row("bound_rchat_plus_rcstar_median", med);
      }
    }
  }
  return rows;
}

// ---- Validation of bound tightness ---------------------------------------------------------------

std::vector<tidy_row> run_validate(const std::vector<binary_setting>& settings, const std::vector<metric>& metrics,
                                   const study_options& o) {
  check_study_options(o);
  for (const auto& s : settings) check_cell_matrix(s.m, s.name);
  const std::size_t nm = metrics.size();
  const auto reps = static_cast<std::size_t>(o.replicates);
  // The exact binary AUROC interval is for the tie-corrected AUROC (balanced accuracy).
  auto exact_auroc = [&](metric m) {
    return m == metric::auroc && o.metric_opts.auroc == auroc_convention::tie_corrected;
  };
  std::vector<tidy_row> rows;
  for (const auto& s : settings) {
    const std::vector<metric_value> pop = population_values(s, metrics, o.metric_opts);
    for (std::int64_t n : o.n_grid) {
      const std::string study = fmt::format("validate/{}/n={}", s.name, n);
      const double nd = static_cast<double>(n);
      std::vector<metric_value> err(reps * nm);
      std::vector<double> cp(reps * nm, inf);  // CP radius from the sample counts (count metrics)
      std::vector<double> ax(reps * nm, inf);  // exact AUROC radius from the sample counts (AUROC)
      run_replicates(reps, engine_for(o, study), [&](std::size_t j, random_engine& rng) {
        const counts2x2 c = draw_dataset(rng, n, s.m, o.sampler);
        for (std::size_t k = 0; k < nm; ++k) {
          const metric_value e = binary_metric(metrics[k], c, o.metric_opts);
          err[j * nm + k] = e.defined() ? metric_value::of(std::abs(e.value - pop[k].value)) : e;
          if (!e.defined()) continue;
          if (exact_auroc(metrics[k])) ax[j * nm + k] = auroc_exact_radius(c, o.delta);
          const bounds::rate_basis b = bounds::rate_basis_for(metrics[k], c, o.metric_opts.recall_precision);
          if (!b.successes) continue;
          const auto trials = std::llround(b.trials);
          if (trials >= 1) cp[j * nm + k] = cp_radius(std::llround(*b.successes), trials, o.delta);
        }
      });
      for (std::size_t k = 0; k < nm; ++k) {
        const metric m = metrics[k];
        std::vector<double> d, cpd, axd;
        for (std::size_t j = 0; j < reps; ++j)
          if (err[j * nm + k].defined()) {
            d.push_back(err[j * nm + k].value);
            cpd.push_back(cp[j * nm + k]);
            axd.push_back(ax[j * nm + k]);
          }
        const std::optional<double> emp = quantile_defined(d);
        const std::string mn(to_string(m));
        auto row = [&](std::string q, std::optional<double> v) {
          rows.push_back({"validate", s.name, mn, n, std::move(q), v});
        };
        auto coverage = [&](auto bound_of) -> std::optional<double> {
          if (d.empty()) return std::nullopt;
          std::size_t in = 0;
          for (std::size_t i = 0; i < d.size(); ++i) in += d[i] <= bound_of(i) ? 1 : 0;
          return static_cast<double>(in) / static_cast<double>(d.size());
        };
        row("population_value", pop[k].value);
        row("replicates", static_cast<double>(reps));
        row("undefined_count", static_cast<double>(reps - d.size()));
        row("empirical_q95", emp);
        const bounds::rate_basis pb = population_basis(m, s.m, o);
        if (const auto r = bounds::population_rate(pb, nd, o.delta)) {
          const std::string name = population_rate_name(pb);
          row(name, *r);
          row("ratio_" + name + "_to_empirical", ratio_of(*r, emp));
          row("coverage_" + name, coverage([&](std::size_t) { return *r; }));
        }
        if (pb.successes) {
          const std::optional<double> cpq = cpd.empty() ? std::nullopt : std::optional<double>(quantile_type7(cpd, quantile_level));
          row("cp_radius_q95", cpq);
          row("ratio_cp_radius_q95_to_empirical", ratio_of(cpq, emp));
          row("coverage_cp_radius", coverage([&](std::size_t i) { return cpd[i]; }));
          const auto trials = static_cast<std::int64_t>(std::llround(pb.trials * nd));
          std::optional<double> cpp;
          if (trials >= 1) {
            const auto succ = static_cast<std::int64_t>(std::llround(pop[k].value * static_cast<double>(trials)));
            cpp = cp_radius(std::clamp<std::int64_t>(succ, 0, trials), trials, o.delta);
          } else {
            cpp = inf;
          }
          row("cp_rate_at_population_m", cpp);
          row("ratio_cp_rate_at_population_m_to_empirical", ratio_of(cpp, emp));
        }
        if (exact_auroc(m)) {
          const std::optional<double> axq = axd.empty() ? std::nullopt : std::optional<double>(quantile_type7(axd, quantile_level));
          row("auroc_exact_radius_q95", axq);
          row("ratio_auroc_exact_radius_q95_to_empirical", ratio_of(axq, emp));
          row("coverage_auroc_exact_radius", coverage([&](std::size_t i) { return axd[i]; }));
          const double axp = auroc_exact_at_population(s.m, nd, o.delta);
          row("auroc_exact_at_population", axp);
          row("ratio_auroc_exact_at_population_to_empirical", ratio_of(axp, emp));
        }
      }
    }
  }
  return rows;
}

}  // namespace neuroncert::sim
