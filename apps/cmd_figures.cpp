// neuroncert figures: the project's main job. Runs every experiment at the paper's settings and
// draws every figure with gnuplot (plots/, one script per figure, reading the tidy CSV), as PNG
// and SVG, plus an index figures.json listing what was made.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/be_stability.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "neuroncert/studies/real_data.hpp"
#include "neuroncert/studies/sieve_study.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"

extern char** environ;

namespace neuroncert::cli {
namespace {

namespace fs = std::filesystem;

struct figure_spec {
  std::string script;  ///< file in plots/
  std::string name;    ///< output stem in OUT/
  std::string setting; ///< passed as gnuplot variable `setting` (empty: none)
};

struct figures_args {
  fs::path out = "figures";
  fs::path plots_dir = fs::path(NEURONCERT_SOURCE_DIR) / "plots";
  fs::path data_dir = NEURONCERT_DATA_DIR;  ///< CIFAR data and weights (real-data figures)
  std::uint64_t seed = 20251218;
  bool quick = false;
  int threads = 0;
  std::vector<std::string> only;  ///< job names to run (empty: all)
};

/// One job: `produce` writes its tidy CSV (and JSON) into `data_dir`, staged in the transaction it
/// is given, and returns the CSV path; once committed, every figure script of the job draws from
/// that CSV. `needs_data`: the job reads the CIFAR files and weights of --data-dir.
struct figure_job {
  std::string name;
  std::function<fs::path(const figures_args& args, const fs::path& data_dir, io::output_transaction& outputs)> produce;
  std::vector<figure_spec> figures;
  bool needs_data = false;
};

using producer = std::function<fs::path(const figures_args&, const fs::path&, io::output_transaction&)>;

/// A job that runs a synthetic experiment (studies/experiment_table.hpp) with the figures' seed and
/// threads, as `neuroncert simulate --experiment NAME --quiet` would.
producer simulation(const std::string& experiment) {
  return [experiment](const figures_args& a, const fs::path& data_dir, io::output_transaction& outputs) {
    const auto& e = studies::find_experiment(experiment);
    studies::experiment_settings s;
    s.seed = a.seed;
    if (a.quick) {  // a smoke test: the grid's two ends only, few replicates
      s.replicates = 30;
      s.n_points = 2;
    }
    const thread_limit limit(a.threads);
    return studies::write_experiment(e, s, studies::run_experiment(e, s), a.threads, data_dir, outputs);
  };
}

const std::vector<figure_job>& figure_jobs() {
  static const std::vector<figure_job> jobs = {
      {"exp1", simulation("exp1"),
       {{"fig2_exp1.gp", "fig2a_exp1_setting1", "setting1"}, {"fig2_exp1.gp", "fig2b_exp1_setting2", "setting2"}}},
      {"auroc-rate", simulation("auroc-rate"), {{"fig3a_auroc_rate.gp", "fig3a_auroc_rate", ""}}},
      {"exp2", simulation("exp2"), {{"fig3b_exp2.gp", "fig3b_exp2", ""}}},
      {"validate", simulation("validate"),
       {{"validate.gp", "validate_setting1", "setting1"}, {"validate.gp", "validate_setting2", "setting2"}}},
      {"gaussian", simulation("gaussian"), {{"fig8a_gaussian.gp", "fig8a_gaussian", ""}}},
      {"be-coverage", simulation("be-coverage"), {{"be_coverage.gp", "be_coverage", ""}}},
      {"be-stability",
       [](const figures_args& a, const fs::path& data_dir, io::output_transaction& outputs) {
         return studies::be_stability_figure_data(data_dir, a.data_dir, a.seed, a.quick, a.threads, outputs);
       },
       {{"be_stability_bars.gp", "fig5_be_frequencies_resnet20", "resnet20"},
        {"be_stability_bars.gp", "fig5_be_frequencies_vit", "vit"},
        {"be_stability_table.gp", "table3_top1_frequency", "top1_frequency_mean"},
        {"be_stability_table.gp", "table4_coverage90_size", "coverage90_size_mean"}},
       true},
      {"sieve",
       [](const figures_args& a, const fs::path& d, io::output_transaction& outputs) {
         return studies::sieve_figure_data(a.data_dir, d, a.out, a.quick, a.threads, outputs);
       },
       {{"sieve_ar.gp", "sieve_ar", ""}},
       true},
      {"real-data",
       [](const figures_args& a, const fs::path& d, io::output_transaction& outputs) {
         return studies::real_data_figure_data(a.data_dir, d, a.seed, a.quick, a.threads, outputs);
       },
       {{"real_h2.gp", "figH2_resnet20", "resnet20"}, {"real_h2.gp", "figH2_vit", "vit"}},
       true},
      // @figure-jobs (add new figure jobs above this line)
  };
  return jobs;
}

/// A gnuplot string literal: single quotes, with ' doubled (gnuplot's escape inside '...').
std::string gnuplot_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// Runs gnuplot without a shell (paths with spaces or quotes are safe); throws on failure.
void run_gnuplot(const fs::path& script, const std::string& variables) {
  std::vector<std::string> argv_s = {"gnuplot", "-e", variables, script.string()};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv.data(), environ) != 0)
    throw data_error("gnuplot not found on PATH: install it (scripts/setup-deps installs gnuplot-nox)");
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw data_error(fmt::format("gnuplot failed on {} (variables: {})", script.string(), variables));
}

