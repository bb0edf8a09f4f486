// The figure jobs and their run (figures.hpp).
#include "neuroncert/studies/figures.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/be_stability.hpp"
#include "neuroncert/studies/data_directory.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "neuroncert/studies/figures_report.hpp"
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

/// Runs one job: its data, then its figures, each set committed; returns the files it replaced. The
/// figures drawn go into the index and the page's report.
std::size_t run_job(const figures_options& o, const figure_job& job, const fs::path& data_out, nlohmann::json& index,
                    figures_report& report) {
  io::output_transaction data_files, figure_files;
  const fs::path csv = job.produce(o, data_out, data_files);
  data_files.commit();
  for (const auto& f : job.figures) draw(o, f, csv, figure_files);
  figure_files.commit();
  const std::string data = "data/" + csv.filename().string();
  for (const auto& f : job.figures)
    report.figures.push_back({f.name, job.name, f.paper, f.caption, f.look_for, data, "plots/" + f.script});
  for (const auto& f : job.figures)
    index["figures"].push_back({{"name", f.name},
                                {"png", f.name + ".png"},
                                {"svg", f.name + ".svg"},
                                {"script", "plots/" + f.script},
                                {"data", data},
                                {"job", job.name}});
  return data_files.replaced().size() + figure_files.replaced().size();
}

/// The Markdown tables a finished job wrote, for the page (a table the job did not write is left out).
void add_tables(const figures_options& o, const figure_job& job, figures_report& report) {
  for (const auto& t : job.tables) {
    std::ifstream in(o.out / t.file, std::ios::binary);
    if (!in) continue;
    report.tables.push_back({t.file, t.paper, std::string(std::istreambuf_iterator<char>(in), {})});
  }
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

/// figures.json and index.html, together (one transaction: both land or neither).
void write_index(const figures_summary& summary, const nlohmann::json& index, figures_report report) {
  for (const auto& j : index["jobs"])
    report.jobs.push_back({j["job"].get<std::string>(), j["status"].get<std::string>(), j.value("seconds", 0.0),
                           j.value("error", std::string())});
  io::output_transaction outputs;
  io::write_json(summary.index, index, &outputs);
  io::write_text_file(summary.page, figures_report_html(report), &outputs);
  outputs.commit();
}

}  // namespace

