// neuroncert sieve: SIEVE (Ji et al., arXiv 2603.24953; docs/theory.md sec. 7) on labelled images.
//   neuroncert sieve --model resnet20|vit|PATH.pt --layer NAME --data cifar100 [--beta 10] [--top 20]
//                    [--hypotheses-per-cluster 2] [--min-verification-images 20] [--ablation] --out PREFIX
// The study (split, selection, clustering, verification, ablation) is studies/sieve_study.hpp; this
// file parses the options, calls it and its writer (PREFIX_neurons.csv, PREFIX_hypotheses.csv,
// PREFIX.json and PREFIX_ablation.csv) and reports.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "data_dir_option.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/sieve_study.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct sieve_args {
  studies::sieve_data_options data;
  sieve_options opts;
  std::string out = "sieve";
  double delta = 0.05, alpha = 0.05;
  bool ablation = false, progress = false, no_progress = false;
  const CLI::App* cmd = nullptr;  ///< to tell whether --data-dir was given
};

// ---- the command -----------------------------------------------------------------------------

/// The options of the data and the forward pass, checked before the model is loaded.
void check_data_options(const studies::sieve_data_options& o) {
  if (o.data != "cifar100" && o.data != "cifar10")
    throw invalid_argument(fmt::format("--data: unknown data set '{}' (known: cifar100, cifar10)", o.data));
  if (o.limit < 0) throw invalid_argument(fmt::format("--limit must be non-negative, got {}", o.limit));
  check_count("--batch-size", o.batch_size, 1, max_batch_size, "images per forward pass");
  if (o.min_verification_images < 1)
    throw invalid_argument(fmt::format("--min-verification-images must be at least 1, got {}", o.min_verification_images));
}

std::string fmt_ar(const std::optional<double>& x) { return x ? fmt::format("{:.3f}", *x) : "n/a"; }

void print_summary(const sieve_args& a, const studies::sieve_data& d, const studies::sieve_report& rep,
                   const std::vector<studies::ablation_row>& ablation) {
  const auto& r = rep.result;
  fmt::print("sieve: {} layer {} on {} ({} probe / {} held-out images), {} neurons, {} concepts\n", d.model_name,
             a.data.layer, a.data.data, d.probe_acts.rows(), d.held_acts.rows(), d.probe_acts.cols(),
             d.concept_names.size());
  fmt::print("  select: {} neurons with ratio > {} (largest ratio {:.3f}; {} undefined: median <= 0)\n", rep.selected,
             a.opts.beta, rep.largest_ratio, rep.undefined);
  fmt::print("  hypotheses: {}, mean AR {:.4f}; after the mean filter {} kept, mean AR {:.4f}; {} neurons explained\n",
             r.hypotheses.size(), r.mean_ar_all, r.kept, r.mean_ar, r.explained);
  fmt::print("  {} hypotheses with AR significantly above 0.01 (one-sided exact test, alpha {})\n", rep.significant,
             a.alpha);
  if (a.ablation) {
    fmt::print("  ablation (mean AR):");
    for (const auto& row : ablation)
      if (row.method == "sieve")
        fmt::print(" S{}C{}V{}={}", row.select == "on" ? "+" : "-", row.cluster == "on" ? "+" : "-",
                   row.verify == "on" ? "+" : "-", fmt_ar(row.mean_ar));
    fmt::print("\n  identification (mean AR):");
    for (const auto& row : ablation)
      if (row.method != "sieve") fmt::print(" {}={}", row.method.substr(9), fmt_ar(row.mean_ar));
    fmt::print("\n");
  }
  fmt::print("  wrote {}_neurons.csv, {}_hypotheses.csv, {}.json{}\n", a.out, a.out, a.out,
             a.ablation ? ", " + a.out + "_ablation.csv" : "");
}

void run_sieve_cmd(sieve_args a) {
  check_output_prefix("--out", a.out);
  check_threads("--threads", a.data.threads);
  check_sieve_options(a.opts);
  check_open_unit("--delta", a.delta);
  check_open_unit("--alpha", a.alpha);
  check_data_options(a.data);
  require_data_dir(*a.cmd, a.data.data_dir.string());
  const thread_limit limit(a.data.threads);
  a.data.note = print_note(want_progress(a.progress, a.no_progress), "sieve: ");
  const auto d = studies::load_sieve_data(a.data);
  const auto rep = studies::sieve_study(d, a.opts, a.delta, a.alpha);
  std::vector<studies::ablation_row> ablation;
  if (a.ablation) ablation = studies::sieve_ablation(d, a.opts);
  io::output_transaction outputs;
  studies::write_sieve(a.data, a.opts, {a.out, a.delta, a.alpha}, d, rep, a.ablation ? &ablation : nullptr, outputs);
  commit_outputs(outputs);
  print_summary(a, d, rep, ablation);
}

}  // namespace

void register_sieve(CLI::App& app) {
  auto a = std::make_shared<sieve_args>();
  auto& d = a->data;
  auto& o = a->opts;
  d.data_dir = studies::data_directory().path;
  auto* cmd = app.add_subcommand("sieve", std::string(model_command_description("sieve")));
  add_options(*cmd, {
      {"--model", &d.model, "resnet20, vit, or a TorchScript file PATH.pt", required},
      {"--layer", &d.layer, "layer name (resnet20: penultimate; vit: cls; see extract --list-layers)", required},
      {"--data", &d.data, "cifar100 (or cifar10)", show_default},
      {"--data-dir", &d.data_dir, data_dir_help("folder with the CIFAR files and weights"), show_default},
      {"--beta", &o.beta, "Select: keep neurons with Q_0.99/median > beta (> 0)", show_default},
      {"--top", &o.top, "top probe samples clustered per neuron (>= 2)", show_default},
      {"--hypotheses-per-cluster", &o.hypotheses_per_cluster, "concepts per cluster (K >= 1)", show_default},
      {"--max-clusters", &o.max_clusters, "largest number of clusters tried", show_default},
      {"--min-verification-images", &d.min_verification_images, "least held-out images every concept must have",
       show_default},
      {"--delta", &a->delta, "Clopper-Pearson level: intervals at 1 - delta", show_default},
      {"--alpha", &a->alpha, "level of the one-sided test AR > 0.01", show_default},
      {"--pool", &d.pool, "pooling of the layer output: auto|avg|max|cls|mean", show_default},
      {"--limit", &d.limit, "keep only the first N images (0 = all)", show_default},
      {"--batch-size", &d.batch_size, "images per forward pass", show_default},
      {"--threads", &d.threads, "threads (0 = all cores)", show_default},
      {"--activations-cache", &d.cache, "activations .npy: read if it exists (and its record CACHE.json says it was "
                                        "made from this model, layer, pooling, data set and image count), else "
                                        "written with that record"},
      {"--ablation", &a->ablation,
       "also the Select/Cluster/Verify ablation and plain identification by each metric (PREFIX_ablation.csv)"},
      {"--out", &a->out, "output prefix: PREFIX_neurons.csv, PREFIX_hypotheses.csv, PREFIX.json", show_default},
      {"--progress", &a->progress, "progress bar on stderr (default: when stderr is a terminal)"},
      {"--no-progress", &a->no_progress, "no progress bar"},
  });
  a->cmd = cmd;
  cmd->callback([a] { run_sieve_cmd(*a); });
}

}  // namespace neuroncert::cli