/// The jobs --only selects (all when empty), in table order; invalid_argument for an unknown name.
std::vector<figure_job> selected_jobs(const std::vector<std::string>& only) {
  for (const auto& name : only) {
    bool known = false;
    for (const auto& j : figure_jobs()) known = known || j.name == name;
    if (!known) {
      std::string names;
      for (const auto& j : figure_jobs()) names += (names.empty() ? "" : ", ") + j.name;
      throw invalid_argument(fmt::format("--only: unknown job '{}' (known: {})", name, names));
    }
  }
  std::vector<figure_job> jobs;
  for (const auto& j : figure_jobs())
    if (only.empty() || std::find(only.begin(), only.end(), j.name) != only.end()) jobs.push_back(j);
  return jobs;
}

/// Every option checked before the first job starts, so a bad one costs nothing and prints nothing else.
void check_figures_args(const figures_args& a, const std::vector<figure_job>& jobs) {
  check_threads("--threads", a.threads);
  check_output_directory("--out", a.out.string());
  if (!fs::is_directory(a.plots_dir))
    throw data_error(fmt::format("--plots-dir: '{}' is not a directory of gnuplot scripts", a.plots_dir.string()));
  for (const auto& job : jobs)
    for (const auto& f : job.figures)
      if (!fs::is_regular_file(a.plots_dir / f.script))
        throw data_error(fmt::format("--plots-dir: '{}' has no {}", a.plots_dir.string(), f.script));
  std::string needing;
  for (const auto& job : jobs)
    if (job.needs_data) needing += (needing.empty() ? "" : ", ") + job.name;
  if (!needing.empty() && !fs::is_directory(a.data_dir))
    throw data_error(fmt::format("--data-dir: '{}' is not a directory; the jobs {} need the CIFAR test sets and the "
                                 "model weights there (or leave them out with --only)",
                                 a.data_dir.string(), needing));
}

/// Draws one figure into OUT/NAME.partial.{png,svg} and stages both under their own names.
void draw(const figures_args& a, const figure_spec& f, const fs::path& csv, io::output_transaction& outputs) {
  const fs::path stem = a.out / (f.name + ".partial");
  std::string vars = fmt::format("dir={}; csv={}; out={}", gnuplot_string((a.plots_dir / "").string()),
                                 gnuplot_string(csv.string()), gnuplot_string(stem.string()));
  if (!f.setting.empty()) vars += "; setting=" + gnuplot_string(f.setting);
  // Staged before gnuplot runs, so whatever it left is removed if it fails.
  for (const char* ext : {".png", ".svg"}) outputs.stage(fs::path(stem) += ext, a.out / (f.name + ext));
  run_gnuplot(a.plots_dir / f.script, vars);
}

