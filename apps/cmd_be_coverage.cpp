// `neuroncert be-coverage`: coverage of the bootstrap-ensemble prediction set, Theorem 4.1 as corrected
// (docs/theory.md sec. 5), next to the tightened bound and the paper's printed eq. 9, and with --disagreement
// the same bounds with the pairwise p (docs/be_coverage_bound.md). The checks and the
// numbers are the study studies/bound_reports.hpp; this file parses the options and prints them.

#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/studies/bound_reports.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct be_options {
  studies::be_coverage_inputs in;
  std::filesystem::path pilot_neuron, pilot_concepts;
  bool json = false;
};

void run_be(const be_options& o) {
  studies::be_coverage_inputs in = o.in;
  Eigen::MatrixXd f, c;
  if (!o.pilot_neuron.empty()) in.pilot_neuron = &(f = io::read_npy_matrix(o.pilot_neuron, "--pilot-neuron"));
  if (!o.pilot_concepts.empty()) in.pilot_concepts = &(c = io::read_npy_matrix(o.pilot_concepts, "--pilot-concepts"));
  const studies::be_coverage_result r = studies::be_coverage_study(in);
  if (o.json) {
    nlohmann::json j = studies::be_coverage_json(in, r);
    j["metadata"] = run_metadata();
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("be-coverage: K = {}, t = {}, p = {} ({})\n", o.in.K, r.threshold, format_number(r.p, 10), r.p_source);
  text_table tab;
  tab.header = {"bound", "P(c* in S) >=", "formula"};
  tab.rows.push_back({"corrected", format_number(r.corrected, 10), "P(Bin(K,p) <= t-1)"});
  tab.rows.push_back({"tightened", format_number(r.tightened, 10), "P(Bin(K,p) <= max(t, ceil(K/2)) - 1)"});
  tab.rows.push_back(
      {"paper_eq9", format_number(r.paper_eq9, 10), "P(Bin(K,p) <= K-k_S-1) at k_S = t (printed; not valid)"});
  if (const auto& pw = r.pairwise) {
    tab.rows.push_back({"pairwise corrected", format_number(pw->corrected, 10), "P(Bin(K,p') <= t-1), p' below"});
    tab.rows.push_back(
        {"pairwise tightened", format_number(pw->tightened, 10), "P(Bin(K,p') <= max(t, ceil(K/2)) - 1)"});
  }
  print_table(tab);
  if (const auto& e = r.pilot)
    fmt::print("pilot: {} samples, {} concepts; c* = concept {} (accuracy {}), closest runner-up concept {} (margin "
               "{}), largest disagreement {}\n",
               e->samples, e->concepts, e->best, format_number(e->best_accuracy, 6), e->closest,
               format_number(e->min_margin, 6), format_number(e->max_disagreement, 6));
  if (const auto& pw = r.pairwise; pw && !r.pilot)
    fmt::print("pairwise: p' = {} = (|C| - 1) x {} per runner-up with margin >= {} and disagreement <= {} (exact {}, "
               "Chernoff {}, Bernstein {}; accuracy, docs/be_coverage_bound.md)\n",
               format_number(pw->p, 10), format_number(pw->per_runner_up, 6), *in.margin, pw->disagreement,
               format_number(pw->exact, 6), format_number(pw->chernoff, 6), format_number(pw->bernstein, 6));
  else if (pw)
    fmt::print("pairwise: p' = {} ({}); the closest runner-up alone: exact {}, Chernoff {}, Bernstein {}\n",
               format_number(pw->p, 10), pw->p_source, format_number(pw->exact, 6), format_number(pw->chernoff, 6),
               format_number(pw->bernstein, 6));
  fmt::print("caveat: {}\n", bounds::be_coverage_caveat);
}

}  // namespace

void register_be_coverage(CLI::App& app) {
  auto o = std::make_shared<be_options>();
  auto& in = o->in;
  CLI::App* cmd = app.add_subcommand(
      "be-coverage", "Lower bound on the probability that the BE prediction set contains c* (Theorem 4.1, corrected, "
                     "docs/theory.md sec. 5)");
  add_options(*cmd, {
      {"--K", &in.K, "Number of bootstrap resamples K", required},
      {"--threshold", &in.threshold, "BE threshold t in [1, K]"},
      {"--threshold-fraction", &in.threshold_fraction, "t = ceil(tau K), tau in (0, 1]"},
      {"--p", &in.p, "Per-identification failure probability p in [0, 1]"},
      {"--n", &in.n, "Probing-set size (for recall/precision/iou: the effective count m)"},
      {"--margin", &in.margin, "Margin Delta between c* and every other concept"},
      {"--concepts", &in.concepts, "Size of the concept set |C|"},
      {"--metric", &in.metric_name, "Similarity metric (" + metric_names() + ")"},
      {"--rho", &in.rho, "Concept frequency P(c=1), in (0,1) (auroc)"},
      {"--disagreement", &in.disagreement,
       "Accuracy only: an upper bound d on P(c*(x) != c(x)) for every runner-up c, in [margin, 1]; adds the "
       "pairwise bound (docs/be_coverage_bound.md)"},
      {"--pilot-neuron", &o->pilot_neuron,
       "Accuracy, with --n: a pilot's binarised neuron .npy (n_p x 1, 0/1) instead of --margin, --concepts and "
       "--disagreement; with --pilot-concepts"},
      {"--pilot-concepts", &o->pilot_concepts,
       "The pilot's concepts .npy (n_p x |C|, 0/1): c*, each runner-up's margin and disagreement (plug-in)"},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--threshold")->excludes("--threshold-fraction");
  cmd->callback([o] { run_be(*o); });
}

}  // namespace neuroncert::cli
