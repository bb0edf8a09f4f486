#pragma once
// Conventions that change a metric's definition. Defaults are THEORY.md's.

namespace neuroncert {

/// Who predicts whom in recall/precision (THEORY.md sec. 1).
enum class orientation {
  paper,        ///< neuron predicts concept: recall = P(f=1|c=1), precision = P(c=1|f=1) (default)
  neuron_eval,  ///< Neuron_Eval (ICML 2025 code): the transpose, recall = P(c=1|f=1)
};

/// AUROC of a *binary* neuron (THEORY.md sec. 2.1).
enum class auroc_convention {
  tie_corrected,  ///< P(f(x)<f(y)) + 1/2 P(f(x)=f(y)) = balanced accuracy (default, as scikit-learn)
  strict,         ///< the paper's Table 1 with a strict '<': TPR * TNR for a binary neuron
};

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
};

/// Validates the options (alpha and wpmi_eps in (0,1), finite lambda); throws invalid_argument.
void check_metric_options(const metric_options& options);

}  // namespace neuroncert
