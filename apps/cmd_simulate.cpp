// `neuroncert simulate --experiment NAME`: the paper's synthetic experiments (THEORY.md sec. 6).
// Each experiment writes OUT/NAME.csv (tidy rows, simulations/include/neuroncert/sim/tidy.hpp)
// and OUT/NAME.json (command line, seed, version, every parameter, the quantity names).
//
// Experiments live in one table (experiment_table() below): a name, a one-line description and
// a function that runs it with the common options and returns its tidy rows, filling `params`
// with every parameter it used. Add an experiment at the `// @experiments` marker.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/progress_bar.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/sim/be_coverage_sim.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/gaussian.hpp"
#include "neuroncert/sim/tidy.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"
#include "simulate_runner.hpp"

namespace neuroncert::cli {
namespace {


/// An experiment of the table: `run` returns the tidy rows and records its parameters in `params`;
/// `uses` lists the optional settings it reads, so a given option it ignores is refused by name.
struct experiment_entry {
  std::string name;
  std::string description;
  std::function<std::vector<sim::tidy_row>(const simulate_options&, nlohmann::json& params)> run;
  std::vector<std::string> uses;
};

/// The optional settings of `simulate`; --out, --threads and --quiet apply to every experiment.
const std::vector<std::string> experiment_settings = {"--seed",     "--replicates", "--n-min", "--n-max",
                                                      "--n-points", "--delta",      "--matrix"};
const std::vector<std::string> sampled = {"--seed", "--replicates", "--n-min", "--n-max", "--n-points"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---- shared helpers for experiment functions -------------------------------------------------

/// The n grid: the experiment's defaults, overridden by --n-min/--n-max/--n-points.
std::vector<std::int64_t> grid_of(const simulate_options& o, std::int64_t n_min, std::int64_t n_max,
                                  std::int64_t points, nlohmann::json& params) {
  const std::int64_t lo = o.n_min.value_or(n_min), hi = o.n_max.value_or(n_max), k = o.n_points.value_or(points);
  check_count("--n-min", lo, 1, sim::max_probing_set_size, "probing-set sizes");
  check_count("--n-max", hi, lo, sim::max_probing_set_size, "at least --n-min; probing-set sizes");
  check_count("--n-points", k, 1, sim::max_grid_points, "grid points");
  std::vector<std::int64_t> grid = sim::log_grid(lo, hi, k);
  params["n_min"] = lo;
  params["n_max"] = hi;
  params["n_points"] = k;
  params["n_grid"] = grid;
  return grid;
}

std::int64_t replicates_of(const simulate_options& o, std::int64_t fallback, nlohmann::json& params) {
  const std::int64_t r = o.replicates.value_or(fallback);
  check_count("--replicates", r, 1, sim::max_replicates, "datasets per study");
  params["replicates"] = r;
  return r;
}

/// A progress bar on stderr when it is a terminal (and not --quiet); silent otherwise.
sim::study_progress progress_of(const simulate_options& o) {
  if (o.quiet || !::isatty(::fileno(stderr))) return {};
  auto bar = std::make_shared<progress_bar>("", "replicates");
  return [bar](const std::string& study, std::size_t done, std::size_t total) {
    bar->set_label(fmt::format("{:<36}", study));
    bar->update(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
  };
}

/// Settings 1 and 2, or the single custom setting of --matrix.
std::vector<sim::binary_setting> binary_settings_of(const simulate_options& o, nlohmann::json& params) {
  std::vector<sim::binary_setting> settings;
  if (o.matrix)
    settings.push_back({"custom", sim::parse_cell_matrix(*o.matrix, "--matrix")});
  else
    settings = {sim::setting1(), sim::setting2()};
  for (const auto& s : settings)
    params["settings"][s.name] = {s.m.f00, s.m.f01, s.m.f10, s.m.f11};
  params["settings_layout"] = "[W00, W01, W10, W11] (rows neuron f=0/1, columns concept c=0/1)";
  return settings;
}

sim::study_options study_of(const simulate_options& o, std::int64_t replicates, std::vector<std::int64_t> grid,
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

std::vector<sim::tidy_row> run_exp1(const simulate_options& o, nlohmann::json& params) {
  auto settings = binary_settings_of(o, params);
  const auto metrics = sim::paper_metrics();
  params["metrics"] = metric_names_of(metrics);
  const std::int64_t r = replicates_of(o, 1000, params);
  auto grid = grid_of(o, 100, 100000, 13, params);
  return sim::run_exp1(settings, metrics, study_of(o, r, std::move(grid), params));
}

std::vector<sim::tidy_row> run_auroc_rate(const simulate_options& o, nlohmann::json& params) {
  check_open_unit("--delta", o.delta);
  const std::vector<double> rhos = {0.5, 0.1, 0.01, 0.001};
  params["rhos"] = rhos;
  params["delta"] = o.delta;
  auto grid = grid_of(o, 100, 100000, 31, params);
  return sim::run_auroc_rate(rhos, grid, o.delta);
}

std::vector<sim::tidy_row> run_exp2(const simulate_options& o, nlohmann::json& params) {
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

std::vector<sim::tidy_row> run_validate(const simulate_options& o, nlohmann::json& params) {
  auto settings = binary_settings_of(o, params);
  const auto metrics = sim::paper_metrics();
  params["metrics"] = metric_names_of(metrics);
  const std::int64_t r = replicates_of(o, 1000, params);
  auto grid = grid_of(o, 100, 100000, 7, params);
  return sim::run_validate(settings, metrics, study_of(o, r, std::move(grid), params));
}

const std::vector<experiment_entry>& experiment_table() {
  static const std::vector<experiment_entry> table = {
      {"exp1", "Experiment 1 (THEORY 6.1): 0.95-quantile of |sim_hat - sim| vs n, Settings 1 and 2", run_exp1,
       plus(sampled, {"--delta", "--matrix"})},
      {"auroc-rate", "Fig. 3a: the AUROC rate r(n, delta) vs n for rho = 0.5, 0.1, 0.01, 0.001", run_auroc_rate,
       {"--n-min", "--n-max", "--n-points", "--delta"}},
      {"exp2", "Experiment 2 (THEORY 6.2): 0.95-quantile of the identification gap over |C| = 1000 concepts",
       run_exp2, plus(sampled, {"--delta"})},
      {"validate", "Bound tightness (THEORY 6.4): empirical error quantile vs Hoeffding/ESS/Agarwal and Clopper-Pearson",
       run_validate, plus(sampled, {"--delta", "--matrix"})},
      {"gaussian",
       "Continuous Gaussian (THEORY 6.3, Fig. 8a): 0.95-quantile of the error of AUROC, AUPRC, correlation, WPMI "
       "(absolute) and MAD (relative) vs n; exact population values",
       [](const simulate_options& o, nlohmann::json& params) {
                sim::gaussian_options g;
         g.seed = o.seed;
         g.replicates = replicates_of(o, 1000, params);
         g.n_grid = grid_of(o, 1000, 100000, 11, params);
         g.progress = progress_of(o);
         const nlohmann::json meta = sim::gaussian_metadata(g);
         for (const auto& [key, value] : meta.items()) params[key] = value;
         return sim::run_gaussian(g);
       },
       sampled},
      {"be-coverage",
       "BE coverage (THEORY 5, 6.4): how often Algorithm 1's set contains the best concept, bootstrap vs fresh "
       "probing sets, beside the corrected Theorem 4.1 bound; n from --n-min/--n-max/--n-points",
       [](const simulate_options& o, nlohmann::json& params) {
                sim::be_coverage_options b;  // |C| in {10, 100}, Delta in {0.005, ..., 0.1}, K in {10, 20, 50, 100}
         b.seed = o.seed;
         b.replicates = replicates_of(o, 200, params);
         b.n_grid = grid_of(o, 1000, 10000, 2, params);  // 10,000: a CIFAR test set
         b.progress = progress_of(o);
         const nlohmann::json meta = sim::be_coverage_metadata(b);
         for (const auto& [key, value] : meta.items()) params[key] = value;
         return sim::run_be_coverage(b);
       },
       sampled},
      // @experiments (add new experiments above this line)
  };
  return table;
}

const experiment_entry& find_experiment(const std::string& name) {
  for (const auto& e : experiment_table())
    if (e.name == name) return e;
  std::string names;
  for (const auto& e : experiment_table()) names += (names.empty() ? "" : ", ") + e.name;
  throw invalid_argument(fmt::format("--experiment: unknown experiment '{}' (known: {})", name, names));
}

/// A setting given on the command line that the experiment does not read is an error, not a no-op.
void reject_unused_settings(const CLI::App& cmd, const experiment_entry& e) {
  for (const auto& option : experiment_settings)
    if (std::find(e.uses.begin(), e.uses.end(), option) == e.uses.end())
      reject_if_given(cmd, option, fmt::format("by experiment '{}' (it reads {})", e.name, fmt::join(e.uses, ", ")));
}


}  // namespace

std::filesystem::path run_simulate(const simulate_options& o) {
  const experiment_entry* entry = &find_experiment(o.experiment);
  check_threads("--threads", o.threads);
  check_output_directory("--out", o.out.string());
  const thread_limit limit(o.threads);

  nlohmann::json params = nlohmann::json::object();
  params["seed"] = o.seed;
  const std::vector<sim::tidy_row> rows = entry->run(o, params);  // validates before any file is written

  create_output_directory("--out", o.out.string());
  const auto csv_path = o.out / (o.experiment + ".csv");
  const auto json_path = o.out / (o.experiment + ".json");
  io::output_transaction own;
  io::output_transaction& outputs = o.outputs ? *o.outputs : own;
  sim::write_tidy_csv(csv_path, rows, &outputs);

  std::vector<std::string> quantities;
  for (const auto& r : rows)
    if (std::find(quantities.begin(), quantities.end(), r.quantity) == quantities.end()) quantities.push_back(r.quantity);
  nlohmann::json meta = run_metadata({{"seed", o.seed}});
  meta["experiment"] = o.experiment;
  meta["description"] = entry->description;
  meta["parameters"] = params;
  meta["threads"] = o.threads;
  meta["csv"] = csv_path.filename().string();
  meta["csv_columns"] = sim::tidy_header();
  meta["quantities"] = quantities;
  meta["rows"] = rows.size();
  io::write_json(json_path, meta, &outputs);
  if (!o.outputs) commit_outputs(outputs);
  if (!o.quiet) fmt::print("{}: {} rows -> {} (+ {})\n", o.experiment, rows.size(), csv_path.string(), json_path.string());
  return csv_path;
}


void register_simulate(CLI::App& app) {
  auto opts = std::make_shared<simulate_options>();
  CLI::App* sub = app.add_subcommand("simulate", "Run a synthetic experiment of the paper (THEORY.md sec. 6)");
  std::string names;
  for (const auto& e : experiment_table()) names += fmt::format("\n    {:<12} {}", e.name, e.description);
  sub->add_option("--experiment", opts->experiment, "Experiment to run:" + names)->required();
  sub->add_option("--out", opts->out, "Output directory for NAME.csv and NAME.json (default: results)");
  sub->add_option("--seed", opts->seed, "Master seed; replicate j of a study uses stream (seed, j, study)");
  sub->add_option("--replicates", opts->replicates, "Datasets per study N_exp (default: the experiment's, 1000)");
  sub->add_option("--n-min", opts->n_min, "Smallest probing-set size of the log grid");
  sub->add_option("--n-max", opts->n_max, "Largest probing-set size of the log grid");
  sub->add_option("--n-points", opts->n_points, "Number of grid points (log-spaced, rounded)");
  sub->add_option("--delta", opts->delta, "Failure probability of the bounds, in (0,1) (default 0.05)");
  sub->add_option("--threads", opts->threads, "Worker threads (0 = all cores); output does not depend on it");
  sub->add_option("--matrix", opts->matrix, "Custom setting m00,m01,m10,m11 (exp1, validate): cells >= 0 summing to 1");
  sub->add_flag("--quiet", opts->quiet, "No progress bar and no summary line");
  sub->callback([opts, sub] {
    reject_unused_settings(*sub, find_experiment(opts->experiment));
    run_simulate(*opts);
  });
}

}  // namespace neuroncert::cli
