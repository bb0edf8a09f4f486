#pragma once
// Similarity metrics of a binary neuron and concept from their (weighted) 2x2 counts,
// docs/theory.md sec. 2.1 table. Each returns the estimator sim_hat; applied to the population
// cell probabilities W_ij instead of counts, it returns the population value sim.
// Theory: docs/theory.md sec. 2.1 (binary metrics).
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert {

/// (F00 + F11) / n. Undefined if n = 0.
metric_value accuracy(const counts2x2& k);
/// F11 / (F01 + F11) = P(f=1 | c=1) in the paper's orientation. Undefined without concept positives.
metric_value recall(const counts2x2& k, orientation o = orientation::paper);
/// F11 / (F10 + F11) = P(c=1 | f=1) in the paper's orientation. Undefined if the neuron never fires.
metric_value precision(const counts2x2& k, orientation o = orientation::paper);
/// F11 / (F01 + F10 + F11). Undefined if neuron and concept are both never 1.
metric_value iou(const counts2x2& k);
/// 2 F11 / (2 F11 + F01 + F10). Undefined if neuron and concept are both never 1.
metric_value f1(const counts2x2& k);
/// AUROC of a binary neuron. Tie-corrected: (TPR + TNR) / 2; strict: TPR * TNR, with
/// TPR = F11/(F01+F11), TNR = F00/(F00+F10). Undefined if a concept class is empty.
metric_value auroc_binary(const counts2x2& k, auroc_convention convention = auroc_convention::tie_corrected);

/// Dispatch for the count metrics and AUROC; throws invalid_argument for a continuous-only metric.
metric_value binary_metric(metric m, const counts2x2& k, const metric_options& options = {});

}  // namespace neuroncert
