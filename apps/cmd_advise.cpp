// `neuroncert advise`: which similarity metric, and how many probing samples, for the user's setting
// (issue 14). The study is studies/advise.hpp; this file parses the options, prints the ranking table
// and, with --out, writes PREFIX.json and the tidy CSVs through one output transaction.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/output_files.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/sampling.hpp"
#include "neuroncert/studies/advise.hpp"
#include "neuroncert/studies/advise_records.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct advise_args {
  /// What the study reads, bound to the options below (studies::advise_setup_from, shared with Python);
  /// the files named here are read into it by inputs_of.
  studies::advise_settings s;
  std::filesystem::path frequency_file, pilot_activations, pilot_concepts;
  std::string out;
  bool figure = false;
  std::filesystem::path plots_dir = std::filesystem::path(NEURONCERT_SOURCE_DIR) / "plots";
  bool progress = false, no_progress = false;
  long threads = 0;
  const CLI::App* cmd = nullptr;
};

void print_pilot(const studies::pilot_estimate& e, double pilot_alpha) {
  fmt::print("pilot: {} samples, {} neurons, {} concepts{}; top-{} neurons fire on {} of the samples (median); "
             "median recall of each neuron's best concept by IoU {}{}\n",
             e.samples, e.neurons, e.concepts,
             e.concepts_left_out > 0 ? fmt::format(" ({} without positives or negatives left out)", e.concepts_left_out)
                                     : std::string(),
             pilot_alpha, format_number(e.alpha, 4), format_number(e.recall_median, 4),
             e.recall_capped ? fmt::format(" (capped at {} so that every 2x2 table is valid)", format_number(e.recall, 4))
                             : std::string());
}

