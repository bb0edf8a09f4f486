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
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "option_checks.hpp"
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

struct estimate_info {
  bool defined = false;
  std::string reason;  // when undefined
  double value = 0;
  std::optional<bounds::interval> cp;  // Clopper-Pearson (count metrics)
  std::int64_t k = 0, trials = 0;
};

void run_bound(const bound_options& o) {
  const metric m = parse_metric(o.metric_name);
  const bounds::rate_kind kind = require_rate_kind(m);
  check_open_unit("--delta", o.delta);
  check_at_least("--concepts", o.concepts, 1);
  const double target = bounds::union_delta(o.delta, o.concepts);
  const bool have_counts = !o.counts.empty();
  std::int64_t f00 = 0, f01 = 0, f10 = 0, f11 = 0;
  if (have_counts) {
    if (o.counts.size() != 4)
      throw invalid_argument(fmt::format("--counts needs 4 values f00,f01,f10,f11, got {}", o.counts.size()));
    check_count("--counts f00", o.counts[0], 0, max_samples, "a count");
    check_count("--counts f01", o.counts[1], 0, max_samples, "a count");
    check_count("--counts f10", o.counts[2], 0, max_samples, "a count");
    check_count("--counts f11", o.counts[3], 0, max_samples, "a count");
    f00 = o.counts[0], f01 = o.counts[1], f10 = o.counts[2], f11 = o.counts[3];
  }
  const std::int64_t total = f00 + f01 + f10 + f11;
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

  double r = 0, n_eff = 0;
  std::string basis;
  switch (kind) {
    case bounds::rate_kind::hoeffding:
      r = bounds::hoeffding_rate(static_cast<double>(n), target);
      n_eff = static_cast<double>(n);
      basis = "hoeffding, n";
      break;
    case bounds::rate_kind::agarwal_auroc:
      if (have_counts) {
        const double n0 = static_cast<double>(f00 + f10), n1 = static_cast<double>(f01 + f11);
        r = bounds::auroc_rate_counts(n0, n1, target);
        n_eff = (n0 == 0 || n1 == 0) ? 0.0 : n0 * n1 / (n0 + n1);
        basis = "agarwal, n0 n1 / n from the counts";
      } else {
        if (!o.rho) throw invalid_argument("--rho (or --counts) is required for auroc");
        r = bounds::auroc_rate(static_cast<double>(n), *o.rho, target);
        n_eff = *o.rho * (1 - *o.rho) * static_cast<double>(n);
        basis = "agarwal, rho (1 - rho) n";
      }
      break;
    case bounds::rate_kind::effective_sample_size: {
      if (!have_counts)
        throw invalid_argument(fmt::format(
            "--counts f00,f01,f10,f11 is required for {}: its rate uses the effective sample size m", to_string(m)));
      const double a = static_cast<double>(f00), b = static_cast<double>(f01), c = static_cast<double>(f10),
                   d = static_cast<double>(f11);
      n_eff = m == metric::recall      ? bounds::recall_effective_n(a, b, c, d)
              : m == metric::precision ? bounds::precision_effective_n(a, b, c, d)
                                       : bounds::iou_effective_n(a, b, c, d);
      r = bounds::ess_rate(n_eff, target);
      basis = "effective sample size m";
      break;
    }
  }

  estimate_info est;
  if (have_counts) {
    auto ratio = [&](std::int64_t k, std::int64_t trials, const char* reason) {
      est.k = k;
      est.trials = trials;
      if (trials == 0) {
        est.reason = reason;
        return;
      }
      est.defined = true;
      est.value = static_cast<double>(k) / static_cast<double>(trials);
      est.cp = bounds::clopper_pearson(k, trials, target);
    };
    switch (m) {
      case metric::accuracy: ratio(f00 + f11, total, "empty probing set"); break;
      case metric::recall: ratio(f11, f01 + f11, "no concept positives"); break;
      case metric::precision: ratio(f11, f10 + f11, "neuron never fires"); break;
      case metric::iou: ratio(f11, f01 + f10 + f11, "neuron and concept both empty"); break;
      default:  // auroc on a binary neuron: tie-corrected = balanced accuracy (TPR + TNR) / 2
        if (f01 + f11 == 0 || f00 + f10 == 0) {
          est.reason = "a class is empty";
        } else {
          est.defined = true;
          est.value = 0.5 * (static_cast<double>(f11) / static_cast<double>(f01 + f11) +
                             static_cast<double>(f00) / static_cast<double>(f00 + f10));
        }
    }
  }

  const double gap = 2 * r;
  if (o.json) {
    nlohmann::json j;
    j["metadata"] = run_metadata();
    j["metric"] = std::string(to_string(m));
    j["n"] = n;
    j["concepts"] = o.concepts;
    j["delta"] = o.delta;
    j["delta_per_concept"] = target;
    j["rate_basis"] = basis;
    j["effective_n"] = n_eff;
    j["rate"] = io::json_number(r);
    j["uniform_gap"] = io::json_number(gap);
    if (have_counts) {
      j["counts"] = {{"f00", f00}, {"f01", f01}, {"f10", f10}, {"f11", f11}};
      if (est.defined) {
        j["estimate"] = est.value;
        j["rate_interval"] = {{"lower", std::max(0.0, est.value - r)}, {"upper", std::min(1.0, est.value + r)}};
        if (est.cp)
          j["clopper_pearson"] = {{"lower", est.cp->lower}, {"upper", est.cp->upper}, {"successes", est.k},
                                  {"trials", est.trials}, {"level", target}};
      } else {
        j["estimate"] = nullptr;
        j["undefined_reason"] = est.reason;
      }
    }
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("bound: metric {}, n = {}, |C| = {}, delta = {} (delta/|C| = {})\n", to_string(m), n, o.concepts,
             o.delta, format_number(target));
  text_table t;
  t.header = {"quantity", "value", "note"};
  t.rows.push_back({"effective n", format_number(n_eff), basis});
  t.rows.push_back({"rate r", format_number(r), "P(|sim_hat - sim| >= r) <= delta/|C| per concept"});
  t.rows.push_back({"uniform gap 2r", format_number(gap),
                    kind == bounds::rate_kind::hoeffding
                        ? "sim(c_hat) >= sim(c*) - 2r (Corollary 3.2)"
                        : "if every concept had this rate; else r_c_hat + max_c r_c"});
  if (have_counts) {
    if (!est.defined) {
      t.rows.push_back({"estimate", "undefined", est.reason});
    } else {
      t.rows.push_back({"estimate", format_number(est.value), ""});
      t.rows.push_back({"rate interval",
                        fmt::format("[{}, {}]", format_number(std::max(0.0, est.value - r)),
                                    format_number(std::min(1.0, est.value + r))),
                        "estimate +- r, clipped to [0, 1]"});
      if (est.cp)
        t.rows.push_back({"clopper-pearson",
                          fmt::format("[{}, {}]", format_number(est.cp->lower), format_number(est.cp->upper)),
                          fmt::format("{} of {}, exact, two-sided at delta/|C|", est.k, est.trials)});
    }
  }
  print_table(t);
}

}  // namespace

