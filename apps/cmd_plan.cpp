// `neuroncert plan`: how many probing samples a target accuracy (or margin) needs, docs/theory.md sec. 4.1-4.2;
// or, with --n, the accuracy and margin a given n resolves. The checks and the plan are the study
// studies/bound_reports.hpp; this file parses the options and prints the table or the JSON report.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/studies/bound_reports.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct plan_options {
  studies::plan_inputs in;
  bool json = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

void print_plan_table(const studies::plan_inputs& o, const studies::plan_result& plan) {
  const metric m = plan.m;
  const bounds::plan_request& r = plan.request;
  const double target = bounds::union_delta(o.delta, o.concepts);
  if (!o.n)
    fmt::print("plan: metric {}, |C| = {}, delta = {} (delta/|C| = {}), epsilon = {}{}\n", to_string(m), o.concepts,
               o.delta, format_number(target), format_number(r.epsilon),
               o.margin ? fmt::format(" (margin {} / 2)", *o.margin) : std::string());
  else
    fmt::print("plan: metric {}, |C| = {}, delta = {} (delta/|C| = {}), n = {}: accuracy and margin resolved\n",
               to_string(m), o.concepts, o.delta, format_number(target), *o.n);
  text_table t;
  t.header = {"bound", "n", "m", "delta1", "delta2", "note"};
  if (o.n) t.header = {"bound", "n", "m", "epsilon", "margin", "delta1", "delta2", "note"};
  auto cell = [](const std::optional<double>& x) { return x ? format_number(*x) : std::string("-"); };
  for (const auto& row : plan.rows) {
    std::vector<std::string> cells = {row.bound, row.n ? std::to_string(*row.n) : "-",
                                      row.m ? std::to_string(*row.m) : "-"};
    if (o.n) {
      cells.push_back(cell(row.epsilon));
      cells.push_back(cell(row.margin));
    }
    cells.push_back(cell(row.delta1));
    cells.push_back(cell(row.delta2));
    cells.push_back(row.note);
    t.rows.push_back(cells);
  }
  print_table(t);
  if (r.kind == bounds::rate_kind::effective_sample_size)
    fmt::print("delta = delta1 + delta2: delta1/|C| for the rate given m, delta2 for drawing m samples in the "
               "conditioning event{}\n", r.event_per_concept ? " (one event per concept: delta2/|C| each)" : "");
}

void run_plan(const plan_options& o) {
  const studies::plan_result plan = studies::plan_study(o.in, given_on(*o.cmd));
  if (!o.json) {
    print_plan_table(o.in, plan);
    return;
  }
  nlohmann::json j = studies::plan_json(o.in, plan);
  j["metadata"] = run_metadata();
  fmt::print("{}\n", j.dump(2));
}

}  // namespace

void register_plan(CLI::App& app) {
  auto o = std::make_shared<plan_options>();
  auto& in = o->in;
  CLI::App* cmd = app.add_subcommand(
      "plan", "Probing-set size n needed for a target accuracy or margin (docs/theory.md sec. 4.1), or, with --n, the "
              "accuracy and margin a given n resolves");
  add_options(*cmd, {
      {"--metric", &in.metric_name, "Similarity metric (" + metric_names() + ")", required},
      {"--concepts", &in.concepts, "Size of the concept set |C| (union bound over it)", required},
      {"--epsilon", &in.epsilon, "Target uniform error epsilon: r(n, delta/|C|) <= epsilon"},
      {"--margin", &in.margin, "Margin Delta to resolve: plans for epsilon = Delta/2 (Corollary 3.2)"},
      {"--n", &in.n, "Report the epsilon and margin 2 epsilon that this n resolves instead"},
      {"--delta", &in.delta, "Total failure probability, in (0,1)", required},
      {"--rho", &in.rho, "Concept frequency P(c=1), in (0,1) (required for auroc; recall's q)"},
      {"--rate", &in.rate, "q, probability of the conditioning event: recall P(c=1), precision P(f=1), iou P(f=1 or c=1)"},
      {"--delta-split", &in.delta_split,
       "Fraction of delta spent on the rate (delta1); the rest (delta2) on getting m samples", show_default},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--epsilon")->excludes("--margin")->excludes("--n");
  cmd->get_option("--margin")->excludes("--n");
  o->cmd = cmd;
  cmd->callback([o] { run_plan(*o); });
}

}  // namespace neuroncert::cli