/// The study's inputs (studies::advise_setup_from, which the Python package shares), the files read here.
studies::advise_inputs inputs_of(const advise_args& a) {
  studies::advise_settings s = a.s;
  if (!a.frequency_file.empty()) s.frequency_list = studies::advise_frequency_file(a.frequency_file);
  Eigen::MatrixXd z, c;
  if (!a.pilot_activations.empty()) s.pilot_activations = &(z = io::read_npy_matrix(a.pilot_activations, "pilot activations"));
  if (!a.pilot_concepts.empty()) s.pilot_concepts = &(c = io::read_npy_matrix(a.pilot_concepts, "pilot concepts"));
  auto setup = studies::advise_setup_from(s, given_on(*a.cmd));
  if (setup.pilot) print_pilot(*setup.pilot, s.pilot_alpha);
  studies::advise_inputs& in = setup.inputs;
  if (a.figure) {
    if (a.out.empty()) throw invalid_argument("--figure needs --out PREFIX (it writes PREFIX_figure.png/.svg)");
    // 13 log-spaced sizes over the budget, or from 100 to 100,000; and n itself so the marked point lies on the curves.
    in.curve_grid = in.budget ? sim::log_grid(in.budget->first, in.budget->second, 13) : sim::log_grid(100, 100'000, 13);
    if (in.n) in.curve_grid.push_back(*in.n);
    std::sort(in.curve_grid.begin(), in.curve_grid.end());
    in.curve_grid.erase(std::unique(in.curve_grid.begin(), in.curve_grid.end()), in.curve_grid.end());
  }
  return in;
}

std::string num(const std::optional<double>& x) { return x ? format_number(*x, 4) : std::string("-"); }

void print_advice(const studies::advise_inputs& in, const studies::advise_result& r) {
  fmt::print("advise: |C| = {}, delta = {}, n = {}{}, {} frequenc{} ({}{}), {} replicates\n", in.concepts, in.delta, r.n,
             (in.epsilon ? fmt::format(", epsilon = {}", *in.epsilon) : std::string()) +
                 (in.margin ? fmt::format(" (margin {})", *in.margin) : std::string()) +
                 (in.budget ? fmt::format(" (the top of your budget {}..{})", in.budget->first, in.budget->second)
                            : std::string()),
             r.rhos.size(),
             r.rhos.size() == 1 ? "y" : "ies", format_number(r.rhos.front(), 4),
             r.rhos.size() > 1 ? fmt::format(" .. {}", format_number(r.rhos.back(), 4)) : std::string(), in.replicates);
  text_table t;
  t.header = {"rank", "metric", "missing", "extra", "certified", "cp", "n_for_eps", "n_exact", "simulated_q95",
              "sim_n_for_eps", "undefined"};
  for (const auto& s : r.summaries) {
    std::optional<double> cp;
    for (const auto& row : r.rows)
      if (row.m == s.m && row.cp_radius) cp = std::max(cp.value_or(0.0), *row.cp_radius);
    t.rows.push_back({std::to_string(s.rank), std::string(to_string(s.m)), s.sanity.passes_missing ? "pass" : "FAIL",
                      s.sanity.passes_extra ? "pass" : "FAIL", num(s.worst_certified), num(cp),
                      s.n_needed ? std::to_string(*s.n_needed) : "-",
                      s.n_needed_exact ? std::to_string(*s.n_needed_exact) : "-", num(s.worst_simulated),
                      s.simulated_n_needed ? std::to_string(*s.simulated_n_needed) : (in.epsilon ? ">1e9" : "-"),
                      format_number(s.worst_undefined_risk, 3)});
  }
  print_table(t);
  fmt::print("certified: closed-form rate at n and delta/|C| (cp: Clopper-Pearson at the expected counts), "
             "n_for_eps: the n it needs for epsilon (every concept, 1 - delta), n_exact: the same by the exact binomial "
             "tail (as plan); simulated_q95: 0.95-quantile of "
             "|estimate - population| over {} simulated probing sets, sim_n_for_eps: the n where it reaches epsilon "
             "(one concept, 0.95; Monte Carlo: about 5% between seeds); worst over the frequencies; undefined: P(no value at n) per concept; missing/extra: Neuron_Eval's sanity tests "
             "at n = {} ({} orientation)\n", in.replicates, r.sanity_n,
             in.sanity_orientation == orientation::paper ? "the paper's" : "Neuron_Eval's");
  for (const auto& s : r.summaries) fmt::print("  {}. {}: {}\n", s.rank, to_string(s.m), s.reason);
  if (!r.identification.empty()) {
    fmt::print("identification ({}; {} replicates at n = {}):\n", r.identification_note, in.replicates, r.n);
    text_table id;
    id.header = {"metric", "p_correct", "gap_q95"};
    for (const auto& x : r.identification)
      id.rows.push_back({std::string(to_string(x.m)), format_number(x.probability_correct, 3), format_number(x.gap_q95, 4)});
    print_table(id);
  } else {
    fmt::print("identification: not simulated ({})\n", r.identification_note);
  }
  const auto first = r.summaries.front();
  if (first.recommended && std::isfinite(first.normalised_error))
    fmt::print("recommendation: {}{}{}\n", to_string(first.m),
               first.n_needed ? fmt::format(", n >= {} certifies epsilon = {} for every concept", *first.n_needed,
                                            *in.epsilon)
                              : std::string(),
               first.simulated_n_needed
                   ? fmt::format("{} the simulation reaches it at n = {} (0.95-quantile, one concept)",
                                 first.n_needed ? ";" : fmt::format(", epsilon = {}:", *in.epsilon), *first.simulated_n_needed)
                   : std::string());
  else
    fmt::print("recommendation: none of the metrics passes both sanity tests with a bounded simulated error here\n");
  if (in.budget && in.epsilon) {
    // What the budget buys: the metrics passing both sanity tests whose n for epsilon fits under HI.
    std::string certified, simulated;
    for (const auto& s : r.summaries) {
      if (!s.recommended) continue;
      if (s.n_needed && *s.n_needed <= in.budget->second) certified += (certified.empty() ? "" : ", ") + std::string(to_string(s.m));
      if (s.simulated_n_needed && *s.simulated_n_needed <= in.budget->second)
        simulated += (simulated.empty() ? "" : ", ") + std::string(to_string(s.m));
    }
    fmt::print("within your budget of {} (metrics passing both sanity tests): certified epsilon by {}; simulated by {}\n",
               in.budget->second, certified.empty() ? "none" : certified, simulated.empty() ? "none" : simulated);
  }
}

void write_outputs(const advise_args& a, const studies::advise_inputs& in, const studies::advise_result& r) {
  io::output_transaction outputs;
  studies::write_advise({a.out, a.figure, a.plots_dir, run_metadata()}, in, r, outputs);
  commit_outputs(outputs);
  fmt::print("wrote {0}.json, {0}_ranking.csv, {0}_rows.csv, {0}_sanity.csv{1}\n", a.out,
             (r.identification.empty() ? "" : fmt::format(", {}_identification.csv", a.out)) +
                 (a.figure ? fmt::format(", {0}_curves.csv, {0}_figure.png/.svg", a.out) : std::string()));
}

void run_advise(const advise_args& a) {
  if (!a.out.empty()) check_output_prefix("--out", a.out);
  check_threads("--threads", a.threads);
  studies::advise_inputs in = inputs_of(a);
  const thread_limit limit(a.threads);
  const auto bar = draw_progress(want_progress(a.progress, a.no_progress), "settings");
  if (bar) in.progress = [bar](std::size_t done, std::size_t total) {
    bar("advise", static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
  };
  const studies::advise_result r = studies::advise_study(in);
  print_advice(in, r);
  if (!a.out.empty()) write_outputs(a, in, r);
}

}  // namespace

void register_advise(CLI::App& app) {
  auto a = std::make_shared<advise_args>();
  CLI::App* cmd = app.add_subcommand(
      "advise", "Which metric, and how many probing samples: certified and simulated error, undefined risk and "
                "sanity tests per metric in your setting, and a ranking");
  add_options(*cmd, {
      {"--concepts", &a->s.concepts, "Size of the concept set |C| (union bound over it; default: 1, or the lines of "
                                   "--frequency-file)", show_default},
      {"--delta", &a->s.delta, "Total failure probability, in (0,1)", show_default},
      {"--n", &a->s.n, "Probing-set size to evaluate (default: accuracy's planned n for --epsilon)"},
      {"--epsilon", &a->s.epsilon, "Target error: report the n each closed-form rate and the simulation need for it"},
      {"--margin", &a->s.margin, "Instead of --epsilon: the margin Delta to resolve between the best concept and the "
                               "next (epsilon = Delta/2, Corollary 3.2)"},
      {"--budget", &a->s.budget, "Instead of --n: the probing-set sizes you can afford, LO:HI (evaluated at HI; says "
                               "whether each metric's n for epsilon fits)"},
      {"--frequency", &a->s.frequency, "Concept frequency P(c=1): one value R, or LO:HI (five log-spaced values)"},
      {"--frequency-file", &a->frequency_file, "Text file with one concept frequency per line (your concept set)",
       existing_file},
      {"--neuron-recall", &a->s.recall, "Agreement: P(f=1 | c=1), the share of the concept the neuron fires on"},
      {"--neuron-precision", &a->s.precision, "Agreement: P(c=1 | f=1), the share of firings on the concept"},
      {"--alpha", &a->s.alpha, "Agreement instead of --neuron-precision: the neuron's firing rate P(f=1) (top-alpha)"},
      {"--matrix", &a->s.matrix, "Agreement as cell probabilities W00,W01,W10,W11 (rows neuron, columns concept; one "
                               "frequency)"},
      {"--pilot-activations", &a->pilot_activations, "Pilot instead of --frequency and the agreement: activations "
                                                     ".npy (n x F) of a small probing set", existing_file},
      {"--pilot-concepts", &a->pilot_concepts, "The pilot's concepts .npy (n x |C|, 0/1): frequencies and, through "
                                               "each neuron's best concept by IoU, the agreement", existing_file},
      {"--pilot-alpha", &a->s.pilot_alpha, "Top-alpha fraction that binarises the pilot's neurons", show_default},
      {"--metric", &a->s.metrics, "Metrics to compare (repeatable; default: every pair metric)"},
      {"--precision", &a->s.precision_level, "Monte Carlo precision: 1000 x this many simulated probing sets",
       show_default},
      {"--sanity-seeds", &a->s.sanity_seeds, "Seeds of the sanity tests per frequency", show_default},
      {"--sanity-orientation", &a->s.sanity_orientation, "Who predicts whom in the sanity tests' recall, precision, "
                                                       "AUROC and AUPRC: paper (the neuron, as identify) or "
                                                       "neuron-eval (the concept, as Neuron_Eval's code)", show_default},
      {"--seed", &a->s.seed, "Random seed (results do not depend on --threads)", show_default},
      {"--out", &a->out, "Output prefix: writes PREFIX.json, PREFIX_ranking.csv, PREFIX_rows.csv, PREFIX_sanity.csv "
                         "(and PREFIX_identification.csv)"},
      {"--figure", &a->figure, "Also draw error vs n per metric (simulated and certified, your n marked) into "
                               "PREFIX_figure.png/.svg, data in PREFIX_curves.csv (needs --out and gnuplot)"},
      {"--plots-dir", &a->plots_dir, "Directory of the gnuplot scripts (for --figure)", show_default},
      {"--progress", &a->progress, "Draw a progress bar on stderr even when it is not a terminal"},
      {"--no-progress", &a->no_progress, "Never draw a progress bar"},
      {"--threads", &a->threads, "Worker threads (0 = all cores); results do not depend on it", show_default},
  });
  cmd->get_option("--metric")->delimiter(',');
  cmd->get_option("--sanity-orientation")->check(CLI::IsMember({"paper", "neuron-eval"}));
  cmd->get_option("--progress")->excludes("--no-progress");
  a->cmd = cmd;
  cmd->callback([a] { run_advise(*a); });
}

}  // namespace neuroncert::cli
