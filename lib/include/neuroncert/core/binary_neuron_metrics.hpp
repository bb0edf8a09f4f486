#pragma once
// Every pair metric of a *binary* neuron (z in {0,1}, used as it is, no top-alpha cut) against a
// binary concept, from the 2x2 counts alone. The count metrics and AUROC are binary_metric(); the
// continuous metrics of docs/theory.md sec. 2.2 reduce to the counts as well when z takes two values:
//   AUPRC (step-wise, precision at the end of each tied block: the f=1 block, then everything)
//     = [F11 * F11/(F10+F11) + F01 * (F01+F11)/n] / (F01+F11)
//   correlation (Pearson, 1/n moments) = the phi coefficient (F11 F00 - F10 F01) / sqrt(N1 N0 P1 P0)
//   MAD = mean(z|c=1) - mean(z|c=0) = F11/P1 - F10/P0 (standardised: / sqrt(q(1-q)), q = F10/P0)
//   WPMI (active set = {f=1}) = (F10/N1) log(eps) - lambda log(P1/n)
// with N1 = F10+F11, N0 = F00+F01, P1 = F01+F11, P0 = F00+F10. Each is what pair_metric() gives on the
// samples with metric_options::binary_activations (tests/lib check it on explicit samples), so
// simulations and the sanity tests (docs/theory.md sec. 9) can draw counts instead of samples. Applied to
// the cell probabilities W instead of counts, each returns the population value.
// Theory: docs/theory.md sec. 2.2 (continuous metrics), sec. 9 (metric sanity tests).
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/core/undefined.hpp"

namespace neuroncert {

/// The metric of a binary neuron from its counts (weighted counts allowed). Every pair metric;
/// throws invalid_argument for a layer metric (soft_wpmi, cd_wpmi: they need the whole layer).
metric_value binary_neuron_metric(metric m, const counts2x2& k, const metric_options& options = {});

}  // namespace neuroncert
