// `neuroncert plan`: how many probing samples a target accuracy (or margin) needs, THEORY.md sec. 4.1-4.2;
// or, with --n, the accuracy and margin a given n resolves.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "bound_cli_common.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct plan_options {
  std::string metric_name;
  std::int64_t concepts = 1;
  std::optional<double> epsilon, margin, rho, rate;
  std::optional<std::int64_t> n;
  double delta = 0.05;
  double delta_split = 0.5;
  bool json = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

// The checked options as a planning request (the rate kind's parameter, epsilon from --epsilon or
// --margin); throws invalid_argument naming the option at fault.
bounds::plan_request checked_request(const plan_options& o, metric m, bounds::rate_kind kind) {
  check_open_unit("--delta", o.delta);
  check_at_least("--concepts", o.concepts, 1);
  check_open_unit("--delta-split", o.delta_split);
  const int modes = int(o.epsilon.has_value()) + int(o.margin.has_value()) + int(o.n.has_value());
  if (modes != 1) throw invalid_argument("give exactly one of --epsilon, --margin or --n");
  if (o.rho) check_open_unit("--rho", *o.rho);
  if (o.rate && !(*o.rate > 0.0 && *o.rate <= 1.0))
    throw invalid_argument(fmt::format("--rate must lie in (0, 1], got {}", *o.rate));
  bounds::plan_request r{kind, 0.0, o.n, o.delta, o.concepts, o.rho.value_or(0.5), 1.0, o.delta_split};
  // Similarities lie in [0, 1]: an error of 1 or a margin above 1 certifies nothing.
  if (o.epsilon) {
    check_open_unit("--epsilon", *o.epsilon);
    r.epsilon = *o.epsilon;
  }
  if (o.margin) {
    if (!(*o.margin > 0.0 && *o.margin <= 1.0))
      throw invalid_argument(fmt::format("--margin must lie in (0, 1], got {}", *o.margin));
    r.epsilon = bounds::epsilon_for_margin(*o.margin);
  }
  if (o.n) check_count("--n", *o.n, 1, max_samples, "probing-set size");
  const std::string for_metric = fmt::format("for metric {}", to_string(m));
  if (kind != bounds::rate_kind::effective_sample_size) {
    reject_if_given(*o.cmd, "--rate", for_metric + " (only recall, precision and iou condition on an event)");
    reject_if_given(*o.cmd, "--delta-split", for_metric + " (only recall, precision and iou split delta)");
  }
  if (kind == bounds::rate_kind::hoeffding) reject_if_given(*o.cmd, "--rho", for_metric + " (Hoeffding's rate needs no frequency)");
  if (kind == bounds::rate_kind::effective_sample_size && (m != metric::recall || o.rate))
    reject_if_given(*o.cmd, "--rho", for_metric + (m == metric::recall ? " when --rate is given" : " (give --rate)"));
  if (kind == bounds::rate_kind::effective_sample_size) {
    const std::optional<double> q = o.rate ? o.rate : m == metric::recall ? o.rho : std::nullopt;  // recall: c = 1
    if (!q)
      throw invalid_argument(fmt::format(
          "--rate is required for {}: the probability of its conditioning event ({})", to_string(m),
          m == metric::recall ? "P(c=1), or give --rho" : m == metric::precision ? "P(f=1)" : "P(f=1 or c=1)"));
    r.q = *q;
  }
  if (kind == bounds::rate_kind::agarwal_auroc && !o.rho)
    throw invalid_argument("--rho (the concept frequency) is required for auroc");
  return r;
}

void print_plan_json(const plan_options& o, metric m, const bounds::plan_request& r,
                     const std::vector<bounds::plan_row>& rows) {
  nlohmann::json j;
  j["metadata"] = run_metadata();
  j["metric"] = std::string(to_string(m));
  j["concepts"] = o.concepts;
  j["delta"] = o.delta;
  j["delta_per_concept"] = bounds::union_delta(o.delta, o.concepts);
  if (o.epsilon) j["epsilon"] = *o.epsilon;
  if (o.margin) { j["margin"] = *o.margin; j["epsilon"] = r.epsilon; }
  if (o.n) j["n"] = *o.n;
  if (o.rho) j["rho"] = *o.rho;
  if (r.kind == bounds::rate_kind::effective_sample_size) j["q"] = r.q;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json x;
    x["bound"] = row.bound;
    if (row.n) x["n"] = *row.n;
    if (row.m) x["m"] = *row.m;
    if (row.epsilon) x["epsilon"] = io::json_number(*row.epsilon);
    if (row.margin) x["margin"] = io::json_number(*row.margin);
    if (row.delta1) x["delta1"] = *row.delta1;
    if (row.delta2) x["delta2"] = *row.delta2;
    if (!row.note.empty()) x["note"] = row.note;
    arr.push_back(x);
  }
  j["bounds"] = arr;
  fmt::print("{}\n", j.dump(2));
}

void print_plan_table(const plan_options& o, metric m, const bounds::plan_request& r,
                      const std::vector<bounds::plan_row>& rows) {
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
  for (const auto& row : rows) {
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
               "conditioning event\n");
}

void run_plan(const plan_options& o) {
  const metric m = parse_metric(o.metric_name);
  const bounds::plan_request r = checked_request(o, m, require_rate_kind(m));
  const std::vector<bounds::plan_row> rows = bounds::plan_rows(r);
  if (o.json)
    print_plan_json(o, m, r, rows);
  else
    print_plan_table(o, m, r, rows);
}

}  // namespace

void register_plan(CLI::App& app) {
  auto o = std::make_shared<plan_options>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Probing-set size n needed for a target accuracy or margin (THEORY.md sec. 4.1), or, with --n, the "
              "accuracy and margin a given n resolves");
  add_options(*cmd, {
      {"--metric", &o->metric_name, "Similarity metric (" + metric_names() + ")", required},
      {"--concepts", &o->concepts, "Size of the concept set |C| (union bound over it)", required},
      {"--epsilon", &o->epsilon, "Target uniform error epsilon: r(n, delta/|C|) <= epsilon"},
      {"--margin", &o->margin, "Margin Delta to resolve: plans for epsilon = Delta/2 (Corollary 3.2)"},
      {"--n", &o->n, "Report the epsilon and margin 2 epsilon that this n resolves instead"},
      {"--delta", &o->delta, "Total failure probability, in (0,1)", required},
      {"--rho", &o->rho, "Concept frequency P(c=1), in (0,1) (required for auroc; recall's q)"},
      {"--rate", &o->rate, "q, probability of the conditioning event: recall P(c=1), precision P(f=1), iou P(f=1 or c=1)"},
      {"--delta-split", &o->delta_split,
       "Fraction of delta spent on the rate (delta1); the rest (delta2) on getting m samples", show_default},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--epsilon")->excludes("--margin")->excludes("--n");
  cmd->get_option("--margin")->excludes("--n");
  o->cmd = cmd;
  cmd->callback([o] { run_plan(*o); });
}

}  // namespace neuroncert::cli
