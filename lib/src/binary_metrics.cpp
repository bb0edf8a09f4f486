#include "neuroncert/core/binary_metrics.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert {
namespace {
metric_value ratio(double num, double den, undefined_reason if_empty) {
  if (!(den > 0.0)) return metric_value::undefined(if_empty);
  return metric_value::of(num / den);
}
}  // namespace

void check_metric_options(const metric_options& options) {
  check_open_unit("alpha", options.alpha);
  check_open_unit("wpmi eps", options.wpmi_eps);
  if (!std::isfinite(options.wpmi_lambda))
    throw invalid_argument(fmt::format("wpmi lambda must be finite, got {}", options.wpmi_lambda));
  for (const auto& [name, o] : {std::pair{"soft_wpmi", options.soft_wpmi}, std::pair{"cd_wpmi", options.cd_wpmi}}) {
    check_at_least(fmt::format("{} top_k", name), o.top_k, 1);
    if (!std::isfinite(o.lambda)) throw invalid_argument(fmt::format("{} lambda must be finite, got {}", name, o.lambda));
    if (!(o.p_start > 0.0 && o.p_start <= 1.0))
      throw invalid_argument(fmt::format("{} p_start must lie in (0, 1], got {}", name, o.p_start));
    if (!(o.p_end > 0.0 && o.p_end <= 1.0))
      throw invalid_argument(fmt::format("{} p_end must lie in (0, 1], got {}", name, o.p_end));
    check_open_unit(fmt::format("{} eps", name), o.eps);
  }
}

metric_value accuracy(const counts2x2& k) {
  return ratio(k.f00 + k.f11, k.total(), undefined_reason::empty_sample);
}

metric_value recall(const counts2x2& k, orientation o) {
  const counts2x2 t = o == orientation::paper ? k : k.transposed();
  return ratio(t.f11, t.concept_positives(),
               o == orientation::paper ? undefined_reason::no_concept_positives : undefined_reason::neuron_never_fires);
}

metric_value precision(const counts2x2& k, orientation o) {
  const counts2x2 t = o == orientation::paper ? k : k.transposed();
  return ratio(t.f11, t.neuron_positives(),
               o == orientation::paper ? undefined_reason::neuron_never_fires : undefined_reason::no_concept_positives);
}

metric_value iou(const counts2x2& k) { return ratio(k.f11, k.union_count(), undefined_reason::both_empty); }

metric_value f1(const counts2x2& k) {
  return ratio(2.0 * k.f11, 2.0 * k.f11 + k.f01 + k.f10, undefined_reason::both_empty);
}

metric_value auroc_binary(const counts2x2& k, auroc_convention convention) {
  const double pos = k.f01 + k.f11;
  const double neg = k.f00 + k.f10;
  if (!(pos > 0.0)) return metric_value::undefined(undefined_reason::no_concept_positives);
  if (!(neg > 0.0)) return metric_value::undefined(undefined_reason::no_concept_negatives);
  const double tpr = k.f11 / pos;
  const double tnr = k.f00 / neg;
  return metric_value::of(convention == auroc_convention::tie_corrected ? 0.5 * (tpr + tnr) : tpr * tnr);
}

metric_value binary_metric(metric m, const counts2x2& k, const metric_options& options) {
  switch (m) {
    case metric::accuracy: return accuracy(k);
    case metric::recall: return recall(k, options.recall_precision);
    case metric::precision: return precision(k, options.recall_precision);
    case metric::iou: return iou(k);
    case metric::f1: return f1(k);
    case metric::auroc: return auroc_binary(k, options.auroc);
    default: break;
  }
  throw invalid_argument(fmt::format("metric '{}' needs continuous activations, not 2x2 counts", to_string(m)));
}

}  // namespace neuroncert
