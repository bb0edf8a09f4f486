#include "neuroncert/studies/experiment_table.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/range_checks.hpp"
#include "neuroncert/sim/be_coverage_sim.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/gaussian.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {
namespace {

const std::vector<std::string> sampled = {"--seed", "--replicates", "--n-min", "--n-max", "--n-points"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// invalid_argument unless lo <= value <= hi (the option's message of every command).
void check_range(std::string_view option, std::int64_t value, std::int64_t lo, std::int64_t hi, std::string_view why) {
  if (value < lo || value > hi)
    throw invalid_argument(fmt::format("{} must lie between {} and {} ({}), got {}", option, lo, hi, why, value));
}

// ---- shared helpers for experiment functions -------------------------------------------------

/// The n grid: the experiment's defaults, overridden by --n-min/--n-max/--n-points.
std::vector<std::int64_t> grid_of(const experiment_settings& o, std::int64_t n_min, std::int64_t n_max,
                                  std::int64_t points, nlohmann::json& params) {
  const std::int64_t lo = o.n_min.value_or(n_min), hi = o.n_max.value_or(n_max), k = o.n_points.value_or(points);
  check_range("--n-min", lo, 1, sim::max_probing_set_size, "probing-set sizes");
  check_range("--n-max", hi, lo, sim::max_probing_set_size, "at least --n-min; probing-set sizes");
  check_range("--n-points", k, 1, sim::max_grid_points, "grid points");
  std::vector<std::int64_t> grid = sim::log_grid(lo, hi, k);
  params["n_min"] = lo;
  params["n_max"] = hi;
  params["n_points"] = k;
  params["n_grid"] = grid;
  return grid;
}

std::int64_t replicates_of(const experiment_settings& o, std::int64_t fallback, nlohmann::json& params) {
  const std::int64_t r = o.replicates.value_or(fallback);
  check_range("--replicates", r, 1, sim::max_replicates, "datasets per study");
  params["replicates"] = r;
  return r;
}

sim::study_progress progress_of(const experiment_settings& o) {
  if (!o.progress) return {};
  return [progress = o.progress](const std::string& study, std::size_t done, std::size_t total) {
    progress(study, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
  };
}

/// Settings 1 and 2, or the single custom setting of --matrix.
std::vector<sim::binary_setting> binary_settings_of(const experiment_settings& o, nlohmann::json& params) {
  std::vector<sim::binary_setting> settings;
  if (o.matrix)
    settings.push_back({"custom", sim::parse_cell_matrix(*o.matrix, "--matrix")});
  else
    settings = {sim::setting1(), sim::setting2()};
  for (const auto& s : settings) params["settings"][s.name] = {s.m.f00, s.m.f01, s.m.f10, s.m.f11};
  params["settings_layout"] = "[W00, W01, W10, W11] (rows neuron f=0/1, columns concept c=0/1)";
  return settings;
}

sim::study_options study_of(const experiment_settings& o, std::int64_t replicates, std::vector<std::int64_t> grid,
                            nlohmann::json& params) {
  check_open_unit("--delta", o.delta);
  sim::study_options s;
  s.seed = o.seed;
  s.replicates = replicates;
  s.n_grid = std::move(grid);
  s.delta = o.delta;
  s.progress = progress_of(o);
  params["delta"] = o.delta;
  params["quantile_level"] = sim::quantile_level;
  params["quantile_type"] = "Hyndman-Fan type 7 over defined replicates (undefined ones counted separately)";
  params["auroc_convention"] = "tie_corrected";
  params["orientation"] = "paper (neuron predicts concept)";
  return s;
}

std::vector<std::string> metric_names_of(const std::vector<metric>& ms) {
  std::vector<std::string> out;
  for (metric m : ms) out.emplace_back(to_string(m));
  return out;
}

// ---- the experiments -------------------------------------------------------------------------

std::vector<sim::tidy_row> run_exp1(const experiment_settings& o, nlohmann::json& params) {
  auto settings = binary_settings_of(o, params);
  const auto metrics = sim::paper_metrics();
  params["metrics"] = metric_names_of(metrics);
  const std::int64_t r = replicates_of(o, 1000, params);
  auto grid = grid_of(o, 100, 100000, 13, params);
  return sim::run_exp1(settings, metrics, study_of(o, r, std::move(grid), params));
}

std::vector<sim::tidy_row> run_auroc_rate(const experiment_settings& o, nlohmann::json& params) {
  check_open_unit("--delta", o.delta);
  const std::vector<double> rhos = {0.5, 0.1, 0.01, 0.001};
  params["rhos"] = rhos;
  params["delta"] = o.delta;
  auto grid = grid_of(o, 100, 100000, 31, params);
  return sim::run_auroc_rate(rhos, grid, o.delta);
}

std::vector<sim::tidy_row> run_exp2(const experiment_settings& o, nlohmann::json& params) {
  const sim::concept_set_spec spec;  // a = 0.05, |C| = 1000, rho_c log-uniform on (1e-4, 1e-1)
  params["a"] = spec.a;
  params["num_concepts"] = spec.num_concepts;
  params["rho_min"] = spec.rho_min;
  params["rho_max"] = spec.rho_max;
  params["concept_set"] = "redrawn for every dataset";
  const auto metrics = sim::paper_metrics();
  params["metrics"] = metric_names_of(metrics);
  const std::int64_t r = replicates_of(o, 1000, params);
  auto grid = grid_of(o, 100, 100000, 13, params);
  return sim::run_exp2(spec, metrics, study_of(o, r, std::move(grid), params));
}

std::vector<sim::tidy_row> run_validate(const experiment_settings& o, nlohmann::json& params) {
  auto settings = binary_settings_of(o, params);
  const auto metrics = sim::paper_metrics();
  params["metrics"] = metric_names_of(metrics);
  const std::int64_t r = replicates_of(o, 1000, params);
  auto grid = grid_of(o, 100, 100000, 7, params);
  return sim::run_validate(settings, metrics, study_of(o, r, std::move(grid), params));
}

std::vector<sim::tidy_row> run_gaussian(const experiment_settings& o, nlohmann::json& params) {
  sim::gaussian_options g;
  g.seed = o.seed;
  g.replicates = replicates_of(o, 1000, params);
  g.n_grid = grid_of(o, 1000, 100000, 11, params);
  g.progress = progress_of(o);
  const nlohmann::json meta = sim::gaussian_metadata(g);
  for (const auto& [key, value] : meta.items()) params[key] = value;
  return sim::run_gaussian(g);
}

std::vector<sim::tidy_row> run_be_coverage(const experiment_settings& o, nlohmann::json& params) {
  sim::be_coverage_options b;  // |C| in {10, 100}, Delta in {0.005, ..., 0.1}, K in {10, 20, 50, 100}
  b.seed = o.seed;
  b.replicates = replicates_of(o, 200, params);
  b.n_grid = grid_of(o, 1000, 10000, 2, params);  // 10,000: a CIFAR test set
  b.progress = progress_of(o);
  const nlohmann::json meta = sim::be_coverage_metadata(b);
  for (const auto& [key, value] : meta.items()) params[key] = value;
  return sim::run_be_coverage(b);
}

}  // namespace

const std::vector<std::string>& experiment_setting_options() {
  static const std::vector<std::string> options = {"--seed",     "--replicates", "--n-min", "--n-max",
                                                   "--n-points", "--delta",      "--matrix"};
  return options;
}

const std::vector<experiment>& experiment_table() {
  static const std::vector<experiment> table = {
      {"exp1", "Experiment 1 (docs/theory.md sec. 6.1): 0.95-quantile of |sim_hat - sim| vs n, Settings 1 and 2",
       run_exp1, plus(sampled, {"--delta", "--matrix"})},
      {"auroc-rate", "Fig. 3a: the AUROC rate r(n, delta) vs n for rho = 0.5, 0.1, 0.01, 0.001", run_auroc_rate,
       {"--n-min", "--n-max", "--n-points", "--delta"}},
      {"exp2",
       "Experiment 2 (docs/theory.md sec. 6.2): 0.95-quantile of the identification gap over |C| = 1000 concepts",
       run_exp2, plus(sampled, {"--delta"})},
      {"validate",
       "Bound tightness (docs/theory.md sec. 6.4): empirical error quantile vs Hoeffding/ESS/Agarwal and "
       "Clopper-Pearson",
       run_validate, plus(sampled, {"--delta", "--matrix"})},
      {"gaussian",
       "Continuous Gaussian (docs/theory.md sec. 6.3, Fig. 8a): 0.95-quantile of the error of AUROC, AUPRC, "
       "correlation, WPMI (absolute) and MAD (relative) vs n; exact population values",
       run_gaussian, sampled},
      {"be-coverage",
       "BE coverage (docs/theory.md sec. 5.3, 6.4): how often Algorithm 1's set contains the best concept, bootstrap "
       "vs fresh probing sets, beside the corrected Theorem 4.1 bound; n from --n-min/--n-max/--n-points",
       run_be_coverage, sampled},
      // @experiments (add new experiments above this line)
  };
  return table;
}

const experiment& find_experiment(const std::string& name) {
  for (const auto& e : experiment_table())
    if (e.name == name) return e;
  std::string names;
  for (const auto& e : experiment_table()) names += (names.empty() ? "" : ", ") + e.name;
  throw invalid_argument(fmt::format("--experiment: unknown experiment '{}' (known: {})", name, names));
}

experiment_result run_experiment(const experiment& e, const experiment_settings& s) {
  experiment_result r;
  r.parameters["seed"] = s.seed;
  r.rows = e.run(s, r.parameters);
  return r;
}

std::filesystem::path write_experiment(const experiment& e, const experiment_settings& s, const experiment_result& r,
                                       int threads, const std::filesystem::path& dir, io::output_transaction& outputs) {
  const auto csv_path = dir / (e.name + ".csv");
  sim::write_tidy_csv(csv_path, r.rows, &outputs);
  std::vector<std::string> quantities;
  for (const auto& row : r.rows)
    if (std::find(quantities.begin(), quantities.end(), row.quantity) == quantities.end())
      quantities.push_back(row.quantity);
  nlohmann::json meta = run_metadata({{"seed", s.seed}});
  meta["experiment"] = e.name;
  meta["description"] = e.description;
  meta["parameters"] = r.parameters;
  meta["threads"] = threads;
  meta["csv"] = csv_path.filename().string();
  meta["csv_columns"] = sim::tidy_header();
  meta["quantities"] = quantities;
  meta["rows"] = r.rows.size();
  io::write_json(dir / (e.name + ".json"), meta, &outputs);
  return csv_path;
}

void reject_unused_settings(const experiment& e, const std::function<bool(std::string_view option)>& given) {
  for (const auto& option : experiment_setting_options())
    if (std::find(e.uses.begin(), e.uses.end(), option) == e.uses.end())
      reject_unused_option(option, given(option),
                           fmt::format("by experiment '{}' (it reads {})", e.name, fmt::join(e.uses, ", ")));
}

}  // namespace neuroncert::studies
