#include "neuroncert/core/binary_neuron_metrics.hpp"

#include <cmath>

#include <fmt/format.h>

#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert {
namespace {

// Step-wise average precision with two tied blocks (f = 1 first, then f = 0): each positive scores
// the precision at the end of its block. An empty f = 1 block contributes nothing.
metric_value auprc_binary(const counts2x2& k) {
  const double pos = k.concept_positives(), fire = k.neuron_positives(), n = k.total();
  if (!(pos > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  const double top = fire > 0.0 ? k.f11 * k.f11 / fire : 0.0;
  return metric_value::of((top + k.f01 * pos / n) / pos);
}

// Pearson with 1/n moments of two 0/1 variables: the phi coefficient. Same undefined order as the
// engine (activation variance first).
metric_value phi(const counts2x2& k) {
  const double n1 = k.neuron_positives(), n0 = k.f00 + k.f01, p1 = k.concept_positives(), p0 = k.f00 + k.f10;
  if (!(n1 > 0.0 && n0 > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_activation);
  if (!(p1 > 0.0 && p0 > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_concept);
  return metric_value::of((k.f11 * k.f00 - k.f10 * k.f01) / std::sqrt(n1 * n0 * p1 * p0));
}

metric_value mad_binary(const counts2x2& k, bool standardised) {
  const double p1 = k.concept_positives(), p0 = k.f00 + k.f10;
  if (!(p1 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  if (!(p0 > 0.0)) return metric_value::undefined(undefined_reason::no_concept_negatives);
  const double q0 = k.f10 / p0;
  const double diff = k.f11 / p1 - q0;
  if (!standardised) return metric_value::of(diff);
  const double var0 = q0 * (1.0 - q0);
  if (!(var0 > 0.0)) return metric_value::undefined(undefined_reason::zero_variance_negatives);
  return metric_value::of(diff / std::sqrt(var0));
}

// Active set {f = 1}; log(max(c, eps)) is 0 on its positives and log(eps) on its negatives.
metric_value wpmi_binary(const counts2x2& k, const metric_options& o) {
  const double pos = k.concept_positives(), fire = k.neuron_positives();
  if (!(pos > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  if (!(fire > 0.0)) return metric_value::undefined(undefined_reason::neuron_never_fires);
  return metric_value::of(std::log(o.wpmi_eps) * k.f10 / fire - o.wpmi_lambda * std::log(pos / k.total()));
}

}  // namespace

metric_value binary_neuron_metric(metric m, const counts2x2& k, const metric_options& options) {
  switch (m) {
    case metric::auprc: return auprc_binary(k);
    case metric::correlation: return phi(k);
    case metric::mad: return mad_binary(k, options.mad_standardised);
    case metric::wpmi: return wpmi_binary(k, options);
    case metric::soft_wpmi:
    case metric::cd_wpmi:
      throw invalid_argument(fmt::format("metric '{}' scores a whole layer, not one binary neuron", to_string(m)));
    default: return binary_metric(m, k, options);
  }
}

}  // namespace neuroncert