void register_bound(CLI::App& app) {
  auto opts = std::make_shared<bound_options>();
  CLI::App* cmd = app.add_subcommand(
      "bound", "Certified rate r(n, delta/|C|), uniform gap 2r and, from 2x2 counts, the estimate with its "
               "Clopper-Pearson interval (THEORY.md sec. 4)");
  cmd->add_option("--metric", opts->metric_name, "Similarity metric (" + metric_names() + ")")->required();
  cmd->add_option("--n", opts->n, "Probing-set size (defaults to the sum of --counts)");
  cmd->add_option("--concepts", opts->concepts, "Size of the concept set |C| (union bound over it)")->required();
  cmd->add_option("--delta", opts->delta, "Total failure probability, in (0,1)")->required();
  cmd->add_option("--rho", opts->rho, "Concept frequency P(c=1), in (0,1) (auroc without --counts)");
  cmd->add_option("--counts", opts->counts,
                  "2x2 counts f00,f01,f10,f11 (F_ij = #{f=i, c=j}; the neuron predicts the concept)")
      ->delimiter(',');
  cmd->add_flag("--json", opts->json, "Print a JSON report instead of a table");
  opts->cmd = cmd;
  cmd->callback([opts] { run_bound(*opts); });
}

}  // namespace neuroncert::cli
