// neuroncert figures: the project's main job. Runs every experiment at the paper's settings and
// draws every figure with gnuplot (plots/, one script per figure, reading the tidy CSV), as PNG
// and SVG, plus an index figures.json listing what was made. The jobs and their run are
// studies/figures.hpp; this file parses the options, checks them and reports.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "data_dir_option.hpp"
#include "model_commands.hpp"
#include "neuroncert/studies/figures.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

namespace fs = std::filesystem;

struct figures_args {
  studies::figures_options options;
  std::vector<std::string> only;  ///< job names to run (empty: all)
  const CLI::App* cmd = nullptr;  ///< to tell whether --data-dir was given
};

void run_figures(const figures_args& a) {
  const auto& o = a.options;
  const auto jobs = studies::select_figure_jobs(a.only);
  // Every option checked before the first job starts, so a bad one costs nothing and prints nothing else.
  check_threads("--threads", o.threads);
  check_output_directory("--out", o.out.string());
  studies::check_figure_inputs(o, jobs, data_dir_origin(*a.cmd));
  create_output_directory("--out", (o.out / "data").string());
  const auto made = studies::run_figure_jobs(o, jobs, print_note());
  if (made.replaced > 0)  // one line, not forty file names: every output of the jobs run was rewritten
    fmt::print(stderr, "neuroncert: replaced {} file(s) of an earlier run in {}\n", made.replaced, o.out.string());
  fmt::print("figures: {} figures (PNG + SVG) in {}\n", made.figures, fs::absolute(o.out).string());
  fmt::print("  data (tidy CSV + JSON metadata) in {}\n", fs::absolute(made.data_dir).string());
  fmt::print("  index: {}\n", fs::absolute(made.index).string());
  fmt::print("  page: {}\n", fs::absolute(made.page).string());
}

}  // namespace

void register_figures(CLI::App& app) {
  auto args = std::make_shared<figures_args>();
  auto& o = args->options;
  o.plots_dir = fs::path(NEURONCERT_SOURCE_DIR) / "plots";
  o.data_dir = studies::data_directory().path;
  auto* cmd = app.add_subcommand("figures", std::string(model_command_description("figures")));
  add_options(*cmd, {
      {"--out", &o.out, "Output directory (figures; data/ holds the CSV and JSON)", show_default},
      {"--plots-dir", &o.plots_dir, "Directory of the gnuplot scripts", show_default},
      {"--data-dir", &o.data_dir, data_dir_help("CIFAR data and model weights (the model jobs)"), show_default},
      {"--seed", &o.seed, "Master seed of every experiment", show_default},
      {"--only", &args->only, "Run only these jobs (repeatable; e.g. --only real-data)"},
      {"--quick", &o.quick, "Few replicates and grid points: a smoke test, not the paper's figures"},
      {"--threads", &o.threads, "Worker threads (0 = all cores); results do not depend on it", show_default},
  });
  args->cmd = cmd;
  cmd->callback([args] { run_figures(*args); });
}

}  // namespace neuroncert::cli
