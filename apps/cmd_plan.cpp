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
#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/gap.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "bound_cli_common.hpp"
#include "option_checks.hpp"
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

struct plan_row {
  std::string bound;
  std::optional<std::int64_t> n;  // planned n (or the given n)
  std::optional<std::int64_t> m;  // effective count (ESS)
  std::optional<double> epsilon;  // accuracy resolved (with --n)
  std::optional<double> margin;   // margin resolved (with --n)
  std::optional<double> delta1, delta2;
  std::string note;
};

// Largest m with P(Binomial(n, q) >= m) >= 1 - delta2 (0 if none): the effective count n delivers.
// P(X >= m) decreases in m, so an integer bisection on Boost's cdf is exact.
std::int64_t guaranteed_count(std::int64_t n, double q, double delta2) {
  auto ok = [&](std::int64_t m) { return bounds::binomial_upper_tail(m, n, q) >= 1.0 - delta2; };
  std::int64_t lo = 0, hi = n + 1;  // ok(lo), !ok(hi)
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (ok(mid) ? lo : hi) = mid;
  }
  return lo;
}

// Smallest epsilon (to 1e-6 relative, rounded up) with sup_p P(|X/n - p| >= eps) <= target.
// The sup is non-increasing in eps, so bisection on exact_binomial_holds is valid.
double exact_epsilon(std::int64_t n, double target) {
  double lo = 0.0, hi = 1.0;  // at eps = 1 the tail is 0 for every p, so hi holds
  if (!bounds::exact_binomial_holds(n, hi, target)) return 1.0;
  while (hi - lo > 1e-6 * hi) {
    const double mid = 0.5 * (lo + hi);
    (bounds::exact_binomial_holds(n, mid, target) ? hi : lo) = mid;
  }
  return hi;
}

