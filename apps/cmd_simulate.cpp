// `neuroncert simulate --experiment NAME`: the paper's synthetic experiments (docs/theory.md sec. 6,
// studies/experiment_table.hpp). Each experiment writes OUT/NAME.csv (tidy rows) and OUT/NAME.json
// (command line, seed, version, every parameter, the quantity names).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct simulate_args {
  std::string experiment;
  std::filesystem::path out = "results";
  studies::experiment_settings settings;
  int threads = 0;  ///< 0 = all cores
  bool quiet = false;
};

void run_simulate(simulate_args a) {
  const auto& e = studies::find_experiment(a.experiment);
  check_threads("--threads", a.threads);
  check_output_directory("--out", a.out.string());
  const thread_limit limit(a.threads);
  a.settings.progress = draw_progress(!a.quiet && want_progress(false, false), "replicates", 36);
  const auto result = studies::run_experiment(e, a.settings);  // validates before any file is written

  create_output_directory("--out", a.out.string());
  io::output_transaction outputs;
  const auto csv = studies::write_experiment(e, a.settings, result, a.threads, a.out, outputs);
  commit_outputs(outputs);
  if (!a.quiet)
    fmt::print("{}: {} rows -> {} (+ {})\n", e.name, result.rows.size(), csv.string(),
               (a.out / (e.name + ".json")).string());
}

}  // namespace

void register_simulate(CLI::App& app) {
  auto a = std::make_shared<simulate_args>();
  CLI::App* sub = app.add_subcommand("simulate", "Run a synthetic experiment of the paper (docs/theory.md sec. 6)");
  std::string names;
  for (const auto& e : studies::experiment_table()) names += fmt::format("\n    {:<12} {}", e.name, e.description);
  auto& s = a->settings;
  add_options(*sub, {
      {"--experiment", &a->experiment, "Experiment to run:" + names, required},
      {"--out", &a->out, "Output directory for NAME.csv and NAME.json (default: results)"},
      {"--seed", &s.seed, "Master seed; replicate j of a study uses stream (seed, j, study)"},
      {"--replicates", &s.replicates, "Datasets per study N_exp (default: the experiment's, 1000)"},
      {"--n-min", &s.n_min, "Smallest probing-set size of the log grid"},
      {"--n-max", &s.n_max, "Largest probing-set size of the log grid"},
      {"--n-points", &s.n_points, "Number of grid points (log-spaced, rounded)"},
      {"--delta", &s.delta, "Failure probability of the bounds, in (0,1) (default 0.05)"},
      {"--threads", &a->threads, "Worker threads (0 = all cores); output does not depend on it"},
      {"--matrix", &s.matrix, "Custom setting m00,m01,m10,m11 (exp1, validate): cells >= 0 summing to 1"},
      {"--quiet", &a->quiet, "No progress bar and no summary line"},
  });
  sub->callback([a, sub] {
    studies::reject_unused_settings(studies::find_experiment(a->experiment), given_on(*sub));
    run_simulate(*a);
  });
}

}  // namespace neuroncert::cli
