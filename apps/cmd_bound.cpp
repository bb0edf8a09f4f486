// `neuroncert bound`: the certified rate r(n, delta/|C|), the uniform gap 2r (Corollary 3.2) and, from
// 2x2 counts, the estimate with its Clopper-Pearson interval at delta/|C| (THEORY.md sec. 4, 4.2).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "bound_cli_common.hpp"
#include "commands.hpp"
#include "neuroncert/bounds/bound_report.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct bound_options {
  std::string metric_name;
  std::optional<std::int64_t> n;
  std::int64_t concepts = 1;
  double delta = 0.05;
  std::optional<double> rho;
  std::vector<std::int64_t> counts;
  bool json = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

// The counts, checked (each in [0, max_samples]); nullopt without --counts.
std::optional<counts2x2> parse_counts(const std::vector<std::int64_t>& c) {
  if (c.empty()) return std::nullopt;
  if (c.size() != 4) throw invalid_argument(fmt::format("--counts needs 4 values f00,f01,f10,f11, got {}", c.size()));
  const char* names[] = {"--counts f00", "--counts f01", "--counts f10", "--counts f11"};
  for (std::size_t i = 0; i < 4; ++i) check_count(names[i], c[i], 0, max_samples, "a count");
  return counts2x2{static_cast<double>(c[0]), static_cast<double>(c[1]), static_cast<double>(c[2]),
                   static_cast<double>(c[3])};
}

// n from --n and/or the counts' sum, with the option checks that depend on the metric.
std::int64_t checked_n(const bound_options& o, metric m, bounds::rate_kind kind) {
  const bool have_counts = !o.counts.empty();
  const std::int64_t total = have_counts ? o.counts[0] + o.counts[1] + o.counts[2] + o.counts[3] : 0;
  if (o.n && have_counts && *o.n != total)
    throw invalid_argument(fmt::format("--n ({}) must equal the sum of --counts ({})", *o.n, total));
  if (!o.n && !have_counts) throw invalid_argument("--n is required (or give --counts f00,f01,f10,f11)");
  const std::int64_t n = o.n ? *o.n : total;
  check_count("--n", n, 1, max_samples, "probing-set size; with --counts, their sum");
  if (o.rho) check_open_unit("--rho", *o.rho);
  if (kind != bounds::rate_kind::agarwal_auroc)
    reject_if_given(*o.cmd, "--rho", fmt::format("for metric {} (only auroc's rate uses the frequency)", to_string(m)));
  else if (have_counts)
    reject_if_given(*o.cmd, "--rho", "with --counts (auroc's rate then uses the counts' own n0 and n1)");
  if (kind == bounds::rate_kind::agarwal_auroc && !have_counts && !o.rho)
    throw invalid_argument("--rho (or --counts) is required for auroc");
  if (kind == bounds::rate_kind::effective_sample_size && !have_counts)
    throw invalid_argument(fmt::format(
        "--counts f00,f01,f10,f11 is required for {}: its rate uses the effective sample size m", to_string(m)));
  return n;
}

void print_bound_json(const bound_options& o, metric m, std::int64_t n, double target, const bounds::bound_report& r,
                      const std::optional<counts2x2>& k) {
  nlohmann::json j;
  j["metadata"] = run_metadata();
  j["metric"] = std::string(to_string(m));
  j["n"] = n;
  j["concepts"] = o.concepts;
  j["delta"] = o.delta;
  j["delta_per_concept"] = target;
  j["rate_basis"] = r.basis.basis;
  j["effective_n"] = r.basis.n_eff;
  j["rate"] = io::json_number(r.rate);
  j["uniform_gap"] = io::json_number(r.gap);
  if (k) {
    j["counts"] = {{"f00", o.counts[0]}, {"f01", o.counts[1]}, {"f10", o.counts[2]}, {"f11", o.counts[3]}};
    const auto& est = *r.estimate;
    if (est.defined) {
      j["estimate"] = est.value;
      j["rate_interval"] = {{"lower", std::max(0.0, est.value - r.rate)}, {"upper", std::min(1.0, est.value + r.rate)}};
      if (est.clopper_pearson)
        j["clopper_pearson"] = {{"lower", est.clopper_pearson->lower}, {"upper", est.clopper_pearson->upper},
                                {"successes", est.successes}, {"trials", est.trials}, {"level", target}};
    } else {
      j["estimate"] = nullptr;
      j["undefined_reason"] = est.reason;
    }
  }
  fmt::print("{}\n", j.dump(2));
}

void print_bound_table(const bound_options& o, metric m, std::int64_t n, double target, const bounds::bound_report& r) {
  fmt::print("bound: metric {}, n = {}, |C| = {}, delta = {} (delta/|C| = {})\n", to_string(m), n, o.concepts,
             o.delta, format_number(target));
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
                        fmt::format("[{}, {}]", format_number(std::max(0.0, est.value - r.rate)),
                                    format_number(std::min(1.0, est.value + r.rate))),
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
  const metric m = parse_metric(o.metric_name);
  const bounds::rate_kind kind = require_rate_kind(m);
  check_open_unit("--delta", o.delta);
  check_at_least("--concepts", o.concepts, 1);
  const double target = bounds::union_delta(o.delta, o.concepts);
  const std::optional<counts2x2> k = parse_counts(o.counts);
  const std::int64_t n = checked_n(o, m, kind);
  const bounds::bound_report r = bounds::bound_report_for(m, n, target, o.rho, k);
  if (o.json)
    print_bound_json(o, m, n, target, r, k);
  else
    print_bound_table(o, m, n, target, r);
}

}  // namespace

void register_bound(CLI::App& app) {
  auto o = std::make_shared<bound_options>();
  CLI::App* cmd = app.add_subcommand(
      "bound", "Certified rate r(n, delta/|C|), uniform gap 2r and, from 2x2 counts, the estimate with its "
               "Clopper-Pearson interval (THEORY.md sec. 4)");
  add_options(*cmd, {
      {"--metric", &o->metric_name, "Similarity metric (" + metric_names() + ")", required},
      {"--n", &o->n, "Probing-set size (defaults to the sum of --counts)"},
      {"--concepts", &o->concepts, "Size of the concept set |C| (union bound over it)", required},
      {"--delta", &o->delta, "Total failure probability, in (0,1)", required},
      {"--rho", &o->rho, "Concept frequency P(c=1), in (0,1) (auroc without --counts)"},
      {"--counts", &o->counts, "2x2 counts f00,f01,f10,f11 (F_ij = #{f=i, c=j}; the neuron predicts the concept)"},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--counts")->delimiter(',');
  o->cmd = cmd;
  cmd->callback([o] { run_bound(*o); });
}

}  // namespace neuroncert::cli
