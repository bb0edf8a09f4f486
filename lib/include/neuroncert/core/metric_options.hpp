#pragma once
// Conventions that change a metric's definition. Defaults are docs/theory.md's.
// Theory: docs/theory.md sec. 1 (notation and orientation), sec. 2 (similarity metrics).
#include <cstdint>

namespace neuroncert {

/// Who predicts whom in recall/precision (docs/theory.md sec. 1).
enum class orientation {
  paper,        ///< neuron predicts concept: recall = P(f=1|c=1), precision = P(c=1|f=1) (default)
  neuron_eval,  ///< Neuron_Eval (ICML 2025 code): the transpose, recall = P(c=1|f=1)
};

/// AUROC of a *binary* neuron (docs/theory.md sec. 2.1).
enum class auroc_convention {
  tie_corrected,  ///< P(f(x)<f(y)) + 1/2 P(f(x)=f(y)) = balanced accuracy (default, as scikit-learn)
  strict,         ///< the paper's Table 1 with a strict '<': TPR * TNR for a binary neuron
};

/// The settings of one of CLIP-Dissect's scores (docs/theory.md sec. 2.3). For neuron k with its top_k
/// samples x_(0..top_k-1) by activation, descending:
///   soft_wpmi: logP(c | E_k) = sum_i log(1 + p_i (P(c | x_(i)) - 1) + eps),
///              p_i = p_start - (i / top_k)(p_start - p_end);
///   cd_wpmi:   logP(c | E_k) = sum_i log(P(c | x_(i)) + eps)  (p_start and p_end unused);
/// score = logP(c | E_k) - lambda logP(c), logP(c) = log mean_k' exp(logP(c | E_k')).
struct clip_dissect_options {
  std::int64_t top_k = 100;  ///< samples per neuron, 1 <= top_k <= n (checked where n is known)
  double lambda = 1.0;       ///< weight of the layer marginal, finite
  double p_start = 0.998;    ///< soft_wpmi: weight of the most active sample, in (0, 1]
  double p_end = 0.97;       ///< soft_wpmi: the weights fall linearly towards p_end, in (0, 1]
  double eps = 1e-7;         ///< added inside every log, in (0, 1)
};

/// CLIP-Dissect's defaults (similarity.py): soft-WPMI top_k 100, lambda 1, p 0.998 -> 0.97;
/// WPMI top_k 28, lambda 0.6; eps 1e-7 for both.
inline constexpr clip_dissect_options soft_wpmi_defaults{100, 1.0, 0.998, 0.97, 1e-7};
inline constexpr clip_dissect_options cd_wpmi_defaults{28, 0.6, 1.0, 1.0, 1e-7};

struct metric_options {
  /// Top-alpha fraction for binarising continuous activations (count metrics and WPMI), in (0,1).
  double alpha = 0.05;
  /// Activations are already 0/1: count metrics use them as they are and AUROC uses the 2x2 counts.
  bool binary_activations = false;
  orientation recall_precision = orientation::paper;
  auroc_convention auroc = auroc_convention::tie_corrected;  ///< only for binary activations
  bool mad_standardised = false;  ///< CoSy's form: divide by std(z | c=0) (population moments)
  double wpmi_lambda = 1.0;       ///< WPMI weight of the concept's marginal log-frequency
  double wpmi_eps = 1e-8;         ///< WPMI clamp: log(max(c, eps)); report it with results
  clip_dissect_options soft_wpmi = soft_wpmi_defaults;  ///< metric soft_wpmi
  clip_dissect_options cd_wpmi = cd_wpmi_defaults;      ///< metric cd_wpmi
};

/// Validates the options (alpha and wpmi_eps in (0,1), finite lambda, CLIP-Dissect's settings:
/// top_k >= 1, p_start and p_end in (0,1], eps in (0,1), finite lambda); throws invalid_argument.
void check_metric_options(const metric_options& options);

}  // namespace neuroncert
