#pragma once
// The identify study (docs/theory.md sec. 3-5): every neuron explained by its best concept with
// certified intervals and gaps; optionally the stability of each explanation over a bootstrap
// ensemble: selection frequencies, the BE prediction set (Algorithm 1), the top-1 frequency, the
// 90%-coverage set size and the corrected Theorem 4.1 bound with a labelled plug-in margin.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

/// The certified identification of every neuron, with its averages.
struct identify_report {
  std::vector<bounds::certified_identification> neurons;  ///< one per neuron, in column order
  Eigen::Index identified = 0;  ///< neurons with a chosen concept
  Eigen::Index bounded = 0;     ///< ... and a closed-form bound
  double mean_estimate = 0.0;   ///< over identified neurons (0 if none)
  double mean_gap = 0.0;        ///< over bounded neurons (0 if none)
  // Certified identification (docs/theory.md sec. 4.3), over the bounded neurons:
  Eigen::Index certified_unique = 0;  ///< neurons whose certified set has one concept
  Eigen::Index lcb_differs = 0;       ///< neurons whose c_LCB is not the plain argmax
  Eigen::Index gap_vacuous = 0;       ///< neurons whose gap to the best concept reached 1 (says nothing)
  double mean_set_size = 0.0;         ///< mean |S_cert|
  similarity_matrix similarities;  ///< F x |C| full-set estimates the concepts were chosen from
};

/// The minimum support of the certified sets: >= 0, and only for a metric with a certificate.
/// invalid_argument naming `option`.
void check_min_support(std::string_view option, double min_support, metric m);

/// Identifies and certifies every neuron at `delta` (union bound over the concepts); the certified sets
/// and c_LCB consider only concepts with at least `min_support` positives (0: all).
identify_report identify_and_certify(const probing_set& set, metric m, const metric_options& options, double delta,
                                     double min_support = 0.0);

/// Recomputes the report's counts and means from its neurons, in neuron order (what
/// identify_and_certify does after certifying; the sharded study calls it on the gathered neurons).
void summarize_identification(identify_report& report);

/// The plug-in Theorem 4.1 bound of one neuron: Delta = the observed margin between the two best
/// full-set estimates, p from the metric's closed-form rate. Each value is absent with `reason`
/// saying why when it cannot be derived.
struct theorem_4_1_plugin {
  std::optional<double> margin;           ///< observed margin (absent: fewer than two defined concepts)
  std::optional<double> p;                ///< per-identification failure probability from the margin
  std::optional<double> bound;            ///< corrected Theorem 4.1: P(Binomial(K, p) <= t - 1)
  std::optional<double> bound_tightened;  ///< P(Binomial(K, p) <= max(t, ceil(K/2)) - 1)
  std::optional<double> paper_eq9;        ///< the paper's printed eq. 9 at t
  std::string reason;                     ///< why `bound` is absent ("" when present)
};

/// `full`: the full-set similarities; `effective_n`, `rho`: of the neuron's chosen concept.
theorem_4_1_plugin plugin_bound(const similarity_matrix& full, Eigen::Index neuron, metric m, double n,
                                double effective_n, double rho, std::int64_t resamples, std::int64_t threshold,
                                std::int64_t concepts);

struct concept_frequency {
  Eigen::Index concept_index = 0;
  std::int64_t count = 0;  ///< resamples that chose it
  double frequency = 0.0;  ///< count / K
};

/// The stability of one neuron's explanation over the K resamples.
struct neuron_stability {
  Eigen::Index neuron = 0;
  Eigen::Index full_set_concept = -1;          ///< the full-set choice (-1: none)
  std::vector<concept_frequency> frequencies;  ///< chosen concepts, by count descending (ties: lower index)
  std::int64_t unidentified = 0;               ///< resamples where every concept was undefined
  stability_summary summary;                   ///< top concept, top-1 frequency, 90%-coverage size
  be_set be;                                   ///< Algorithm 1 at the threshold
  theorem_4_1_plugin plugin;
};