const std::vector<figure_job>& figure_jobs() {
  // Each figure: script, output name, setting; then, for index.html, the paper's figure it stands
  // for, its caption and what to look for.
  static const std::vector<figure_job> jobs = {
      {"exp1", simulation("exp1"),
       {{"fig2_exp1.gp", "fig2a_exp1_setting1", "setting1", "Fig. 2a (Experiment 1, Setting 1)",
         "The 0.95-quantile over replicates of the estimation error |sim_hat - sim| against the probing-set size n, "
         "log-log, for the five binary metrics in Setting 1 (a concept of ordinary frequency), with a 1/sqrt(n) "
         "reference line.",
         "Every metric's curve runs parallel to 1/sqrt(n): the error shrinks at the parametric rate, and the metrics "
         "differ only by a constant factor."},
        {"fig2_exp1.gp", "fig2b_exp1_setting2", "setting2", "Fig. 2b (Experiment 1, Setting 2)",
         "The same quantile of |sim_hat - sim| against n in Setting 2, a rare concept (rho = 0.001).",
         "Recall and AUROC, which rest on the few positives, have errors about ten times accuracy's and stay near "
         "their largest until n reaches about a thousand; precision and IoU (on top of each other) lie in between. "
         "A rare concept needs a far larger probing set before these metrics can be trusted."}}},
      {"auroc-rate", simulation("auroc-rate"),
       {{"fig3a_auroc_rate.gp", "fig3a_auroc_rate", "", "Fig. 3a (AUROC rate)",
         "Agarwal's AUROC rate r(n, delta = 0.05), the width of the certified interval, against n for concept "
         "frequencies rho = 0.5, 0.1, 0.01 and 0.001.",
         "The rate blows up as rho -> 0: for a rare concept the certificate stays wide (vacuous above 1) up to a "
         "far larger n than for a common one."}}},
      {"exp2", simulation("exp2"),
       {{"fig3b_exp2.gp", "fig3b_exp2", "", "Fig. 3b (Experiment 2)",
         "The 0.95-quantile of the identification gap max_c sim(c) - sim(c_hat) over |C| = 1000 concepts against n, "
         "with a 1/sqrt(n) reference and the bound 2 r(n, delta/|C|).",
         "Every metric's gap stays below the bound and falls with n; a quantile of exactly 0 (the best concept "
         "chosen in 95% of the datasets) cannot be drawn on the log axis and is left out."}}},
      {"validate", simulation("validate"),
       {{"validate.gp", "validate_setting1", "setting1", "",
         "Bound tightness in Setting 1: each metric's closed-form rate (Hoeffding, ESS or Agarwal; solid) and "
         "Clopper-Pearson radius (dashed) divided by the empirical 0.95-quantile of the error, against n; for AUROC "
         "also the exact binary interval (docs/auroc_certificate.md). Not a figure of the paper: a check of its bounds.",
         "1 would be a perfectly tight bound (below 1: not valid). Clopper-Pearson and the exact AUROC interval "
         "(dashed) stay between 1 and 2; the closed-form rates (Hoeffding for accuracy, Agarwal for AUROC) are about "
         "three times the error."},
        {"validate.gp", "validate_setting2", "setting2", "",
         "The same ratios of bound to empirical error quantile in Setting 2 (a rare concept). Not a figure of the "
         "paper: a check of its bounds.",
         "Whether each bound stays above 1 (valid) and how far above (how loose) when the concept is rare: the "
         "ratios spread far more than in Setting 1, and change with n."}}},
      {"gaussian", simulation("gaussian"),
       {{"fig8a_gaussian.gp", "fig8a_gaussian", "", "Fig. 8a (App. H.1, continuous Gaussian setting)",
         "The 0.95-quantile of the estimation error against n, log-log, for continuous activations: absolute error "
         "for AUROC, AUPRC, correlation and WPMI, relative error for MAD.",
         "The errors fall like 1/sqrt(n) for continuous activations too."}}},
      {"be-coverage", simulation("be-coverage"),
       {{"be_coverage.gp", "be_coverage", "", "",
         "How often Algorithm 1's set S contains the population-best concept, against the margin Delta, for K "
         "bootstrap resamples of one probing set and for K fresh probing sets, beside the corrected Theorem 4.1 "
         "bound and its pairwise tightening (docs/be_coverage_bound.md). Not a figure of the paper: a check of "
         "Theorem 4.1.",
         "At small margins the bootstrap's coverage (blue) falls well below that of fresh sets (red), which is "
         "what Theorem 4.1 assumes. The bounds (black: corrected, green: pairwise) stay below the fresh-set "
         "coverage and are vacuous (0) up to a margin; the pairwise one becomes informative at a smaller margin."}}},
      {"be-stability", be_stability_job,
       {{"be_stability_bars.gp", "fig5_be_frequencies_resnet20", "resnet20", "Fig. 5 (analogue: ResNet-20)",
         "For four ResNet-20 penultimate neurons on CIFAR-100 (120 concepts), the concepts most often chosen over "
         "the bootstrap resamples and how often each was chosen.",
         "One tall bar means a stable explanation; several similar bars mean the argmax concept changes from "
         "resample to resample."},
        {"be_stability_bars.gp", "fig5_be_frequencies_vit", "vit", "Fig. 5 (analogue: ViT)",
         "The same bootstrap selection frequencies for four ViT CLS neurons on CIFAR-100.",
         "As for ResNet-20: tall single bars are stable explanations, spread bars unstable ones."},
        {"be_stability_table.gp", "table3_top1_frequency", "top1_frequency_mean", "Table 3 (as bars)",
         "Per metric, the top-1 bootstrap frequency averaged over neurons, ResNet-20 against ViT on CIFAR-100 (the "
         "numbers are in the table data/be_stability_tables.md below).",
         "Which metrics give the most stable explanations (frequency near 1) and whether the two models agree."},
        {"be_stability_table.gp", "table4_coverage90_size", "coverage90_size_mean", "Table 4 (as bars)",
         "Per metric, the mean size of the smallest set of concepts covering 90% of the bootstrap resamples, "
         "ResNet-20 against ViT.",
         "Small sets (near 1) mean a stable choice; the metrics with large sets are the unstable ones."}},
       true,
       {{"data/be_stability_tables.md", "Tables 3 and 4, with the certified sets"}}},
      {"sieve", sieve_job,
       {{"sieve_ar.gp", "sieve_ar", "", "SIEVE verification (activation rates)",
         "The activation rate AR of every SIEVE hypothesis on its held-out CIFAR-100 concept images, with its 95% "
         "Clopper-Pearson interval, sorted by AR, for ResNet-20 (penultimate) and ViT (cls). Filled points survive "
         "the mean-AR filter; dashed: the random-image rate 0.01; dotted: the filtered mean AR.",
         "Hypotheses whose whole interval lies above the dashed 0.01 line are verified; those reaching down to it "
         "are not distinguishable from a random image."}},
       true,
       {{"sieve_ablation.md", "SIEVE ablation (Table 4 analogue)"}}},
      {"real-data", real_data_job,
       {{"real_h2.gp", "figH2_resnet20", "resnet20", "App. H.2 (analogue: ResNet-20)",
         "Final-layer ResNet-20 neurons on the CIFAR-10 test set, each with its own class as concept: the "
         "0.95-quantile of |sim_hat - sim| over subsamples against the subsample size n, the full test set as the "
         "population.",
         "Real activations behave like the simulations: every metric's error falls with n about as fast as the "
         "1/sqrt(n) line (faster as n nears the 10,000 images, since subsamples are drawn without replacement); "
         "MAD and WPMI are in their own units, above the others."},
        {"real_h2.gp", "figH2_vit", "vit", "App. H.2 (analogue: ViT)",
         "The same subsampling error against n for the ViT's final-layer neurons on CIFAR-10.",
         "As for ResNet-20: every error falls with n, and accuracy and AUROC are estimated most precisely."}},
       true,
       {{"data/real_identification_summary.md", "Certified identification on CIFAR-100 (App. H.2 setting)"}}},
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

void check_figure_inputs(const figures_options& o, const std::vector<figure_job>& jobs,
                         const std::string& data_dir_option) {
  if (!fs::is_directory(o.plots_dir))
    throw data_error(fmt::format("--plots-dir: '{}' is not a directory of gnuplot scripts", o.plots_dir.string()));
  for (const auto& job : jobs)
    for (const auto& f : job.figures)
      if (!fs::is_regular_file(o.plots_dir / f.script))
        throw data_error(fmt::format("--plots-dir: '{}' has no {}", o.plots_dir.string(), f.script));
  std::string needing;
  for (const auto& job : jobs)
    if (job.needs_data) needing += (needing.empty() ? "" : ", ") + job.name;
  if (!needing.empty())
    require_data_directory(o.data_dir, data_dir_option,
                           fmt::format("the jobs {} need it; --only leaves them out", needing));
}

figures_summary run_figure_jobs(const figures_options& o, const std::vector<figure_job>& jobs,
                                const note_callback& note) {
  const auto say = [&](const std::string& line) {
    if (note) note(line);
  };
  figures_summary summary{0, 0, o.out / "data", o.out / "figures.json", o.out / "index.html"};
  nlohmann::json index = {{"metadata", run_metadata({{"seed", o.seed}, {"quick", o.quick}})},
                          {"figures", nlohmann::json::array()},
                          {"jobs", nlohmann::json::array()}};
  const auto& meta = index["metadata"];
  figures_report report;
  report.command_line = meta["command_line"].get<std::string>();
  report.version = meta["version"].get<std::string>();
  report.program = meta["program"].get<std::string>();
  report.seed = o.seed;
  report.quick = o.quick;
  report.threads = o.threads;
  if (std::any_of(jobs.begin(), jobs.end(), [](const figure_job& j) { return j.needs_data; }) && !o.data_dir.empty())
    report.data_dir = fs::absolute(o.data_dir).lexically_normal().string();
  report.started_utc = utc_now();
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const auto& job = jobs[k];
    say(fmt::format("[{}/{}] {:<16} running ({:.0f} s elapsed)", k + 1, jobs.size(), job.name, seconds()));
    const double job_start = seconds();
    try {
      summary.replaced += run_job(o, job, summary.data_dir, index, report);
      summary.figures += job.figures.size();
      add_tables(o, job, report);
      index["jobs"].push_back({{"job", job.name}, {"status", "done"}, {"seconds", seconds() - job_start}});
    } catch (const std::exception& e) {
      // The failed job left nothing (its files were staged); the index and the page say which job
      // failed and why. Its figures were not drawn, so the page has none of them.
      index["jobs"].push_back({{"job", job.name}, {"status", "failed"}, {"seconds", seconds() - job_start},
                               {"error", e.what()}});
      for (std::size_t rest = k + 1; rest < jobs.size(); ++rest)
        index["jobs"].push_back({{"job", jobs[rest].name}, {"status", "not run"}});
      index["failed_job"] = job.name;
      std::erase_if(report.figures, [&](const report_figure& f) { return f.job == job.name; });
      report.seconds = seconds();
      try {  // best effort: on a full disk even the index may not fit, and the job's own error matters more
        write_index(summary, index, report);
        say(fmt::format("[{}/{}] {} failed; {} and {} record which jobs finished", k + 1, jobs.size(), job.name,
                        summary.index.string(), summary.page.string()));
      } catch (const std::exception&) {
      }
      throw;
    }
  }
  report.seconds = seconds();
  write_index(summary, index, report);
  say(fmt::format("[{}/{}] done in {:.0f} s", jobs.size(), jobs.size(), seconds()));
  return summary;
}

}  // namespace neuroncert::studies