void run_plan(const plan_options& o) {
  const metric m = parse_metric(o.metric_name);
  const auto kind = require_rate_kind(m);
  check_open_unit("--delta", o.delta);
  check_at_least("--concepts", o.concepts, 1);
  check_open_unit("--delta-split", o.delta_split);
  const int modes = int(o.epsilon.has_value()) + int(o.margin.has_value()) + int(o.n.has_value());
  if (modes != 1) throw invalid_argument("give exactly one of --epsilon, --margin or --n");
  if (o.rho) check_open_unit("--rho", *o.rho);
  if (o.rate && !(*o.rate > 0.0 && *o.rate <= 1.0))
    throw invalid_argument(fmt::format("--rate must lie in (0, 1], got {}", *o.rate));
  double eps = 0.0;
  // Similarities lie in [0, 1]: an error of 1 or a margin above 1 certifies nothing.
  if (o.epsilon) {
    check_open_unit("--epsilon", *o.epsilon);
    eps = *o.epsilon;
  }
  if (o.margin) {
    if (!(*o.margin > 0.0 && *o.margin <= 1.0))
      throw invalid_argument(fmt::format("--margin must lie in (0, 1], got {}", *o.margin));
    eps = bounds::epsilon_for_margin(*o.margin);
  }
  if (o.n) check_count("--n", *o.n, 1, max_samples, "probing-set size");
  const double target = bounds::union_delta(o.delta, o.concepts);

  const std::string for_metric = fmt::format("for metric {}", to_string(m));
  if (kind != bounds::rate_kind::effective_sample_size) {
    reject_if_given(*o.cmd, "--rate", for_metric + " (only recall, precision and iou condition on an event)");
    reject_if_given(*o.cmd, "--delta-split", for_metric + " (only recall, precision and iou split delta)");
  }
  if (kind == bounds::rate_kind::hoeffding) reject_if_given(*o.cmd, "--rho", for_metric + " (Hoeffding's rate needs no frequency)");
  if (kind == bounds::rate_kind::effective_sample_size && (m != metric::recall || o.rate))
    reject_if_given(*o.cmd, "--rho", for_metric + (m == metric::recall ? " when --rate is given" : " (give --rate)"));

  std::optional<double> q;  // probability of the conditioning event (ESS)
  if (kind == bounds::rate_kind::effective_sample_size) {
    q = o.rate;
    if (!q && m == metric::recall && o.rho) q = o.rho;  // recall conditions on c = 1
    if (!q)
      throw invalid_argument(fmt::format(
          "--rate is required for {}: the probability of its conditioning event ({})", to_string(m),
          m == metric::recall ? "P(c=1), or give --rho" : m == metric::precision ? "P(f=1)" : "P(f=1 or c=1)"));
  }
  if (kind == bounds::rate_kind::agarwal_auroc && !o.rho)
    throw invalid_argument("--rho (the concept frequency) is required for auroc");

  std::vector<plan_row> rows;
  const double d1 = o.delta_split * o.delta, d2 = o.delta - d1;
  const plan_row exact_skipped{"exact-binomial", {}, {}, {}, {}, {}, {},
                               fmt::format("not computed above n = {} (its cost grows with n); use hoeffding",
                                           bounds::exact_binomial_max_n)};
  if (!o.n) {
    switch (kind) {
      case bounds::rate_kind::hoeffding:
        rows.push_back({"hoeffding", bounds::plan_n_accuracy(eps, o.delta, o.concepts), {}, {}, {}, {}, {}, ""});
        if (bounds::exact_binomial_plannable(eps, o.delta, o.concepts))
          rows.push_back({"exact-binomial", bounds::plan_n_exact_binomial(eps, o.delta, o.concepts), {}, {}, {}, {}, {},
                          "worst case over p, tighter"});
        else
          rows.push_back(exact_skipped);
        break;
      case bounds::rate_kind::agarwal_auroc:
        rows.push_back({"agarwal", bounds::plan_n_auroc(eps, o.delta, o.concepts, *o.rho), {}, {}, {}, {}, {},
                        fmt::format("rho = {}", *o.rho)});
        break;
      case bounds::rate_kind::effective_sample_size: {
        const auto p = bounds::plan_n_ess(eps, o.delta, o.concepts, *q, o.delta_split);
        rows.push_back({"ess-hoeffding", p.n, p.m, {}, {}, p.delta1, p.delta2, fmt::format("q = {}", *q)});
        if (bounds::exact_binomial_plannable(eps, d1, o.concepts)) {
          const std::int64_t m_exact = bounds::plan_n_exact_binomial(eps, d1, o.concepts);
          const auto pe = bounds::plan_n_for_m(m_exact, o.delta, *q, o.delta_split);
          rows.push_back({"ess-exact-binomial", pe.n, pe.m, {}, {}, pe.delta1, pe.delta2, fmt::format("q = {}", *q)});
        } else {
          rows.push_back(exact_skipped);
          rows.back().bound = "ess-exact-binomial";
        }
        break;
      }
    }
  } else {
    const double n = static_cast<double>(*o.n);
    switch (kind) {
      case bounds::rate_kind::hoeffding: {
        const double r = bounds::hoeffding_rate(n, target);
        rows.push_back({"hoeffding", *o.n, {}, r, 2 * r, {}, {}, ""});
        if (*o.n <= bounds::exact_binomial_max_n) {
          const double e = exact_epsilon(*o.n, target);
          rows.push_back({"exact-binomial", *o.n, {}, e, 2 * e, {}, {}, "worst case over p"});
        } else {
          rows.push_back(exact_skipped);
        }
        break;
      }
      case bounds::rate_kind::agarwal_auroc: {
        const double r = bounds::auroc_rate(n, *o.rho, target);
        rows.push_back({"agarwal", *o.n, {}, r, 2 * r, {}, {}, fmt::format("rho = {}", *o.rho)});
        break;
      }
      case bounds::rate_kind::effective_sample_size: {
        const std::int64_t mm = guaranteed_count(*o.n, *q, d2);
        const double r = bounds::ess_rate(static_cast<double>(mm), bounds::union_delta(d1, o.concepts));
        rows.push_back({"ess-hoeffding", *o.n, mm, r, 2 * r, d1, d2,
                        fmt::format("q = {}; m delivered with prob. >= 1 - delta2", *q)});
        break;
      }
    }
  }

  if (o.json) {
    nlohmann::json j;
    j["metadata"] = run_metadata();
    j["metric"] = std::string(to_string(m));
    j["concepts"] = o.concepts;
    j["delta"] = o.delta;
    j["delta_per_concept"] = target;
    if (o.epsilon) j["epsilon"] = *o.epsilon;
    if (o.margin) { j["margin"] = *o.margin; j["epsilon"] = eps; }
    if (o.n) j["n"] = *o.n;
    if (o.rho) j["rho"] = *o.rho;
    if (q) j["q"] = *q;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json x;
      x["bound"] = r.bound;
      if (r.n) x["n"] = *r.n;
      if (r.m) x["m"] = *r.m;
      if (r.epsilon) x["epsilon"] = io::json_number(*r.epsilon);
      if (r.margin) x["margin"] = io::json_number(*r.margin);
      if (r.delta1) x["delta1"] = *r.delta1;
      if (r.delta2) x["delta2"] = *r.delta2;
      if (!r.note.empty()) x["note"] = r.note;
      arr.push_back(x);
    }
    j["bounds"] = arr;
    fmt::print("{}\n", j.dump(2));
    return;
  }

  if (!o.n)
    fmt::print("plan: metric {}, |C| = {}, delta = {} (delta/|C| = {}), epsilon = {}{}\n", to_string(m), o.concepts,
               o.delta, format_number(target), format_number(eps),
               o.margin ? fmt::format(" (margin {} / 2)", *o.margin) : std::string());
  else
    fmt::print("plan: metric {}, |C| = {}, delta = {} (delta/|C| = {}), n = {}: accuracy and margin resolved\n",
               to_string(m), o.concepts, o.delta, format_number(target), *o.n);
  text_table t;
  t.header = {"bound", "n", "m", "delta1", "delta2", "note"};
  if (o.n) t.header = {"bound", "n", "m", "epsilon", "margin", "delta1", "delta2", "note"};
  for (const auto& r : rows) {
    std::vector<std::string> cells = {r.bound, r.n ? std::to_string(*r.n) : "-", r.m ? std::to_string(*r.m) : "-"};
    if (o.n) {
      cells.push_back(r.epsilon ? format_number(*r.epsilon) : "-");
      cells.push_back(r.margin ? format_number(*r.margin) : "-");
    }
    cells.push_back(r.delta1 ? format_number(*r.delta1) : "-");
    cells.push_back(r.delta2 ? format_number(*r.delta2) : "-");
    cells.push_back(r.note);
    t.rows.push_back(cells);
  }
  print_table(t);
  if (kind == bounds::rate_kind::effective_sample_size)
    fmt::print("delta = delta1 + delta2: delta1/|C| for the rate given m, delta2 for drawing m samples in the "
               "conditioning event\n");
}

}  // namespace

