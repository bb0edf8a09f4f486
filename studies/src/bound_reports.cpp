#include "neuroncert/studies/bound_reports.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/range_checks.hpp"

namespace neuroncert::studies {
namespace {

// ---- plan ------------------------------------------------------------------------------------

/// The target of the plan (epsilon from --epsilon or --margin) or the given n, checked.
void check_plan_target(const plan_inputs& in, bounds::plan_request& r) {
  const int modes = int(in.epsilon.has_value()) + int(in.margin.has_value()) + int(in.n.has_value());
  if (modes != 1) throw invalid_argument("give exactly one of --epsilon, --margin or --n");
  if (in.rho) check_open_unit("--rho", *in.rho);
  if (in.rate && !(*in.rate > 0.0 && *in.rate <= 1.0))
    throw invalid_argument(fmt::format("--rate must lie in (0, 1], got {}", *in.rate));
  // Similarities lie in [0, 1]: an error of 1 or a margin above 1 certifies nothing.
  if (in.epsilon) {
    check_open_unit("--epsilon", *in.epsilon);
    r.epsilon = *in.epsilon;
  }
  if (in.margin) {
    if (!(*in.margin > 0.0 && *in.margin <= 1.0))
      throw invalid_argument(fmt::format("--margin must lie in (0, 1], got {}", *in.margin));
    r.epsilon = bounds::epsilon_for_margin(*in.margin);
  }
  if (in.n) check_count("--n", *in.n, 1, max_samples, "probing-set size");
}

/// The rate kind's parameter (q for the ESS metrics), refusing the options the kind does not read.
void check_plan_rate_options(const plan_inputs& in, metric m, const option_given& given, bounds::plan_request& r) {
  const bounds::rate_kind kind = r.kind;
  const std::string for_metric = fmt::format("for metric {}", to_string(m));
  if (kind != bounds::rate_kind::effective_sample_size) {
    reject_unused_option("--rate", given("--rate"),
                         for_metric + " (only recall, precision and iou condition on an event)");
    reject_unused_option("--delta-split", given("--delta-split"),
                         for_metric + " (only recall, precision and iou split delta)");
  }
  if (kind == bounds::rate_kind::hoeffding)
    reject_unused_option("--rho", given("--rho"), for_metric + " (Hoeffding's rate needs no frequency)");
  if (kind == bounds::rate_kind::effective_sample_size && (m != metric::recall || in.rate))
    reject_unused_option("--rho", given("--rho"),
                         for_metric + (m == metric::recall ? " when --rate is given" : " (give --rate)"));
  if (kind == bounds::rate_kind::effective_sample_size) {
    const std::optional<double> q = in.rate ? in.rate : m == metric::recall ? in.rho : std::nullopt;  // recall: c = 1
    if (!q)
      throw invalid_argument(fmt::format(
          "--rate is required for {}: the probability of its conditioning event ({})", to_string(m),
          m == metric::recall ? "P(c=1), or give --rho" : m == metric::precision ? "P(f=1)" : "P(f=1 or c=1)"));
    r.q = *q;
    r.event_per_concept = m != metric::precision;  // recall: c = 1, IoU: f = 1 or c = 1, per concept
  }
  if (kind == bounds::rate_kind::agarwal_auroc && !in.rho)
    throw invalid_argument("--rho (the concept frequency) is required for auroc");
}

// ---- bound -----------------------------------------------------------------------------------

/// The counts, checked (each in [0, max_samples]); nullopt without --counts.
std::optional<counts2x2> checked_counts(const std::vector<std::int64_t>& c) {
  if (c.empty()) return std::nullopt;
  if (c.size() != 4) throw invalid_argument(fmt::format("--counts needs 4 values f00,f01,f10,f11, got {}", c.size()));
  const char* names[] = {"--counts f00", "--counts f01", "--counts f10", "--counts f11"};
  for (std::size_t i = 0; i < 4; ++i) check_count(names[i], c[i], 0, max_samples, "a count");
  return counts2x2{static_cast<double>(c[0]), static_cast<double>(c[1]), static_cast<double>(c[2]),
                   static_cast<double>(c[3])};
}

/// n from --n and/or the counts' sum, with the option checks that depend on the metric.
std::int64_t checked_n(const bound_inputs& in, metric m, bounds::rate_kind kind, const option_given& given) {
  const bool have_counts = !in.counts.empty();
  const std::int64_t total = have_counts ? in.counts[0] + in.counts[1] + in.counts[2] + in.counts[3] : 0;
  if (in.n && have_counts && *in.n != total)
    throw invalid_argument(fmt::format("--n ({}) must equal the sum of --counts ({})", *in.n, total));
  if (!in.n && !have_counts) throw invalid_argument("--n is required (or give --counts f00,f01,f10,f11)");
  const std::int64_t n = in.n ? *in.n : total;
  check_count("--n", n, 1, max_samples, "probing-set size; with --counts, their sum");
  if (in.rho) check_open_unit("--rho", *in.rho);
  if (kind != bounds::rate_kind::agarwal_auroc)
    reject_unused_option("--rho", given("--rho"),
                         fmt::format("for metric {} (only auroc's rate uses the frequency)", to_string(m)));
  else if (have_counts)
    reject_unused_option("--rho", given("--rho"), "with --counts (auroc's rate then uses the counts' own n0 and n1)");
  if (kind == bounds::rate_kind::agarwal_auroc && !have_counts && !in.rho)
    throw invalid_argument("--rho (or --counts) is required for auroc");
  if (kind == bounds::rate_kind::effective_sample_size && !have_counts)
    throw invalid_argument(fmt::format(
        "--counts f00,f01,f10,f11 is required for {}: its rate uses the effective sample size m", to_string(m)));
  return n;
}

/// The estimate from the counts and its intervals (or null with the reason), into the report `j`.
void add_estimate_json(const bound_inputs& in, const bound_result& r, nlohmann::json& j) {
  j["counts"] = {{"f00", in.counts[0]}, {"f01", in.counts[1]}, {"f10", in.counts[2]}, {"f11", in.counts[3]}};
  const auto& est = *r.report.estimate;
  if (!est.defined) {
    j["estimate"] = nullptr;
    j["undefined_reason"] = est.reason;
    return;
  }
  j["estimate"] = est.value;
  j["rate_interval"] = {{"lower", r.rate_interval->lower}, {"upper", r.rate_interval->upper}};
  if (est.clopper_pearson)
    j["clopper_pearson"] = {{"lower", est.clopper_pearson->lower}, {"upper", est.clopper_pearson->upper},
                            {"successes", est.successes}, {"trials", est.trials}, {"level", r.delta_per_concept}};
}

// ---- be-coverage -----------------------------------------------------------------------------

/// The per-identification failure probability p solved from r(n, p/|C|) = Delta/2, with its source.
std::pair<double, std::string> p_from_margin_options(const be_coverage_inputs& in) {
  if (!(in.n && in.margin && in.concepts && in.metric_name))
    throw invalid_argument("give --p, or all of --n, --margin, --concepts and --metric");
  const metric m = parse_metric(*in.metric_name);
  const bounds::rate_kind kind = require_rate_kind(m);
  check_positive("--margin", *in.margin);
  check_at_least("--concepts", *in.concepts, 1);
  if (kind == bounds::rate_kind::agarwal_auroc && !in.rho)
    throw invalid_argument("--rho (the concept frequency) is required for auroc");
  if (in.rho) check_open_unit("--rho", *in.rho);
  if (kind != bounds::rate_kind::agarwal_auroc && in.rho)
    throw invalid_argument(fmt::format("--rho is not used for metric {} (only auroc's rate uses the frequency)",
                                       to_string(m)));
  if (kind == bounds::rate_kind::effective_sample_size) check_nonnegative("--n", *in.n);
  else if (!(*in.n >= 1)) throw invalid_argument(fmt::format("--n must be at least 1, got {}", *in.n));
  if (*in.n > static_cast<double>(max_samples))
    throw invalid_argument(fmt::format("--n must be at most {} (probing-set size), got {}", max_samples, *in.n));
  return {bounds::p_from_margin({kind, in.rho.value_or(0.5)}, *in.n, *in.margin, *in.concepts),
          fmt::format("solves r(n, p/|C|) = Delta/2 ({}, n = {}, Delta = {}, |C| = {})", to_string(m), *in.n,
                      *in.margin, *in.concepts)};
}

/// p: given, or solved from the margin; with its source.
std::pair<double, std::string> checked_p(const be_coverage_inputs& in) {
  const bool from_margin = in.n || in.margin || in.concepts || in.metric_name || in.rho;
  if (!in.p) return p_from_margin_options(in);
  if (from_margin) throw invalid_argument("--p excludes --n, --margin, --concepts, --metric and --rho");
  if (in.disagreement)
    throw invalid_argument("--disagreement needs --n, --margin, --concepts and --metric accuracy instead of --p");
  check_closed_unit("--p", *in.p);
  return {*in.p, "given"};
}

/// The pairwise p from --disagreement (after checked_p: n, margin, concepts and metric are given and
/// checked), and the bounds with it.
be_pairwise_result pairwise_bounds(const be_coverage_inputs& in, std::int64_t threshold) {
  if (parse_metric(*in.metric_name) != metric::accuracy)
    throw invalid_argument(fmt::format(
        "--disagreement applies to --metric accuracy only (the paired difference of two concepts' agreement "
        "indicators); got {}",
        *in.metric_name));
  const double d = *in.disagreement, margin = *in.margin;
  if (!(d >= margin && d <= 1.0))
    throw invalid_argument(fmt::format(
        "--disagreement must lie in [--margin, 1] = [{}, 1] (concepts that disagree on a fraction d of the "
        "inputs differ in accuracy by at most d), got {}",
        margin, d));
  if (*in.n != std::floor(*in.n))
    throw invalid_argument(fmt::format("--n must be a whole number with --disagreement, got {}", *in.n));
  if (*in.concepts < 2)
    throw invalid_argument(fmt::format("--concepts must be at least 2 with --disagreement (c* and a runner-up), got {}",
                                       *in.concepts));
  const auto n = static_cast<std::int64_t>(*in.n);
  be_pairwise_result r;
  r.disagreement = d;
  r.p_source = "(|C| - 1) min(Chernoff, 2 exact) of one runner-up with margin >= Delta and disagreement <= d "
               "(accuracy; docs/be_coverage_bound.md)";
  r.per_runner_up = bounds::pairwise_error_uniform(n, margin, d);
  r.p = bounds::p_from_disagreement(n, margin, d, *in.concepts);
  r.exact = bounds::pairwise_error_exact(n, margin, d);
  r.chernoff = bounds::pairwise_error_chernoff(n, margin, d);
  r.bernstein = bounds::pairwise_error_bernstein(n, margin, d);
  r.corrected = bounds::be_coverage_corrected(in.K, threshold, r.p);
  r.tightened = bounds::be_coverage_tightened(in.K, threshold, r.p);
  return r;
}

}  // namespace

bounds::rate_kind require_rate_kind(metric m) {
  const auto kind = bounds::rate_kind_for(m);
  if (!kind && is_layer_metric(m))  // no per-pair estimate to simulate either
    throw invalid_argument(fmt::format(
        "metric '{}' has no closed-form bound (a score depends on every neuron of the layer); use `neuroncert "
        "identify --bootstrap K` for the stability of each explanation",
        to_string(m)));
  if (!kind)
    throw invalid_argument(fmt::format(
        "metric '{}' has no closed-form bound; use `neuroncert simulate` (empirical error quantile) or a "
        "bootstrap interval instead",
        to_string(m)));
  return *kind;
}

plan_result plan_study(const plan_inputs& in, const option_given& given) {
  plan_result out;
  out.m = parse_metric(in.metric_name);
  const bounds::rate_kind kind = require_rate_kind(out.m);
  check_open_unit("--delta", in.delta);
  check_at_least("--concepts", in.concepts, 1);
  check_open_unit("--delta-split", in.delta_split);
  out.request = {kind, 0.0, in.n, in.delta, in.concepts, in.rho.value_or(0.5), 1.0, in.delta_split};
  check_plan_target(in, out.request);
  check_plan_rate_options(in, out.m, given, out.request);
  out.rows = bounds::plan_rows(out.request);
  return out;
}

nlohmann::json plan_json(const plan_inputs& in, const plan_result& r) {
  nlohmann::json j;
  j["metric"] = std::string(to_string(r.m));
  j["concepts"] = in.concepts;
  j["delta"] = in.delta;
  j["delta_per_concept"] = bounds::union_delta(in.delta, in.concepts);
  if (in.epsilon) j["epsilon"] = *in.epsilon;
  if (in.margin) { j["margin"] = *in.margin; j["epsilon"] = r.request.epsilon; }
  if (in.n) j["n"] = *in.n;
  if (in.rho) j["rho"] = *in.rho;
  if (r.request.kind == bounds::rate_kind::effective_sample_size) j["q"] = r.request.q;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : r.rows) {
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
  return j;
}

bound_result bound_study(const bound_inputs& in, const option_given& given) {
  bound_result out;
  out.m = parse_metric(in.metric_name);
  const bounds::rate_kind kind = require_rate_kind(out.m);
  check_open_unit("--delta", in.delta);
  check_at_least("--concepts", in.concepts, 1);
  out.delta_per_concept = bounds::union_delta(in.delta, in.concepts);
  const std::optional<counts2x2> k = checked_counts(in.counts);
  out.n = checked_n(in, out.m, kind, given);
  out.report = bounds::bound_report_for(out.m, out.n, out.delta_per_concept, in.rho, k);
  if (const auto& est = out.report.estimate; est && est->defined)
    out.rate_interval = bounds::interval{std::max(0.0, est->value - out.report.rate),
                                         std::min(1.0, est->value + out.report.rate)};
  return out;
}

nlohmann::json bound_json(const bound_inputs& in, const bound_result& r) {
  nlohmann::json j;
  j["metric"] = std::string(to_string(r.m));
  j["n"] = r.n;
  j["concepts"] = in.concepts;
  j["delta"] = in.delta;
  j["delta_per_concept"] = r.delta_per_concept;
  j["rate_basis"] = r.report.basis.basis;
  j["effective_n"] = r.report.basis.n_eff;
  j["rate"] = io::json_number(r.report.rate);
  j["uniform_gap"] = io::json_number(r.report.gap);
  if (!in.counts.empty()) add_estimate_json(in, r, j);
  return j;
}

be_pilot be_pilot_estimate(const Eigen::MatrixXd& neuron, const Eigen::MatrixXd& concepts) {
  if (neuron.cols() != 1 || neuron.rows() < 1)
    throw invalid_argument(fmt::format("--pilot-neuron must be n x 1 (one binarised neuron), got {} x {}",
                                       neuron.rows(), neuron.cols()));
  if (concepts.rows() != neuron.rows())
    throw invalid_argument(fmt::format("--pilot-concepts has {} rows and --pilot-neuron {}: one row per pilot sample",
                                       concepts.rows(), neuron.rows()));
  if (concepts.cols() < 2)
    throw invalid_argument(fmt::format("--pilot-concepts must have at least 2 concepts (columns), got {}", concepts.cols()));
  const Eigen::Index n = neuron.rows(), C = concepts.cols();
  for (Eigen::Index i = 0; i < n; ++i)
    if (neuron(i, 0) != 0.0 && neuron(i, 0) != 1.0)
      throw invalid_argument(fmt::format("--pilot-neuron must hold 0/1 values (a binarised neuron), got {} in row {}",
                                         neuron(i, 0), i));
  // Agreement indicators A_j(i) = 1[f(x_i) = c_j(x_i)], and the pilot accuracies.
  Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic> agree(n, C);
  std::vector<std::int64_t> hits(static_cast<std::size_t>(C), 0);
  for (Eigen::Index j = 0; j < C; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double c = concepts(i, j);
      if (c != 0.0 && c != 1.0)
        throw invalid_argument(
            fmt::format("--pilot-concepts must hold 0/1 values, got {} in row {}, column {}", c, i, j));
      agree(i, j) = c == neuron(i, 0) ? 1 : 0;
      hits[static_cast<std::size_t>(j)] += agree(i, j);
    }
  be_pilot e;
  e.samples = n;
  e.concepts = C;
  e.best = std::max_element(hits.begin(), hits.end()) - hits.begin();  // the first maximum: lowest index
  const double nd = static_cast<double>(n);
  e.best_accuracy = static_cast<double>(hits[static_cast<std::size_t>(e.best)]) / nd;
  e.min_margin = 2.0;
  for (Eigen::Index j = 0; j < C; ++j) {
    if (j == e.best) continue;
    std::int64_t up = 0, down = 0;  // c* agrees and c_j not; the reverse
    for (Eigen::Index i = 0; i < n; ++i) {
      up += agree(i, e.best) && !agree(i, j);
      down += !agree(i, e.best) && agree(i, j);
    }
    const bounds::runner_up r{static_cast<double>(up - down) / nd, static_cast<double>(up + down) / nd};
    if (r.margin < e.min_margin) {
      e.min_margin = r.margin;
      e.closest = j;
    }
    e.max_disagreement = std::max(e.max_disagreement, r.disagreement);
    e.runner_up_index.push_back(j);
    e.runner_ups.push_back(r);
  }
  return e;
}

namespace {

/// With a pilot: the uniform p at the pilot's smallest margin and |C|, and the pairwise p from every
/// runner-up's pilot margin and disagreement.
void pilot_bounds(const be_coverage_inputs& in, be_coverage_result& out) {
  if (!(in.pilot_neuron && in.pilot_concepts)) throw invalid_argument("give both --pilot-neuron and --pilot-concepts");
  if (in.p || in.margin || in.concepts || in.disagreement || in.rho)
    throw invalid_argument("--pilot-neuron and --pilot-concepts replace --p, --margin, --concepts, --disagreement and --rho");
  if (!(in.n && in.metric_name)) throw invalid_argument("a pilot needs --n (the probing-set size) and --metric accuracy");
  if (parse_metric(*in.metric_name) != metric::accuracy)
    throw invalid_argument(fmt::format("a pilot applies to --metric accuracy only, got {}", *in.metric_name));
  if (!(*in.n >= 1)) throw invalid_argument(fmt::format("--n must be at least 1, got {}", *in.n));
  if (*in.n > static_cast<double>(max_samples))
    throw invalid_argument(fmt::format("--n must be at most {} (probing-set size), got {}", max_samples, *in.n));
  if (*in.n != std::floor(*in.n)) throw invalid_argument(fmt::format("--n must be a whole number, got {}", *in.n));
  const auto n = static_cast<std::int64_t>(*in.n);
  const be_pilot e = be_pilot_estimate(*in.pilot_neuron, *in.pilot_concepts);
  const bool separated = e.min_margin > 0.0;
  out.p = separated ? bounds::p_from_margin_accuracy(*in.n, e.min_margin, e.concepts) : 1.0;
  out.p_source = fmt::format(
      "solves r(n, p/|C|) = Delta/2 (accuracy, n = {}, Delta = {} the pilot's smallest margin, |C| = {})", n,
      e.min_margin, e.concepts);
  be_pairwise_result r;
  r.disagreement = e.max_disagreement;
  r.p = separated ? bounds::p_from_runner_ups(n, e.runner_ups) : 1.0;
  r.p_source = separated
                   ? "sum over the runner-ups of the exact tail at the pilot's margin and disagreement (plug-in; "
                     "docs/be_coverage_bound.md)"
                   : fmt::format("1: the pilot does not separate c* (concept {}) from concept {}", e.best, e.closest);
  if (separated) {
    const auto& c = e.runner_ups[static_cast<std::size_t>(
        std::find(e.runner_up_index.begin(), e.runner_up_index.end(), e.closest) - e.runner_up_index.begin())];
    r.exact = r.per_runner_up = bounds::pairwise_error_exact(n, c.margin, c.disagreement);
    r.chernoff = bounds::pairwise_error_chernoff(n, c.margin, c.disagreement);
    r.bernstein = bounds::pairwise_error_bernstein(n, c.margin, c.disagreement);
  } else {
    r.exact = r.per_runner_up = r.chernoff = r.bernstein = 1.0;
  }
  r.corrected = bounds::be_coverage_corrected(in.K, out.threshold, r.p);
  r.tightened = bounds::be_coverage_tightened(in.K, out.threshold, r.p);
  out.pairwise = r;
  out.pilot = e;
}

}  // namespace

be_coverage_result be_coverage_study(const be_coverage_inputs& in) {
  check_count("--K", in.K, 1, max_resamples, "bootstrap resamples; the paper uses 100");
  be_coverage_result out;
  out.threshold = bounds::checked_be_threshold(in.K, in.threshold, in.threshold_fraction);
  if (in.pilot_neuron || in.pilot_concepts)
    pilot_bounds(in, out);
  else
    std::tie(out.p, out.p_source) = checked_p(in);
  out.corrected = bounds::be_coverage_corrected(in.K, out.threshold, out.p);
  out.tightened = bounds::be_coverage_tightened(in.K, out.threshold, out.p);
  out.paper_eq9 = bounds::paper_eq9(in.K, out.threshold, out.p);
  if (in.disagreement && !out.pilot) out.pairwise = pairwise_bounds(in, out.threshold);
  return out;
}

nlohmann::json be_coverage_json(const be_coverage_inputs& in, const be_coverage_result& r) {
  nlohmann::json j;
  j["K"] = in.K;
  j["threshold"] = r.threshold;
  j["p"] = r.p;
  j["p_source"] = r.p_source;
  j["corrected"] = r.corrected;
  j["tightened"] = r.tightened;
  j["paper_eq9_at_kS_eq_t"] = r.paper_eq9;
  j["caveat"] = bounds::be_coverage_caveat;
  if (const auto& pw = r.pairwise) {
    j["pairwise"] = {
        {"disagreement", pw->disagreement},
        {"p", pw->p},
        {"p_source", pw->p_source},
        {"per_runner_up",
         {{"uniform", pw->per_runner_up}, {"exact", pw->exact}, {"chernoff", pw->chernoff}, {"bernstein", pw->bernstein}}},
        {"corrected", pw->corrected},
        {"tightened", pw->tightened}};
  }
  if (const auto& e = r.pilot)
    j["pilot"] = {{"samples", e->samples},           {"concepts", e->concepts},
                  {"best", e->best},                 {"best_accuracy", e->best_accuracy},
                  {"closest_runner_up", e->closest}, {"min_margin", e->min_margin},
                  {"max_disagreement", e->max_disagreement}};
  return j;
}

}  // namespace neuroncert::studies
