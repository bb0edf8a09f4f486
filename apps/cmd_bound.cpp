// `neuroncert bound`: the certified rate r(n, delta/|C|), the uniform gap 2r (Corollary 3.2) and, from
// 2x2 counts, the estimate with its Clopper-Pearson interval at delta/|C| (docs/theory.md sec. 4, 4.2). The
// checks and the bound are the study studies/bound_reports.hpp; this file parses the options and
// prints the table or the JSON report.
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroncert/bounds/bound_report.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/studies/bound_reports.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct bound_options {
  studies::bound_inputs in;
  bool json = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

void print_bound_table(const studies::bound_inputs& o, const studies::bound_result& b) {
  const bounds::bound_report& r = b.report;
  fmt::print("bound: metric {}, n = {}, |C| = {}, delta = {} (delta/|C| = {})\n", to_string(b.m), b.n, o.concepts,
             o.delta, format_number(b.delta_per_concept));
  text_table t;
  t.header = {"quantity", "value", "note"};
  t.rows.push_back({"effective n", format_number(r.basis.n_eff), r.basis.basis});
  t.rows.push_back({"rate r", format_number(r.rate), "P(|sim_hat - sim| >= r) <= delta/|C| per concept"});
  t.rows.push_back({"uniform gap 2r", format_number(r.gap),
                    r.basis.kind == bounds::rate_kind::hoeffding
                        ? "sim(c_hat) >= sim(c*) - 2r (Corollary 3.2)"
                        : "if every concept had this rate; else r_c_hat + max_c r_c"});
  if (r.estimate) {
    const auto& est = *r.estimate;
    if (!est.defined) {
      t.rows.push_back({"estimate", "undefined", est.reason});
    } else {
      t.rows.push_back({"estimate", format_number(est.value), ""});
      t.rows.push_back({"rate interval",
                        fmt::format("[{}, {}]", format_number(b.rate_interval->lower),
                                    format_number(b.rate_interval->upper)),
                        "estimate +- r, clipped to [0, 1]"});
      if (est.clopper_pearson)
        t.rows.push_back({"clopper-pearson",
                          fmt::format("[{}, {}]", format_number(est.clopper_pearson->lower),
                                      format_number(est.clopper_pearson->upper)),
                          fmt::format("{} of {}, exact, two-sided at delta/|C|", est.successes, est.trials)});
    }
  }
  print_table(t);
}

void run_bound(const bound_options& o) {
  const studies::bound_result b = studies::bound_study(o.in, given_on(*o.cmd));
  if (!o.json) {
    print_bound_table(o.in, b);
    return;
  }
  nlohmann::json j = studies::bound_json(o.in, b);
  j["metadata"] = run_metadata();
  fmt::print("{}\n", j.dump(2));
}

}  // namespace

void register_bound(CLI::App& app) {
  auto o = std::make_shared<bound_options>();
  auto& in = o->in;
  CLI::App* cmd = app.add_subcommand(
      "bound", "Certified rate r(n, delta/|C|), uniform gap 2r and, from 2x2 counts, the estimate with its "
               "Clopper-Pearson interval (docs/theory.md sec. 4)");
  add_options(*cmd, {
      {"--metric", &in.metric_name, "Similarity metric (" + metric_names() + ")", required},
      {"--n", &in.n, "Probing-set size (defaults to the sum of --counts)"},
      {"--concepts", &in.concepts, "Size of the concept set |C| (union bound over it)", required},
      {"--delta", &in.delta, "Total failure probability, in (0,1)", required},
      {"--rho", &in.rho, "Concept frequency P(c=1), in (0,1) (auroc without --counts)"},
      {"--counts", &in.counts, "2x2 counts f00,f01,f10,f11 (F_ij = #{f=i, c=j}; the neuron predicts the concept)"},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--counts")->delimiter(',');
  o->cmd = cmd;
  cmd->callback([o] { run_bound(*o); });
}

}  // namespace neuroncert::cli
