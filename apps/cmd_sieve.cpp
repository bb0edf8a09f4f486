// neuroncert sieve: SIEVE (Ji et al., arXiv 2603.24953; THEORY.md sec. 7) on labelled images.
//   neuroncert sieve --model resnet20|vit|PATH.pt --layer NAME --data cifar100 [--beta 10] [--top 20]
//                    [--hypotheses-per-cluster 2] [--min-verification-images 20] [--ablation] --out PREFIX
// The study (split, selection, clustering, verification, ablation) is studies/sieve_study.hpp; this
// file parses the options, calls it and writes PREFIX_neurons.csv, PREFIX_hypotheses.csv,
// PREFIX.json (and PREFIX_ablation.csv), each record described once below.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/record.hpp"
#include "neuroncert/studies/sieve_study.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct sieve_args {
  studies::sieve_data_options data;
  sieve_options opts;
  std::string out = "sieve";
  double delta = 0.05, alpha = 0.05;
  bool ablation = false, progress = false, no_progress = false;
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

/// The report's "inputs", "split", "options" and "conventions".
nlohmann::json report_head(const sieve_args& a, const studies::sieve_data& d) {
  return {{"metadata", run_metadata({{"command", "sieve"}})},
          {"inputs", {{"model", a.data.model}, {"layer", a.data.layer}, {"data", a.data.data},
                      {"data_dir", a.data.data_dir.string()}, {"images", d.images}, {"probe_images", d.probe_acts.rows()},
                      {"heldout_images", d.held_acts.rows()}, {"neurons", d.probe_acts.cols()},
                      {"concepts", d.concept_names.size()}}},
          {"split", "within each fine class, in index order: first ceil(n_c/2) images probe, the rest held out"},
          {"options", {{"beta", a.opts.beta}, {"quantile", a.opts.quantile}, {"top", a.opts.top},
                       {"hypotheses_per_cluster", a.opts.hypotheses_per_cluster}, {"max_clusters", a.opts.max_clusters},
                       {"min_verification_images", a.data.min_verification_images}, {"delta", a.delta},
                       {"alpha", a.alpha}, {"random_rate", 0.01}}},
          {"conventions",
           {"ratio = Q_0.99 / median (type-7 quantiles) on the probe half; undefined when median <= 0",
            "clustering features: the whole layer's activations of the top probe samples; Ward linkage, m by mean "
            "silhouette",
            "verification images of concept h: held-out images labelled h; AR = share above the neuron's probe Q_0.99",
            "Clopper-Pearson at delta per hypothesis, one-sided exact binomial test of AR > 0.01 at alpha; no "
            "multiplicity correction across hypotheses"}}};
}

/// Writes the three record files (and the ablation table) and returns the JSON report.
nlohmann::json write_records(const sieve_args& a, const studies::sieve_data& d, const studies::sieve_report& rep,
                             const std::vector<studies::ablation_row>* ablation, io::output_transaction& outputs) {
  nlohmann::json report = report_head(a, d);
  const auto& r = rep.result;
  studies::record_writer nc(studies::sieve_neuron_layout(), a.out + "_neurons.csv", &outputs);
  report["neurons"] = nlohmann::json::array();
  for (std::size_t k = 0; k < r.neurons.size(); ++k)
    report["neurons"].push_back(nc.write({r.neurons[k], rep.neurons[k], rep, d.concept_names}));
  nc.close();
  studies::record_writer hc(studies::sieve_hypothesis_layout(), a.out + "_hypotheses.csv", &outputs);
  report["hypotheses"] = nlohmann::json::array();
  for (std::size_t k = 0; k < r.hypotheses.size(); ++k) {
    const auto& h = r.hypotheses[k];
    report["hypotheses"].push_back(hc.write({h, rep.stats[k], d.concept_names[static_cast<std::size_t>(h.concept_index)]}));
  }
  hc.close();
  if (ablation) {
    studies::record_writer ab(studies::ablation_layout(), a.out + "_ablation.csv", &outputs);
    report["ablation"] = nlohmann::json::array();
    for (const auto& row : *ablation) report["ablation"].push_back(ab.write({d.model_name, row}));
    ab.close();
  } else {  // an earlier --ablation run's table would otherwise sit beside these, looking current
    outputs.remove_on_commit(a.out + "_ablation.csv");
  }
  report["summary"] = {{"selected", rep.selected}, {"undefined_ratio", rep.undefined},
                       {"hypotheses", r.hypotheses.size()}, {"mean_ar_before_filter", r.mean_ar_all},
                       {"mean_ar", r.mean_ar}, {"kept", r.kept}, {"explained_neurons", r.explained},
                       {"significant", rep.significant}};
  return report;
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
  const thread_limit limit(a.data.threads);
  a.data.progress = want_progress(a.progress, a.no_progress);
  const auto d = studies::load_sieve_data(a.data);
  const auto rep = studies::sieve_study(d, a.opts, a.delta, a.alpha);
  std::vector<studies::ablation_row> ablation;
  if (a.ablation) ablation = studies::sieve_ablation(d, a.opts);
  io::output_transaction outputs;
  const auto report = write_records(a, d, rep, a.ablation ? &ablation : nullptr, outputs);
  io::write_json(a.out + ".json", report, &outputs);
  commit_outputs(outputs);
  print_summary(a, d, rep, ablation);
}

}  // namespace