void register_plan(CLI::App& app) {
  auto opts = std::make_shared<plan_options>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Probing-set size n needed for a target accuracy or margin (THEORY.md sec. 4.1), or, with --n, the "
              "accuracy and margin a given n resolves");
  cmd->add_option("--metric", opts->metric_name, "Similarity metric (" + metric_names() + ")")->required();
  cmd->add_option("--concepts", opts->concepts, "Size of the concept set |C| (union bound over it)")->required();
  auto* eps = cmd->add_option("--epsilon", opts->epsilon, "Target uniform error epsilon: r(n, delta/|C|) <= epsilon");
  auto* mar = cmd->add_option("--margin", opts->margin, "Margin Delta to resolve: plans for epsilon = Delta/2 "
                                                        "(Corollary 3.2)");
  auto* nn = cmd->add_option("--n", opts->n, "Report the epsilon and margin 2 epsilon that this n resolves instead");
  eps->excludes(mar)->excludes(nn);
  mar->excludes(nn);
  cmd->add_option("--delta", opts->delta, "Total failure probability, in (0,1)")->required();
  cmd->add_option("--rho", opts->rho, "Concept frequency P(c=1), in (0,1) (required for auroc; recall's q)");
  cmd->add_option("--rate", opts->rate,
                  "q, probability of the conditioning event: recall P(c=1), precision P(f=1), iou P(f=1 or c=1)");
  cmd->add_option("--delta-split", opts->delta_split,
                  "Fraction of delta spent on the rate (delta1); the rest (delta2) on getting m samples")
      ->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print a JSON report instead of a table");
  opts->cmd = cmd;
  cmd->callback([opts] { run_plan(*opts); });
}

}  // namespace neuroncert::cli