struct stability_options {
  std::int64_t resamples = 100;  ///< K >= 1
  std::int64_t threshold = 95;   ///< BE threshold t in [1, K]
  std::uint64_t seed = 0;
  progress_callback progress;    ///< stage "bootstrap", neuron-resamples
  /// Called with each neuron as soon as its counts are final, in neuron order, so a caller can
  /// stream finished neurons into files.
  std::function<void(const neuron_stability&)> neuron_finished;
};

struct stability_report {
  std::vector<neuron_stability> neurons;
  double mean_top1_frequency = 0.0, mean_coverage90_size = 0.0, mean_be_set_size = 0.0;
  std::int64_t full_set_concept_in_be_set = 0;  ///< neurons whose full-set choice is in their BE set
  double seconds = 0.0;
};

/// The bootstrap ensemble (streams (seed, resample index)) of every neuron, summarised against the
/// full-set identification `report` of the same set and options.
stability_report bootstrap_stability(const probing_set& set, metric m, const metric_options& options,
                                     const identify_report& report, const stability_options& o);

/// Recomputes the report's means and counts from its neurons, in neuron order (bootstrap_stability
/// does it at the end; the sharded study calls it on the gathered neurons).
void summarize_stability_report(stability_report& report);

/// Why metric m has no certificate, pointing to the bootstrap; "" for a metric with a closed-form
/// rate. identify's JSON and the Python summary state it instead of empty certificate columns.
std::string no_certificate_reason(metric m);

/// How a bootstrap resample scores a layer metric (CLIP-Dissect's), stated with its results.
inline constexpr std::string_view layer_metric_resampling =
    "each resample refills every neuron's top_k slots from the resample (a sample of multiplicity m takes m "
    "consecutive slots of the descending order, each slot with its own weight p_i) and recomputes the marginal "
    "logP(c) over all neurons from the same resample";

/// The texts a report states about its guarantees (docs/theory.md), kept with the study that they describe.
inline constexpr std::string_view identify_guarantee =
    "per neuron, with probability >= 1 - delta simultaneously over its concepts: the population similarity of "
    "the chosen concept lies in certified_interval, and it is at most gap_to_best below the best concept "
    "(Theorem 3.1 and Corollary 3.2 with the union bound over |C|; rates at delta/|C|)";
inline constexpr std::string_view certified_set_guarantee =
    "per neuron, with probability >= 1 - delta: the population-best concept (among those with a defined estimate "
    "and at least min_support positives) is in the certified set S_cert = {c : U_c >= max L}, and the similarity of "
    "c_LCB = argmax L_c is at least its lower bound (docs/theory.md sec. 4.3; per-concept intervals at delta/|C|: "
    "Clopper-Pearson where the counts allow, else the closed-form rate); no resampling assumption";
inline constexpr std::string_view identify_assumptions[] = {
    "the probing samples are i.i.d. from the population",
    "the bounds treat the binarised neuron as fixed; top-alpha binarisation makes it depend weakly on the sample",
    "no correction across neurons: use delta/F for a guarantee over all neurons at once",
    "recall, precision and IoU rates are conditional on the effective sample size m"};
inline constexpr std::string_view resampling_scheme =
    "multiplicities w ~ Multinomial(n, 1/n) per resample, stream (seed, resample index)";
inline constexpr std::string_view theorem_4_1_statement =
    "P(c* in S) >= P(Binomial(K, p) <= t - 1) (corrected Theorem 4.1, docs/theory.md sec. 5.3); "
    "tightened: P(Binomial(K, p) <= max(t, ceil(K/2)) - 1)";
inline constexpr std::string_view theorem_4_1_assumptions[] = {
    "(1) the population-best concept c* is in the concept set C",
    "(2) margin: sim(c*) >= sim(c) + Delta for every other concept c",
    "(3) the K identifications are independent and each returns c* with probability >= 1 - p, "
    "p solving r(n, p/|C|) = Delta/2 (Lemma B.2)"};
inline constexpr std::string_view theorem_4_1_plugin_note =
    "Delta is unknown on real data: it is replaced by the observed margin between the two best full-set "
    "estimates (a plug-in, not a certified value); p uses the metric's closed-form rate (n for accuracy, "
    "the chosen concept's effective n for recall/precision/IoU, its frequency rho for AUROC); metrics "
    "without a closed-form rate report null";

}  // namespace neuroncert::studies