void run_figures(const figures_args& a) {
  const std::vector<figure_job> jobs = selected_jobs(a.only);
  check_figures_args(a, jobs);
  const fs::path data_dir = a.out / "data";
  create_output_directory("--out", data_dir.string());

  nlohmann::json index = {{"metadata", run_metadata({{"seed", a.seed}, {"quick", a.quick}})},
                          {"figures", nlohmann::json::array()},
                          {"jobs", nlohmann::json::array()}};
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::size_t made = 0, replaced = 0;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const auto& job = jobs[k];
    fmt::print(stderr, "[{}/{}] {:<16} running ({:.0f} s elapsed)\n", k + 1, jobs.size(), job.name, seconds());
    const double job_start = seconds();
    try {
      io::output_transaction data_files, figure_files;
      const fs::path csv = job.produce(a, data_dir, data_files);
      data_files.commit();
      for (const auto& f : job.figures) draw(a, f, csv, figure_files);
      figure_files.commit();
      replaced += data_files.replaced().size() + figure_files.replaced().size();
      for (const auto& f : job.figures) {
        index["figures"].push_back({{"name", f.name},
                                    {"png", f.name + ".png"},
                                    {"svg", f.name + ".svg"},
                                    {"script", "plots/" + f.script},
                                    {"data", "data/" + csv.filename().string()},
                                    {"job", job.name}});
        ++made;
      }
      index["jobs"].push_back({{"job", job.name}, {"status", "done"}, {"seconds", seconds() - job_start}});
    } catch (const std::exception& e) {
      // The failed job left nothing (its files were staged); the index says which job failed and why.
      index["jobs"].push_back({{"job", job.name}, {"status", "failed"}, {"error", e.what()}});
      for (std::size_t rest = k + 1; rest < jobs.size(); ++rest)
        index["jobs"].push_back({{"job", jobs[rest].name}, {"status", "not run"}});
      index["failed_job"] = job.name;
      try {  // best effort: on a full disk even the index may not fit, and the job's own error matters more
        io::write_json(a.out / "figures.json", index);
        fmt::print(stderr, "[{}/{}] {} failed; {} records which jobs finished\n", k + 1, jobs.size(), job.name,
                   (a.out / "figures.json").string());
      } catch (const std::exception&) {
      }
      throw;
    }
  }
  io::write_json(a.out / "figures.json", index);
  fmt::print(stderr, "[{}/{}] done in {:.0f} s\n", jobs.size(), jobs.size(), seconds());
  if (replaced > 0)  // one line, not forty file names: every output of the jobs run was rewritten
    fmt::print(stderr, "neuroncert: replaced {} file(s) of an earlier run in {}\n", replaced, a.out.string());
  fmt::print("figures: {} figures (PNG + SVG) in {}\n", made, fs::absolute(a.out).string());
  fmt::print("  data (tidy CSV + JSON metadata) in {}\n", fs::absolute(data_dir).string());
  fmt::print("  index: {}\n", fs::absolute(a.out / "figures.json").string());
}

}  // namespace

void register_figures(CLI::App& app) {
  auto args = std::make_shared<figures_args>();
  auto* cmd = app.add_subcommand("figures", std::string(model_command_description("figures")));
  cmd->add_option("--out", args->out, "Output directory (figures; data/ holds the CSV and JSON)")->capture_default_str();
  cmd->add_option("--plots-dir", args->plots_dir, "Directory of the gnuplot scripts")->capture_default_str();
  cmd->add_option("--data-dir", args->data_dir, "CIFAR data and model weights (real-data figures)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Master seed of every experiment")->capture_default_str();
  cmd->add_option("--only", args->only, "Run only these jobs (repeatable; e.g. --only real-data)");
  cmd->add_flag("--quick", args->quick, "Few replicates and grid points: a smoke test, not the paper's figures");
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores); results do not depend on it")
      ->capture_default_str();
  cmd->callback([args] { run_figures(*args); });
}

}  // namespace neuroncert::cli
