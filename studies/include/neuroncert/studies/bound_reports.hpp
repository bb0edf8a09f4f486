#pragma once
// The three closed-form commands as studies (docs/theory.md sec. 4, 4.1, 5): `plan` (the probing-set size
// a target accuracy or margin needs, or what a given n resolves), `bound` (the certified rate and
// gap, and the estimate from 2x2 counts) and `be-coverage` (coverage of the bootstrap-ensemble set).
// Each takes the options as a user gives them, checks them (invalid_argument naming the option at
// fault, in the CLI's words: these checks are the CLI's), computes, and returns a plain struct; the
// *_json functions give the JSON report without run metadata, which the caller adds.
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap), sec. 4.1 (planning),
//   sec. 5.3 (Theorem 4.1, corrected).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "neuroncert/bounds/be_pairwise.hpp"
#include "neuroncert/bounds/bound_report.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/metric.hpp"

namespace neuroncert::studies {

/// The largest probing-set size n that plan, bound and be-coverage accept: far beyond any study,
/// and small enough that n + 1 and n * q never overflow or lose integer precision in a double.
inline constexpr std::int64_t max_samples = 1'000'000'000'000'000;

/// Whether the user gave an option, by its name ("--rho"): an option given where it has no
/// effect is refused. Options with a default (plan's --delta-split) can only be told this way.
using option_given = std::function<bool(std::string_view option)>;

/// The metric's closed-form rate kind, or invalid_argument for metrics without one (one line,
/// pointing at the empirical alternatives).
bounds::rate_kind require_rate_kind(metric m);

// ---- plan ------------------------------------------------------------------------------------

/// `plan`'s options: exactly one of epsilon, margin or n.
struct plan_inputs {
  std::string metric_name;
  std::int64_t concepts = 1;
  std::optional<double> epsilon, margin, rho, rate;
  std::optional<std::int64_t> n;
  double delta = 0.05;
  double delta_split = 0.5;
};

struct plan_result {
  metric m = metric::accuracy;
  bounds::plan_request request;  ///< the checked request (epsilon from --epsilon or --margin, q, rho)
  std::vector<bounds::plan_row> rows;
};

/// The plan for the checked inputs (bounds::plan_rows).
plan_result plan_study(const plan_inputs& in, const option_given& given);

/// The JSON report of a plan: metric, concepts, delta (and per concept), the target or the given n,
/// rho, q, and one object per bound.
nlohmann::json plan_json(const plan_inputs& in, const plan_result& r);

// ---- bound -----------------------------------------------------------------------------------

/// `bound`'s options: n and/or the 2x2 counts f00, f01, f10, f11.
struct bound_inputs {
  std::string metric_name;
  std::optional<std::int64_t> n;
  std::int64_t concepts = 1;
  double delta = 0.05;
  std::optional<double> rho;
  std::vector<std::int64_t> counts;  ///< empty, or f00, f01, f10, f11
};

struct bound_result {
  metric m = metric::accuracy;
  std::int64_t n = 0;            ///< --n, or the counts' sum
  double delta_per_concept = 0;  ///< delta / |C| (union bound)
  bounds::bound_report report;
  /// estimate +- rate, clipped to [0, 1]: with counts whose estimate is defined only.
  std::optional<bounds::interval> rate_interval;
};

/// The certified rate, gap and (with counts) estimate for the checked inputs (bounds::bound_report_for).
bound_result bound_study(const bound_inputs& in, const option_given& given);

/// The JSON report of a bound: n, delta (and per concept), the rate and its basis, the uniform gap
/// and, with counts, the counts, the estimate (null with the reason when undefined), the interval
/// estimate +- r and Clopper-Pearson's.
nlohmann::json bound_json(const bound_inputs& in, const bound_result& r);

// ---- be-coverage -----------------------------------------------------------------------------

/// `be-coverage`'s options: K, the threshold (t or tau) and either p or what p is solved from
/// (n, margin, concepts, metric and, for AUROC, rho). With `disagreement` (accuracy only; an upper
/// bound on P(c*(x) != c(x)) over the runner-ups c), the pairwise p of bounds/be_pairwise.hpp is
/// reported beside the uniform one (docs/be_coverage_bound.md).
struct be_coverage_inputs {
  std::int64_t K = 100;
  std::optional<std::int64_t> threshold;
  std::optional<double> threshold_fraction;
  std::optional<double> p;
  std::optional<double> n, margin, rho;
  std::optional<std::int64_t> concepts;
  std::optional<std::string> metric_name;
  std::optional<double> disagreement;
  /// A pilot instead of --margin, --concepts and --disagreement (accuracy, with --n): the binary neuron
  /// (n_p x 1, 0/1) and binary concepts (n_p x |C|, 0/1) on samples independent of the probing set.
  const Eigen::MatrixXd* pilot_neuron = nullptr;
  const Eigen::MatrixXd* pilot_concepts = nullptr;
};

/// What a pilot says (be_pilot_estimate): c* (the concept with the highest pilot accuracy, ties to
/// the lowest index) and, per runner-up, its margin and disagreement with c* on the pilot.
struct be_pilot {
  std::int64_t samples = 0, concepts = 0;
  std::int64_t best = 0;      ///< index of c*
  double best_accuracy = 0;
  std::vector<std::int64_t> runner_up_index;    ///< the other concepts, in index order
  std::vector<bounds::runner_up> runner_ups;    ///< their margins (>= 0) and disagreements
  std::int64_t closest = 0;   ///< the runner-up with the smallest margin (lowest index on ties)
  double min_margin = 0, max_disagreement = 0;
};

/// Estimates from a pilot's binary neuron (n_p x 1) and binary concepts (n_p x |C|, |C| >= 2).
/// invalid_argument naming "--pilot-neuron" or "--pilot-concepts" for another shape or non-0/1 values.
be_pilot be_pilot_estimate(const Eigen::MatrixXd& neuron, const Eigen::MatrixXd& concepts);

/// The pairwise bound (with --disagreement): p = min(1, (|C| - 1) T_unif(n, Delta, d)) and the
/// per-runner-up tails it is built from.
struct be_pairwise_result {
  double disagreement = 0;  ///< --disagreement, or the pilot's largest
  double p = 0;
  std::string p_source;
  double per_runner_up = 0;  ///< T_unif = min(1, Chernoff, 2 exact): the worst runner-up's error
  double exact = 0, chernoff = 0, bernstein = 0;  ///< one runner-up with exactly (Delta, d) (pilot: the closest)
  double corrected = 0, tightened = 0;
};

struct be_coverage_result {
  std::int64_t threshold = 0;
  double p = 0;
  std::string p_source;  ///< "given", or the equation p solves with its inputs
  double corrected = 0, tightened = 0, paper_eq9 = 0;
  std::optional<be_pairwise_result> pairwise;  ///< with --disagreement or a pilot
  std::optional<be_pilot> pilot;               ///< with a pilot
};

/// The corrected and tightened Theorem 4.1 bounds and the paper's eq. 9 at k_S = t, and with a
/// disagreement the same two bounds with the pairwise p. With a pilot: the uniform p at the pilot's
/// smallest margin and |C|, and the pairwise p = min(1, sum over runner-ups of the exact tail at the
/// pilot's margins and disagreements) (plug-in: the pilot's values are taken as the population's; a
/// runner-up the pilot does not separate from c* gives p = 1).
be_coverage_result be_coverage_study(const be_coverage_inputs& in);

/// The JSON report: K, threshold, p and its source, the three bounds, the caveat and, with a
/// disagreement, "pairwise" {disagreement, p, p_source, per_runner_up {uniform, exact, chernoff,
/// bernstein}, corrected, tightened} and, with a pilot, "pilot" {samples, concepts, best,
/// best_accuracy, closest_runner_up, min_margin, max_disagreement}.
nlohmann::json be_coverage_json(const be_coverage_inputs& in, const be_coverage_result& r);

}  // namespace neuroncert::studies
