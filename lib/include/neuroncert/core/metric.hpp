#pragma once
// The similarity metrics neuroncert knows, their names on the command line, and which
// family each belongs to (docs/theory.md sec. 2).
// Theory: docs/theory.md sec. 2 (similarity metrics).
#include <array>
#include <string>
#include <string_view>

namespace neuroncert {

enum class metric {
  // Binary neuron and concept, from the 2x2 counts (docs/theory.md sec. 2.1).
  accuracy,
  recall,     ///< P(f=1 | c=1) in the paper's orientation
  precision,  ///< P(c=1 | f=1) in the paper's orientation
  iou,
  f1,
  auroc,  ///< tie-corrected (Mann-Whitney, ties 1/2); on continuous activations with mid-ranks
  // Continuous activation against a binary (or probabilistic) concept (docs/theory.md sec. 2.2).
  auprc,        ///< average precision, step-wise, precision at the end of tied blocks
  correlation,  ///< Pearson, population (1/n) moments
  mad,          ///< mean(z | c=1) - mean(z | c=0); standardised form is an option
  wpmi,         ///< Oikarinen et al. 2025 WPMI on the top-alpha active set
  // CLIP-Dissect's scores (docs/theory.md sec. 2.3): a neuron's top_k samples against concept
  // probabilities, minus lambda times a marginal averaged over the layer's neurons, so every score
  // depends on every neuron of the layer (layer metrics; lib/include/neuroncert/core/clip_dissect.hpp).
  soft_wpmi,  ///< CLIP-Dissect's default soft-WPMI
  cd_wpmi,    ///< CLIP-Dissect's WPMI variant (named so beside Oikarinen et al.'s `wpmi`)
};

/// Every metric, in the order help texts list them.
inline constexpr std::array<metric, 12> all_metrics = {
    metric::accuracy, metric::recall,      metric::precision, metric::iou,  metric::f1,
    metric::auroc,    metric::auprc,       metric::correlation, metric::mad, metric::wpmi,
    metric::soft_wpmi, metric::cd_wpmi};

/// The metrics of one (neuron, concept) pair: every metric but the layer metrics. Studies and
/// tests that score pairs one at a time (pair_metric, simulations, per-pair oracles) loop over these.
inline constexpr std::array<metric, 10> pair_metrics = {
    metric::accuracy, metric::recall, metric::precision, metric::iou,  metric::f1,
    metric::auroc,    metric::auprc,  metric::correlation, metric::mad, metric::wpmi};

/// True for the metrics whose score of a pair depends on every neuron of the layer (CLIP-Dissect's
/// marginal): they are computed for a whole activation matrix at once, never pair by pair.
constexpr bool is_layer_metric(metric m) { return m == metric::soft_wpmi || m == metric::cd_wpmi; }

/// Lower-case command-line name ("accuracy", "iou", "auroc", ...).
std::string_view to_string(metric m);

/// Parses a command-line name; throws neuroncert::invalid_argument naming the known metrics.
metric parse_metric(std::string_view name);

/// True for metrics computed from 2x2 counts of a binarised neuron (accuracy..f1).
/// AUROC is both: from counts on a binary neuron, from mid-ranks on a continuous one.
constexpr bool is_count_metric(metric m) {
  return m == metric::accuracy || m == metric::recall || m == metric::precision || m == metric::iou ||
         m == metric::f1;
}

/// Comma-separated list of all names, for help texts and error messages.
std::string metric_names();

}  // namespace neuroncert
