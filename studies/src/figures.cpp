// The figure jobs and their run (figures.hpp).
#include "neuroncert/studies/figures.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/be_stability.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "neuroncert/studies/gnuplot.hpp"
#include "neuroncert/studies/provenance.hpp"
#include "neuroncert/studies/real_data.hpp"
#include "neuroncert/studies/sieve_study.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

namespace {

/// A job that runs a synthetic experiment (experiment_table.hpp) with the figures' seed and
/// threads, as `neuroncert simulate --experiment NAME --quiet` would.
figure_producer simulation(const std::string& experiment) {
  return [experiment](const figures_options& o, const fs::path& data_out, io::output_transaction& outputs) {
    const auto& e = find_experiment(experiment);
    experiment_settings s;
    s.seed = o.seed;
    if (o.quick) {  // a smoke test: the grid's two ends only, few replicates
      s.replicates = 30;
      s.n_points = 2;
    }
    const thread_limit limit(o.threads);
    return write_experiment(e, s, run_experiment(e, s), o.threads, data_out, outputs);
  };
}

fs::path be_stability_job(const figures_options& o, const fs::path& d, io::output_transaction& outputs) {
  return be_stability_figure_data(d, o.data_dir, o.seed, o.quick, o.threads, outputs);
}

fs::path sieve_job(const figures_options& o, const fs::path& d, io::output_transaction& outputs) {
  return sieve_figure_data(o.data_dir, d, o.out, o.quick, o.threads, outputs);
}

fs::path real_data_job(const figures_options& o, const fs::path& d, io::output_transaction& outputs) {
  return real_data_figure_data(o.data_dir, d, o.seed, o.quick, o.threads, outputs);
}

/// Draws one figure into OUT/NAME.partial.{png,svg} and stages both under their own names.
void draw(const figures_options& o, const figure_spec& f, const fs::path& csv, io::output_transaction& outputs) {
  const fs::path stem = o.out / (f.name + ".partial");
  std::string vars = fmt::format("dir={}; csv={}; out={}", gnuplot_string((o.plots_dir / "").string()),
                                 gnuplot_string(csv.string()), gnuplot_string(stem.string()));
  if (!f.setting.empty()) vars += "; setting=" + gnuplot_string(f.setting);
  // Staged before gnuplot runs, so whatever it left is removed if it fails.
  for (const char* ext : {".png", ".svg"}) outputs.stage(fs::path(stem) += ext, o.out / (f.name + ext));
  run_gnuplot(o.plots_dir / f.script, vars);
}

/// Runs one job: its data, then its figures, each set committed; returns the files it replaced.
std::size_t run_job(const figures_options& o, const figure_job& job, const fs::path& data_out, nlohmann::json& index) {
  io::output_transaction data_files, figure_files;
  const fs::path csv = job.produce(o, data_out, data_files);
  data_files.commit();
  for (const auto& f : job.figures) draw(o, f, csv, figure_files);
  figure_files.commit();
  for (const auto& f : job.figures)
    index["figures"].push_back({{"name", f.name},
                                {"png", f.name + ".png"},
                                {"svg", f.name + ".svg"},
                                {"script", "plots/" + f.script},
                                {"data", "data/" + csv.filename().string()},
                                {"job", job.name}});
  return data_files.replaced().size() + figure_files.replaced().size();
}

}  // namespace

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
      {"be-stability", be_stability_job,
       {{"be_stability_bars.gp", "fig5_be_frequencies_resnet20", "resnet20"},
        {"be_stability_bars.gp", "fig5_be_frequencies_vit", "vit"},
        {"be_stability_table.gp", "table3_top1_frequency", "top1_frequency_mean"},
        {"be_stability_table.gp", "table4_coverage90_size", "coverage90_size_mean"}},
       true},
      {"sieve", sieve_job, {{"sieve_ar.gp", "sieve_ar", ""}}, true},
      {"real-data", real_data_job, {{"real_h2.gp", "figH2_resnet20", "resnet20"}, {"real_h2.gp", "figH2_vit", "vit"}},
       true},
      // @figure-jobs (add new figure jobs above this line)
  };
  return jobs;
}

std::vector<figure_job> select_figure_jobs(const std::vector<std::string>& only) {
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

void check_figure_inputs(const figures_options& o, const std::vector<figure_job>& jobs) {
  if (!fs::is_directory(o.plots_dir))
    throw data_error(fmt::format("--plots-dir: '{}' is not a directory of gnuplot scripts", o.plots_dir.string()));
  for (const auto& job : jobs)
    for (const auto& f : job.figures)
      if (!fs::is_regular_file(o.plots_dir / f.script))
        throw data_error(fmt::format("--plots-dir: '{}' has no {}", o.plots_dir.string(), f.script));
  std::string needing;
  for (const auto& job : jobs)
    if (job.needs_data) needing += (needing.empty() ? "" : ", ") + job.name;
  if (!needing.empty() && !fs::is_directory(o.data_dir))
    throw data_error(fmt::format("--data-dir: '{}' is not a directory; the jobs {} need the CIFAR test sets and the "
                                 "model weights there (or leave them out with --only)",
                                 o.data_dir.string(), needing));
}

figures_summary run_figure_jobs(const figures_options& o, const std::vector<figure_job>& jobs,
                                const note_callback& note) {
  const auto say = [&](const std::string& line) {
    if (note) note(line);
  };
  figures_summary summary{0, 0, o.out / "data", o.out / "figures.json"};
  nlohmann::json index = {{"metadata", run_metadata({{"seed", o.seed}, {"quick", o.quick}})},
                          {"figures", nlohmann::json::array()},
                          {"jobs", nlohmann::json::array()}};
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const auto& job = jobs[k];
    say(fmt::format("[{}/{}] {:<16} running ({:.0f} s elapsed)", k + 1, jobs.size(), job.name, seconds()));
    const double job_start = seconds();
    try {
      summary.replaced += run_job(o, job, summary.data_dir, index);
      summary.figures += job.figures.size();
      index["jobs"].push_back({{"job", job.name}, {"status", "done"}, {"seconds", seconds() - job_start}});
    } catch (const std::exception& e) {
      // The failed job left nothing (its files were staged); the index says which job failed and why.
      index["jobs"].push_back({{"job", job.name}, {"status", "failed"}, {"error", e.what()}});
      for (std::size_t rest = k + 1; rest < jobs.size(); ++rest)
        index["jobs"].push_back({{"job", jobs[rest].name}, {"status", "not run"}});
      index["failed_job"] = job.name;
      try {  // best effort: on a full disk even the index may not fit, and the job's own error matters more
        io::write_json(summary.index, index);
        say(fmt::format("[{}/{}] {} failed; {} records which jobs finished", k + 1, jobs.size(), job.name,
                        summary.index.string()));
      } catch (const std::exception&) {
      }
      throw;
    }
  }
  io::write_json(summary.index, index);
  say(fmt::format("[{}/{}] done in {:.0f} s", jobs.size(), jobs.size(), seconds()));
  return summary;
}

}  // namespace neuroncert::studies