void register_sieve(CLI::App& app) {
  auto args = std::make_shared<sieve_args>();
  args->data.data_dir = NEURONCERT_DATA_DIR;
  auto* cmd = app.add_subcommand("sieve", std::string(model_command_description("sieve")));
  cmd->add_option("--model", args->data.model, "resnet20, vit, or a TorchScript file PATH.pt")->required();
  cmd->add_option("--layer", args->data.layer, "layer name (resnet20: penultimate; vit: cls; see extract --list-layers)")
      ->required();
  cmd->add_option("--data", args->data.data, "cifar100 (or cifar10)")->capture_default_str();
  cmd->add_option("--data-dir", args->data.data_dir, "folder with the CIFAR files and weights")->capture_default_str();
  cmd->add_option("--beta", args->opts.beta, "Select: keep neurons with Q_0.99/median > beta (> 0)")->capture_default_str();
  cmd->add_option("--top", args->opts.top, "top probe samples clustered per neuron (>= 2)")->capture_default_str();
  cmd->add_option("--hypotheses-per-cluster", args->opts.hypotheses_per_cluster, "concepts per cluster (K >= 1)")
      ->capture_default_str();
  cmd->add_option("--max-clusters", args->opts.max_clusters, "largest number of clusters tried")->capture_default_str();
  cmd->add_option("--min-verification-images", args->data.min_verification_images,
                  "least held-out images every concept must have")->capture_default_str();
  cmd->add_option("--delta", args->delta, "Clopper-Pearson level: intervals at 1 - delta")->capture_default_str();
  cmd->add_option("--alpha", args->alpha, "level of the one-sided test AR > 0.01")->capture_default_str();
  cmd->add_option("--pool", args->data.pool, "pooling of the layer output: auto|avg|max|cls|mean")->capture_default_str();
  cmd->add_option("--limit", args->data.limit, "keep only the first N images (0 = all)")->capture_default_str();
  cmd->add_option("--batch-size", args->data.batch_size, "images per forward pass")->capture_default_str();
  cmd->add_option("--threads", args->data.threads, "threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--activations-cache", args->data.cache, "activations .npy: read if it exists (and its record CACHE.json says it was made from "
                  "this model, layer, pooling, data set and image count), else written with that record");
  cmd->add_flag("--ablation", args->ablation,
                "also the Select/Cluster/Verify ablation and plain identification by each metric (PREFIX_ablation.csv)");
  cmd->add_option("--out", args->out, "output prefix: PREFIX_neurons.csv, PREFIX_hypotheses.csv, PREFIX.json")
      ->capture_default_str();
  cmd->add_flag("--progress", args->progress, "progress bar on stderr (default: when stderr is a terminal)");
  cmd->add_flag("--no-progress", args->no_progress, "no progress bar");
  cmd->callback([args] { run_sieve_cmd(*args); });
}

}  // namespace neuroncert::cli
