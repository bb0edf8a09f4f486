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

#include "be_stability.hpp"
#include "commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "real_data.hpp"
#include "run_context.hpp"
#include "sieve_runner.hpp"
#include "simulate_runner.hpp"

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

/// One job: `produce` writes its tidy CSV (and JSON) into `data_dir` and returns the CSV path;
/// then every figure script of the job draws from that CSV.
struct figure_job {
  std::string name;
  std::function<fs::path(const figures_args& args, const fs::path& data_dir)> produce;
  std::vector<figure_spec> figures;
};

/// A job that runs `neuroncert simulate --experiment NAME` with the figures' seed and threads.
std::function<fs::path(const figures_args&, const fs::path&)> simulation(const std::string& experiment) {
  return [experiment](const figures_args& a, const fs::path& data_dir) {
    simulate_options o;
    o.experiment = experiment;
    o.out = data_dir;
    o.seed = a.seed;
    o.threads = a.threads;
    o.quiet = true;
    if (a.quick) {  // a smoke test: the grid's two ends only, few replicates
      o.replicates = 30;
      o.n_points = 2;
    }
    return run_simulate(o);
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
       [](const figures_args& a, const fs::path& data_dir) {
         return fs::path(run_be_stability_tables(data_dir.string(), a.data_dir.string(), a.seed, a.quick, a.threads));
       },
       {{"be_stability_bars.gp", "fig5_be_frequencies_resnet20", "resnet20"},
        {"be_stability_bars.gp", "fig5_be_frequencies_vit", "vit"},
        {"be_stability_table.gp", "table3_top1_frequency", "top1_frequency_mean"},
        {"be_stability_table.gp", "table4_coverage90_size", "coverage90_size_mean"}}},
      {"sieve", [](const figures_args& a, const fs::path& d) { return sieve_figure_data(a.data_dir, d, a.out, a.quick, a.threads); },
       {{"sieve_ar.gp", "sieve_ar", ""}}},
      {"real-data", [](const figures_args& a, const fs::path& d) { return run_real_data(a.data_dir, d, a.seed, a.quick, a.threads); },
       {{"real_h2.gp", "figH2_resnet20", "resnet20"}, {"real_h2.gp", "figH2_vit", "vit"}}},
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

void run_figures(const figures_args& a) {
  if (!fs::is_directory(a.plots_dir))
    throw data_error(fmt::format("--plots-dir: '{}' is not a directory of gnuplot scripts", a.plots_dir.string()));
  const fs::path data_dir = a.out / "data";
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) throw data_error(fmt::format("--out: cannot create '{}': {}", data_dir.string(), ec.message()));

  std::vector<figure_job> jobs;
  for (const auto& name : a.only) {
    bool known = false;
    for (const auto& j : figure_jobs()) known = known || j.name == name;
    if (!known) {
      std::string names;
      for (const auto& j : figure_jobs()) names += (names.empty() ? "" : ", ") + j.name;
      throw invalid_argument(fmt::format("--only: unknown job '{}' (known: {})", name, names));
    }
  }
  for (const auto& j : figure_jobs())
    if (a.only.empty() || std::find(a.only.begin(), a.only.end(), j.name) != a.only.end()) jobs.push_back(j);
  nlohmann::json index = {{"metadata", run_metadata({{"seed", a.seed}, {"quick", a.quick}})},
                          {"figures", nlohmann::json::array()}};
  const auto start = std::chrono::steady_clock::now();
  std::size_t made = 0;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const auto& job = jobs[k];
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "[{}/{}] {:<16} running ({:.0f} s elapsed)\n", k + 1, jobs.size(), job.name, elapsed);
    const fs::path csv = job.produce(a, data_dir);
    for (const auto& f : job.figures) {
      std::string vars = fmt::format("dir={}; csv={}; out={}", gnuplot_string((a.plots_dir / "").string()),
                                     gnuplot_string(csv.string()), gnuplot_string((a.out / f.name).string()));
      if (!f.setting.empty()) vars += "; setting=" + gnuplot_string(f.setting);
      run_gnuplot(a.plots_dir / f.script, vars);
      index["figures"].push_back({{"name", f.name},
                                  {"png", f.name + ".png"},
                                  {"svg", f.name + ".svg"},
                                  {"script", "plots/" + f.script},
                                  {"data", "data/" + csv.filename().string()},
                                  {"job", job.name}});
      ++made;
    }
  }
  io::write_json(a.out / "figures.json", index);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "[{}/{}] done in {:.0f} s\n", jobs.size(), jobs.size(), total);
  fmt::print("figures: {} figures (PNG + SVG) in {}\n", made, fs::absolute(a.out).string());
  fmt::print("  data (tidy CSV + JSON metadata) in {}\n", fs::absolute(data_dir).string());
  fmt::print("  index: {}\n", fs::absolute(a.out / "figures.json").string());
}

}  // namespace

void register_figures(CLI::App& app) {
  auto args = std::make_shared<figures_args>();
  auto* cmd = app.add_subcommand("figures", "Run every experiment at the paper's settings and draw every figure");
  cmd->add_option("--out", args->out, "Output directory (figures; data/ holds the CSV and JSON)")->capture_default_str();
  cmd->add_option("--plots-dir", args->plots_dir, "Directory of the gnuplot scripts")->capture_default_str();
  cmd->add_option("--data-dir", args->data_dir, "CIFAR data and model weights (real-data figures)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Master seed of every experiment")->capture_default_str();
  cmd->add_option("--only", args->only, "Run only these jobs (repeatable; e.g. --only real-data)");
  cmd->add_flag("--quick", args->quick, "Few replicates and grid points: a smoke test, not the paper's figures");
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores); results do not depend on it")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args] { run_figures(*args); });
}

}  // namespace neuroncert::cli
