// `neuroncert be-coverage`: coverage of the bootstrap-ensemble prediction set, Theorem 4.1 as corrected
// (THEORY.md sec. 5), next to the tightened bound and the paper's printed eq. 9.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "bound_cli_common.hpp"
#include "commands.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"
#include "table_output.hpp"

namespace neuroncert::cli {
namespace {

struct be_options {
  std::int64_t K = 100;
  std::optional<std::int64_t> threshold;
  std::optional<double> threshold_fraction;
  std::optional<double> p;
  std::optional<double> n, margin, rho;
  std::optional<std::int64_t> concepts;
  std::optional<std::string> metric_name;
  bool json = false;
};

// The BE threshold t from --threshold or --threshold-fraction.
std::int64_t checked_threshold(const be_options& o) {
  check_count("--K", o.K, 1, max_resamples, "bootstrap resamples; the paper uses 100");
  return bounds::checked_be_threshold(o.K, o.threshold, o.threshold_fraction);
}

// The per-identification failure probability p: given, or solving r(n, p/|C|) = Delta/2; with its source.
std::pair<double, std::string> checked_p(const be_options& o) {
  const bool from_margin = o.n || o.margin || o.concepts || o.metric_name || o.rho;
  if (o.p) {
    if (from_margin) throw invalid_argument("--p excludes --n, --margin, --concepts, --metric and --rho");
    check_closed_unit("--p", *o.p);
    return {*o.p, "given"};
  }
  if (!(o.n && o.margin && o.concepts && o.metric_name))
    throw invalid_argument("give --p, or all of --n, --margin, --concepts and --metric");
  const metric m = parse_metric(*o.metric_name);
  const bounds::rate_kind kind = require_rate_kind(m);
  check_positive("--margin", *o.margin);
  check_at_least("--concepts", *o.concepts, 1);
  if (kind == bounds::rate_kind::agarwal_auroc && !o.rho)
    throw invalid_argument("--rho (the concept frequency) is required for auroc");
  if (o.rho) check_open_unit("--rho", *o.rho);
  if (kind != bounds::rate_kind::agarwal_auroc && o.rho)
    throw invalid_argument(fmt::format("--rho is not used for metric {} (only auroc's rate uses the frequency)",
                                       to_string(m)));
  if (kind == bounds::rate_kind::effective_sample_size) check_nonnegative("--n", *o.n);
  else if (!(*o.n >= 1)) throw invalid_argument(fmt::format("--n must be at least 1, got {}", *o.n));
  if (*o.n > static_cast<double>(max_samples))
    throw invalid_argument(fmt::format("--n must be at most {} (probing-set size), got {}", max_samples, *o.n));
  return {bounds::p_from_margin({kind, o.rho.value_or(0.5)}, *o.n, *o.margin, *o.concepts),
          fmt::format("solves r(n, p/|C|) = Delta/2 ({}, n = {}, Delta = {}, |C| = {})", to_string(m), *o.n,
                      *o.margin, *o.concepts)};
}

void run_be(const be_options& o) {
  const std::int64_t t = checked_threshold(o);
  const auto [p, p_source] = checked_p(o);
  const double corrected = bounds::be_coverage_corrected(o.K, t, p);
  const double tightened = bounds::be_coverage_tightened(o.K, t, p);
  const double eq9 = bounds::paper_eq9(o.K, t, p);
  if (o.json) {
    nlohmann::json j;
    j["metadata"] = run_metadata();
    j["K"] = o.K;
    j["threshold"] = t;
    j["p"] = p;
    j["p_source"] = p_source;
    j["corrected"] = corrected;
    j["tightened"] = tightened;
    j["paper_eq9_at_kS_eq_t"] = eq9;
    j["caveat"] = bounds::be_coverage_caveat;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("be-coverage: K = {}, t = {}, p = {} ({})\n", o.K, t, format_number(p, 10), p_source);
  text_table tab;
  tab.header = {"bound", "P(c* in S) >=", "formula"};
  tab.rows.push_back({"corrected", format_number(corrected, 10), "P(Bin(K,p) <= t-1)"});
  tab.rows.push_back({"tightened", format_number(tightened, 10), "P(Bin(K,p) <= max(t, ceil(K/2)) - 1)"});
  tab.rows.push_back({"paper_eq9", format_number(eq9, 10), "P(Bin(K,p) <= K-k_S-1) at k_S = t (printed; not valid)"});
  print_table(tab);
  fmt::print("caveat: {}\n", bounds::be_coverage_caveat);
}

}  // namespace

void register_be_coverage(CLI::App& app) {
  auto o = std::make_shared<be_options>();
  CLI::App* cmd = app.add_subcommand(
      "be-coverage", "Lower bound on the probability that the BE prediction set contains c* (Theorem 4.1, corrected, "
                     "THEORY.md sec. 5)");
  add_options(*cmd, {
      {"--K", &o->K, "Number of bootstrap resamples K", required},
      {"--threshold", &o->threshold, "BE threshold t in [1, K]"},
      {"--threshold-fraction", &o->threshold_fraction, "t = ceil(tau K), tau in (0, 1]"},
      {"--p", &o->p, "Per-identification failure probability p in [0, 1]"},
      {"--n", &o->n, "Probing-set size (for recall/precision/iou: the effective count m)"},
      {"--margin", &o->margin, "Margin Delta between c* and every other concept"},
      {"--concepts", &o->concepts, "Size of the concept set |C|"},
      {"--metric", &o->metric_name, "Similarity metric (" + metric_names() + ")"},
      {"--rho", &o->rho, "Concept frequency P(c=1), in (0,1) (auroc)"},
      {"--json", &o->json, "Print a JSON report instead of a table"},
  });
  cmd->get_option("--threshold")->excludes("--threshold-fraction");
  cmd->callback([o] { run_be(*o); });
}

}  // namespace neuroncert::cli
